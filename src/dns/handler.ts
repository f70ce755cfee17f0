// One query in, one deliberate outcome out: a reply, a forward to the upstream, or a documented
// drop. Pure apart from the zones it reads; both transports and the unit tests call it.

import dnsPacket, { type DecodedPacket } from 'dns-packet';
import { readEdns, readTrailingOpt, replyOpt, type EdnsRequest, type EdnsResult } from './edns.js';
import { encodeAnswerReply, encodeEmptyReply, type ReplyFrame } from './encode.js';
import { classifyQtype, qclassRcode, qtypeName } from './qtypes.js';
import type { ZoneRouter } from './router.js';
import type { QueryContext, ZoneAnswer, ZoneAuthority } from './types.js';
import { HEADER_BYTES, RCODE, headerOnlyReply, readHeader, readQuestion, type RcodeName, type WireHeader, type WireQuestion } from './wire.js';

/** Limits the handler applies. */
export interface HandlerLimits {
  /** Largest UDP reply we send to an EDNS client, whatever it advertised (default 1232). */
  maxUdpSize: number;
  /** Whether queries outside our zones go to the upstream resolver instead of REFUSED. */
  forwarding: boolean;
  /** ANY over UDP gets one RRset instead of all of them (RFC 8482): no amplifier on a public address. */
  minimalAny?: boolean;
}

/** Why a packet got no reply at all. */
export type DropReason = 'short' | 'response';

/** What to do with one query. `qtype` is the numeric question type, -1 when unreadable. */
export type Outcome =
  | { kind: 'reply'; bytes: Buffer; rcode: RcodeName; qtype: number; truncated: boolean; qname?: string; zone?: string }
  | { kind: 'forward'; header: WireHeader; questionEnd: number; qtype: number }
  | { kind: 'drop'; reason: DropReason };

/** A query that parsed: its question, EDNS request and the frame its reply is built in. */
interface ParsedQuery {
  question: WireQuestion;
  edns?: EdnsRequest;
  frame: ReplyFrame;
}

/** Handles one query packet received over `ctx.transport`. */
export function handleQuery(query: Buffer, ctx: QueryContext, router: ZoneRouter, limits: HandlerLimits): Outcome {
  const header = readHeader(query);
  if (!header) return { kind: 'drop', reason: 'short' };
  if (header.qr) return { kind: 'drop', reason: 'response' };
  const question = header.qdcount === 1 ? readQuestion(query) : undefined;
  const questionEnd = question?.end ?? HEADER_BYTES;
  const qtype = question?.qtype ?? -1;
  const echoEnd = echoedQuestionEnd(header, question, questionEnd);
  const ednsResult = readAdditionals(query, header, questionEnd);
  if (!ednsResult || (ednsResult.kind === 'error' && !ednsResult.opt)) {
    // Unreadable, or its OPT record is malformed: answer without EDNS (RFC 6891 section 7).
    const rcode = knownOpcode(header.opcode) ? 'FORMERR' : 'NOTIMP';
    return { kind: 'reply', bytes: headerOnlyReply(query, header, RCODE[rcode], echoEnd), rcode, qtype, truncated: false, qname: undefined, zone: undefined };
  }
  const edns = ednsResult.kind === 'edns' ? ednsResult.edns : undefined;
  const frame: ReplyFrame = { query, header, questionEnd: echoEnd, limit: replyLimit(ctx, edns, limits), opt: edns ? replyOpt(limits.maxUdpSize, 0, edns.dnssecOk, edns.ecs) : undefined, noAdditional: false };
  if (ednsResult.kind === 'error') {
    frame.opt = replyOpt(limits.maxUdpSize, ednsResult.rcode === 'BADVERS' ? RCODE.BADVERS >> 4 : 0, ednsResult.opt!.dnssecOk);
    return emptyReply(frame, ednsResult.rcode, qtype);
  }
  const error = messageError(header.opcode, question);
  if (error || !question) return emptyReply(frame, error ?? 'FORMERR', qtype);
  return routeQuery({ question, edns, frame }, ctx, router, limits);
}

/** QUERY, NOTIFY and UPDATE, whose messages start with a question (or zone) section. */
function knownOpcode(opcode: number): boolean {
  return opcode === 0 || opcode === 4 || opcode === 5;
}

/**
 * Where the echoed question ends in the reply: a known opcode's question is echoed; the body of
 * another opcode is not ours to read (RFC 8490 section 5.1: NOTIMP), so its reply has none. NOTIFY
 * and UPDATE in class NONE or ANY do not parse in BIND, so their FORMERR echoes nothing either.
 */
function echoedQuestionEnd(header: WireHeader, question: WireQuestion | undefined, questionEnd: number): number {
  if (header.opcode === 0) return questionEnd;
  const metaClass = question?.qclass === 254 || question?.qclass === 255;
  return knownOpcode(header.opcode) && !metaClass ? questionEnd : HEADER_BYTES;
}

/**
 * What a readable message with a usable OPT record gets before its question is looked up, in
 * BIND's order: an unknown opcode NOTIMP, then the question's class (qclassRcode), then NOTIFY and
 * UPDATE NOTIMP: Meridian implements neither (RFC 1996, RFC 2136); its zones change by snapshot.
 */
