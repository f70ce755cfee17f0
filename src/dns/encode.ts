// Turning a ZoneAnswer into reply bytes. dns-packet encodes the records once per answer object
// (zones that memoize answers get this for free) and compressRecords adds name compression, with
// pointers to the question as the client sent it; the compressed sections are kept per answer by
// the part of the question they point into, and stitched behind the header and the question
// exactly as the client sent it. Size limits and the TC bit live here.

import dnsPacket, { type Answer, type OptAnswer } from 'dns-packet';
import { compressRecords, nameSuffixes, questionSuffix, type SuffixIndex } from './compress.js';
import type { DnsRecord, ZoneAnswer } from './types.js';
import { FLAG, HEADER_BYTES, type WireHeader, writeReplyHeader } from './wire.js';

/** Encoded sections of one answer: answer+authority bytes, additional bytes, and their counts. */
interface EncodedSections {
  main: Buffer;
  extra: Buffer;
  ancount: number;
  nscount: number;
  arcount: number;
}

/**
 * One answer's records encoded without compression, every suffix of the names they hold, and the
 * compressed sections by where they start and by the question suffix they point into (pointers
 * are absolute, and a shared answer such as a zone's NXDOMAIN serves many question names).
 */
interface AnswerEncoding {
  main: Buffer;
  all: Buffer;
  suffixes: SuffixIndex;
  compressed: Map<number, Map<string, EncodedSections>>;
  entries: number;
}

/** Compressed variants kept per answer; a shared NXDOMAIN asked with many name lengths stays bounded. */
const MAX_VARIANTS = 64;

const encodings = new WeakMap<ZoneAnswer, AnswerEncoding>();

/** A record in dns-packet's shape (TXT strings as fresh Buffers: dns-packet rewrites that array). */
export function toPacketAnswer(r: DnsRecord): Answer {
  if (r.type === 'TXT') return { type: 'TXT', name: r.name, ttl: r.ttl, class: 'IN', data: r.data.map((s) => Buffer.from(s)) };
  if (r.type === 'SRV' || r.type === 'SOA') return { type: r.type, name: r.name, ttl: r.ttl, class: 'IN', data: { ...r.data } } as Answer;
  return { type: r.type, name: r.name, ttl: r.ttl, class: 'IN', data: r.data };
}

/** Encodes records as consecutive wire RRs (no compression: dns-packet does not compress). */
export function encodeRecords(records: readonly Answer[]): Buffer {
  if (records.length === 0) return Buffer.alloc(0);
  return dnsPacket.encode({ type: 'response', answers: [...records] }).subarray(HEADER_BYTES);
}

function encodingOf(answer: ZoneAnswer): AnswerEncoding {
  let encoding = encodings.get(answer);
  if (!encoding) {
    const records = [...answer.answers, ...answer.authority, ...(answer.additionals ?? [])].map(toPacketAnswer);
    const all = encodeRecords(records);
    const main = encodeRecords(records.slice(0, answer.answers.length + answer.authority.length));
    encoding = { main, all, suffixes: nameSuffixes(all, records.length), compressed: new Map(), entries: 0 };
    encodings.set(answer, encoding);
  }
  return encoding;
}

function sectionsOf(answer: ZoneAnswer, frame: ReplyFrame): EncodedSections {
  const encoding = encodingOf(answer);
  const base = frame.questionEnd;
  const key = questionSuffix(frame.query, base - 5, encoding.suffixes) ?? '';
  let byQuestion = encoding.compressed.get(base);
  let sections = byQuestion?.get(key);
  if (!sections) {
    const question = key === '' ? undefined : { key, offset: base - 5 - key.length };
    const additionals = answer.additionals?.length ?? 0;
    const mainCount = answer.answers.length + answer.authority.length;
    const main = compressRecords(encoding.main, mainCount, base, question);
    // The additional section may be dropped on its own, so it compresses only against itself and main.
    const all = compressRecords(encoding.all, mainCount + additionals, base, question);
    sections = { main, extra: all.subarray(main.length), ancount: answer.answers.length, nscount: answer.authority.length, arcount: additionals };
    if (encoding.entries >= MAX_VARIANTS) {
      encoding.compressed.clear();
      encoding.entries = 0;
      byQuestion = undefined;
    }
    if (!byQuestion) encoding.compressed.set(base, (byQuestion = new Map()));
    byQuestion.set(key, sections);
    encoding.entries++;
  }
  return sections;
}

/** Everything a reply needs besides the zone's answer. */
export interface ReplyFrame {
  query: Buffer;
  header: WireHeader;
  /** Offset just past the question in `query`. */
  questionEnd: number;
  /** The OPT record to append, when the client used EDNS. */
  opt?: OptAnswer;
  /** Largest reply allowed: the UDP size in effect, or 65535 over TCP. */
  limit: number;
  /** Leave the additional section out whatever the answer holds (ANY, as BIND answers it). */
  noAdditional?: boolean;
}

/** The encoded reply and whether it had to be truncated. */
export interface EncodedReply {
  bytes: Buffer;
  truncated: boolean;
}

/**
 * Builds the reply: AA set, rcode from the zone. When everything does not fit, the additional
 * section goes first (no TC, RFC 2181 section 9); when answer and authority do not fit either, the
 * reply keeps only the question and OPT and sets TC so the client retries over TCP.
 */
export function encodeAnswerReply(frame: ReplyFrame, answer: ZoneAnswer, rcode: number): EncodedReply {
  const sections = sectionsOf(answer, frame);
  const optBytes = frame.opt ? encodeRecords([frame.opt]) : Buffer.alloc(0);
  const fixed = frame.questionEnd + optBytes.length;
  const optCount = frame.opt ? 1 : 0;
  if (!frame.noAdditional && fixed + sections.main.length + sections.extra.length <= frame.limit) {
    return { bytes: assemble(frame, [sections.main, sections.extra, optBytes], [sections.ancount, sections.nscount, sections.arcount + optCount], rcode, 0), truncated: false };
  }
  if (fixed + sections.main.length <= frame.limit) {
    return { bytes: assemble(frame, [sections.main, optBytes], [sections.ancount, sections.nscount, optCount], rcode, 0), truncated: false };
  }
  return { bytes: assemble(frame, [optBytes], [0, 0, optCount], rcode, FLAG.TC), truncated: true };
}

/** A reply without records (REFUSED, FORMERR for EDNS, BADVERS) that still carries the OPT record. */
export function encodeEmptyReply(frame: ReplyFrame, rcode: number, aa: boolean): Buffer {
  const optBytes = frame.opt ? encodeRecords([frame.opt]) : Buffer.alloc(0);
  return assemble(frame, [optBytes], [0, 0, frame.opt ? 1 : 0], rcode, aa ? FLAG.AA : 0, false);
}

function assemble(frame: ReplyFrame, parts: Buffer[], counts: [number, number, number], rcode: number, extraFlags: number, aa = true): Buffer {
  let size = frame.questionEnd;
  for (const p of parts) size += p.length;
  const out = Buffer.allocUnsafe(size);
  frame.query.copy(out, 0, 0, frame.questionEnd);
  writeReplyHeader(out, frame.header, rcode, extraFlags | (aa ? FLAG.AA : 0));
  out.writeUInt16BE(frame.questionEnd > HEADER_BYTES ? 1 : 0, 4);
  out.writeUInt16BE(counts[0], 6);
  out.writeUInt16BE(counts[1], 8);
  out.writeUInt16BE(counts[2], 10);
  let offset = frame.questionEnd;
  for (const p of parts) offset += p.copy(out, offset);
  return out;
}
