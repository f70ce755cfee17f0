// Raw DNS exchanges for packets dig cannot build (QR set, trailing bytes, odd opcodes and classes),
// and a description of the reply to compare two servers by: every header bit, the question bytes,
// the OPT record and the decoded sections.

import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket from 'dns-packet';

/** A query built byte by byte, for what dns-packet will not encode (numeric types and classes, odd opcodes). */
export interface RawQuery {
  name: string;
  qtype: number;
  qclass?: number;
  opcode?: number;
  /** Header flag bits besides QR and opcode (RD 0x0100, CD 0x0010, ...). */
  flags?: number;
  /** An OPT record: EDNS version, DO bit and raw option bytes (code, length, data). */
  opt?: { version?: number; do?: boolean; udp?: number; options?: Buffer };
  /** Records for the answer, authority and additional sections, already in wire form, with their counts. */
  sections?: { an?: [number, Buffer]; ns?: [number, Buffer]; ar?: [number, Buffer] };
  /** Bytes after everything else. */
  tail?: Buffer;
}

/** Encodes a RawQuery (ID 0x4d52). */
export function rawQuery(q: RawQuery): Buffer {
  const question = Buffer.concat([wireName(q.name), u16(q.qtype), u16(q.qclass ?? 1)]);
  const opt = q.opt ? optRecord(q.opt) : Buffer.alloc(0);
  const none: [number, Buffer] = [0, Buffer.alloc(0)];
  const [an, ns, ar] = [q.sections?.an ?? none, q.sections?.ns ?? none, q.sections?.ar ?? none];
  const header = Buffer.concat([u16(0x4d52), u16(((q.opcode ?? 0) << 11) | (q.flags ?? 0)), u16(1), u16(an[0]), u16(ns[0]), u16(ar[0] + (q.opt ? 1 : 0))]);
  return Buffer.concat([header, question, an[1], ns[1], ar[1], opt, q.tail ?? Buffer.alloc(0)]);
}

/** A name in uncompressed wire form ("" and "." are the root). */
function wireName(name: string): Buffer {
  const labels = name === '' || name === '.' ? [] : name.replace(/\.$/, '').split('.');
  return Buffer.concat([...labels.map((l) => Buffer.concat([Buffer.from([Buffer.byteLength(l)]), Buffer.from(l)])), Buffer.from([0])]);
}

function optRecord(opt: NonNullable<RawQuery['opt']>): Buffer {
  const options = opt.options ?? Buffer.alloc(0);
  return Buffer.concat([Buffer.from([0]), u16(41), u16(opt.udp ?? 1232), Buffer.from([0, opt.version ?? 0, opt.do ? 0x80 : 0, 0]), u16(options.length), options]);
}

/** An EDNS option: code, length, data. */
export function ednsOption(code: number, data: Buffer): Buffer {
  return Buffer.concat([u16(code), u16(data.length), data]);
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

/**
 * Sends `query` to 127.0.0.1:port and resolves with the reply, or undefined when none came in two
 * tries of `timeoutMs` (a datagram lost on a loaded machine is not an answer).
 */
export async function exchangeRaw(port: number, query: Buffer, transport: 'udp' | 'tcp', timeoutMs = 1500): Promise<Buffer | undefined> {
  const once = () => (transport === 'udp' ? exchangeUdp(port, query, timeoutMs) : exchangeTcp(port, query, timeoutMs));
  return (await once()) ?? once();
}

function exchangeUdp(port: number, query: Buffer, timeoutMs: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    const finish = (reply?: Buffer): void => { clearTimeout(timer); socket.close(); resolve(reply); };
    const timer = setTimeout(() => finish(), timeoutMs);
    socket.on('error', () => finish());
    socket.on('message', (msg) => finish(msg));
    socket.send(query, port, '127.0.0.1');
  });
}

function exchangeTcp(port: number, query: Buffer, timeoutMs: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    let got = Buffer.alloc(0);
    const conn = net.connect(port, '127.0.0.1');
    const finish = (reply?: Buffer): void => { clearTimeout(timer); conn.destroy(); resolve(reply); };
    const timer = setTimeout(() => finish(), timeoutMs);
    conn.on('error', () => finish());
    conn.on('data', (chunk: Buffer) => {
      got = Buffer.concat([got, chunk]);
      if (got.length >= 2 && got.length >= 2 + got.readUInt16BE(0)) finish(got.subarray(2, 2 + got.readUInt16BE(0)));
    });
    const framed = Buffer.alloc(2 + query.length);
    framed.writeUInt16BE(query.length, 0);
    query.copy(framed, 2);
    conn.write(framed);
  });
}

/** A reply described for comparison; the ID is left out (it is always the query's). */
export function describeReply(reply: Buffer | undefined): Record<string, unknown> {
  if (!reply) return { reply: 'none' };
  if (reply.length < 12) return { reply: 'short', hex: reply.toString('hex') };
  const flags = reply.readUInt16BE(2);
  const header = {
    flags: `0x${(flags & 0xfff0).toString(16)}`, rcode: flags & 0xf,
    counts: [4, 6, 8, 10].map((at) => reply.readUInt16BE(at)).join(' '), size: reply.length,
  };
  let decoded: dnsPacket.DecodedPacket;
  try {
    decoded = dnsPacket.decode(reply);
  } catch (err) {
    return { ...header, undecodable: (err as Error).message, hex: reply.toString('hex') };
  }
  const question = reply.readUInt16BE(4) === 1 ? reply.subarray(12, questionEnd(reply)).toString('hex') : '';
  const opt = decoded.additionals?.find((r) => r.type === 'OPT') as dnsPacket.OptAnswer | undefined;
  const records = (list: readonly dnsPacket.Answer[] | undefined): string[] => (list ?? []).filter((r) => r.type !== 'OPT').map((r) => JSON.stringify(r)).sort();
  return {
    ...header, question,
    opt: opt ? { udp: opt.udpPayloadSize, extendedRcode: opt.extendedRcode, version: opt.ednsVersion, flags: opt.flags, options: opt.options.map((o) => o.code) } : 'none',
    answer: records(decoded.answers), authority: records(decoded.authorities), additional: records(decoded.additionals),
  };
}

/** End of a reply's single question (name, type, class). */
function questionEnd(reply: Buffer): number {
  for (let i = 12; i < reply.length; i += reply[i]! + 1) {
    if (reply[i] === 0) return Math.min(reply.length, i + 5);
    if ((reply[i]! & 0xc0) === 0xc0) return Math.min(reply.length, i + 6);
  }
  return reply.length;
}