function messageError(opcode: number, question: WireQuestion | undefined): RcodeName | undefined {
  if (!knownOpcode(opcode)) return 'NOTIMP';
  const classRcode = qclassRcode(question?.qclass ?? 0);
  if (classRcode === 'FORMERR' || classRcode === 'NOTIMP') return classRcode;
  return opcode === 0 ? undefined : 'NOTIMP';
}

function routeQuery(parsed: ParsedQuery, ctx: QueryContext, router: ZoneRouter, limits: HandlerLimits): Outcome {
  const { question, frame } = parsed;
  const kind = classifyQtype(question.qtype);
  if (kind !== 'data') return emptyReply(frame, kind === 'formerr' ? 'FORMERR' : 'NOTIMP', question.qtype);
  if (question.qclass !== 1) return emptyReply(frame, 'REFUSED', question.qtype); // CH and HS: no zones of ours
  const zone = router.find(question.qname);
  if (zone) return answerFromZone(parsed, zone, ctx, limits);
  if (limits.forwarding) return { kind: 'forward', header: frame.header, questionEnd: frame.questionEnd, qtype: question.qtype };
  return emptyReply(frame, 'REFUSED', question.qtype);
}

function answerFromZone(parsed: ParsedQuery, zone: ZoneAuthority, ctx: QueryContext, limits: HandlerLimits): Outcome {
  const { question, edns, frame } = parsed;
  const ecs = edns?.ecs;
  const zoneCtx = ecs ? { ...ctx, ecsSubnet: { address: ecs.address, sourcePrefix: ecs.sourcePrefix } } : ctx;
  let answer: ZoneAnswer;
  try {
    answer = zone.answer(question.qname, qtypeName(question.qtype), zoneCtx);
  } catch {
    return emptyReply(frame, 'SERVFAIL', question.qtype); // a zone bug must not take the server down
  }
  if (question.qtype === QTYPE_ANY) {
    // BIND adds no additional data to an ANY answer (lib/ns/query.c): no amplification by ANY.
    frame.noAdditional = true;
    if (limits.minimalAny && ctx.transport === 'udp') answer = minimalAnyAnswer(answer);
  }
  if (ecs && answer.ecsScope) frame.opt = replyOpt(limits.maxUdpSize, 0, edns.dnssecOk, ecs, answer.ecsScope);
  const encoded = encodeAnswerReply(frame, answer, RCODE[answer.rcode]);
  if (encoded.truncated && ctx.transport === 'tcp') return emptyReply(frame, 'SERVFAIL', question.qtype);
  return { kind: 'reply', bytes: encoded.bytes, rcode: answer.rcode, qtype: question.qtype, truncated: encoded.truncated, qname: question.qname, zone: zone.origin };
}

const QTYPE_ANY = 255;

/** RFC 8482 section 4.1: answer ANY with one RRset of the name (the first the zone gave). */
export function minimalAnyAnswer(answer: ZoneAnswer): ZoneAnswer {
  const first = answer.answers[0];
  if (!first) return answer;
  return { rcode: answer.rcode, answers: answer.answers.filter((r) => r.type === first.type && r.name === first.name), authority: [], ecsScope: answer.ecsScope };
}

function emptyReply(frame: ReplyFrame, rcode: RcodeName, qtype: number): Outcome {
  return { kind: 'reply', bytes: encodeEmptyReply(frame, RCODE[rcode], false), rcode, qtype, truncated: false, qname: undefined, zone: undefined };
}

/** Largest reply: 65535 over TCP; over UDP 512 without EDNS, else the client's size capped by ours. */
export function replyLimit(ctx: QueryContext, edns: EdnsRequest | undefined, limits: HandlerLimits): number {
  if (ctx.transport === 'tcp') return 65535;
  if (!edns) return 512;
  return Math.max(512, Math.min(edns.udpSize, limits.maxUdpSize));
}

/**
 * The EDNS request in the additional section, or undefined when the packet does not decode. A
 * plain query (one question, nothing after it) was fully read by readQuestion already, one with a
 * single OPT record is read by readTrailingOpt; anything else goes through dns-packet.
 */
function readAdditionals(query: Buffer, header: WireHeader, questionEnd: number): EdnsResult | undefined {
  const simple = questionEnd > HEADER_BYTES && header.ancount === 0 && header.nscount === 0;
  if (simple && header.arcount === 0) return questionEnd === query.length ? { kind: 'none' } : undefined;
  const opt = simple && header.arcount === 1 ? readTrailingOpt(query, questionEnd) : undefined;
  if (opt) return opt;
  const decoded = decodeCompletely(query);
  return decoded ? readEdns(decoded.additionals ?? []) : undefined;
}

/** The decoded query, when dns-packet reads every section and nothing follows them. */
function decodeCompletely(query: Buffer): DecodedPacket | undefined {
  try {
    const decoded = dnsPacket.decode(query);
    return dnsPacket.decode.bytes === query.length ? decoded : undefined;
  } catch {
    return undefined;
  }
}
