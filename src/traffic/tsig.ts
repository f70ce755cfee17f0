import { createHmac, timingSafeEqual } from 'node:crypto';

/** A TSIG key (RFC 8945). The secret is never logged or put in an error message. */
export interface TsigKey {
  name: string;
  /** Only hmac-sha256 is supported. */
  algorithm: 'hmac-sha256';
  secret: Buffer;
}

const TSIG_TYPE = 250;
const CLASS_ANY = 255;
const FUDGE = 300;

/** Encodes a domain name in canonical wire form: lower-case labels, uncompressed. */
export function wireName(name: string): Buffer {
  const labels = name.replace(/\.$/, '').toLowerCase().split('.').filter(Boolean);
  return Buffer.concat([...labels.map((l) => Buffer.concat([Buffer.from([Buffer.byteLength(l)]), Buffer.from(l)])), Buffer.from([0])]);
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

function u48(n: number): Buffer {
  const b = Buffer.alloc(6);
  b.writeUIntBE(n, 0, 6);
  return b;
}

/** The TSIG variables that follow the message in the MAC input (RFC 8945 section 4.3.3). */
function variables(key: TsigKey, timeSigned: number, error = 0, other: Buffer = Buffer.alloc(0)): Buffer {
  return Buffer.concat([wireName(key.name), u16(CLASS_ANY), Buffer.alloc(4), wireName(key.algorithm), u48(timeSigned), u16(FUDGE), u16(error), u16(other.length), other]);
}

function mac(key: TsigKey, parts: Buffer[]): Buffer {
  const h = createHmac('sha256', key.secret);
  for (const p of parts) h.update(p);
  return h.digest();
}

/** A signed message and the MAC the reply must be verified against. */
export interface Signed {
  message: Buffer;
  mac: Buffer;
}

/** Signs a request: appends a TSIG record to the additional section and bumps ARCOUNT. */
export function signMessage(message: Buffer, key: TsigKey, now = Date.now()): Signed {
  const timeSigned = Math.floor(now / 1000);
  const digest = mac(key, [message, variables(key, timeSigned)]);
  const rdata = Buffer.concat([wireName(key.algorithm), u48(timeSigned), u16(FUDGE), u16(digest.length), digest, message.subarray(0, 2), u16(0), u16(0)]);
  const rr = Buffer.concat([wireName(key.name), u16(TSIG_TYPE), u16(CLASS_ANY), Buffer.alloc(4), u16(rdata.length), rdata]);
  const out = Buffer.concat([message, rr]);
  out.writeUInt16BE(message.readUInt16BE(10) + 1, 10);
  return { message: out, mac: digest };
}

/** The TSIG record found at the end of a message. */
export interface TsigRecord {
  keyName: string;
  algorithm: string;
  timeSigned: number;
  fudge: number;
  mac: Buffer;
  originalId: number;
  error: number;
  other: Buffer;
  /** Offset where the TSIG record starts: the message before it is what was signed. */
  start: number;
}

/** Reads the TSIG record of a message, if its last additional record is one. */
export function readTsig(message: Buffer): TsigRecord | undefined {
  const offsets = recordOffsets(message);
  const start = offsets.at(-1);
  if (start === undefined || message.readUInt16BE(10) === 0) return undefined;
  const [keyName, afterName] = readName(message, start);
  if (message.readUInt16BE(afterName) !== TSIG_TYPE) return undefined;
  let p = afterName + 10;
  const [algorithm, afterAlg] = readName(message, p);
  p = afterAlg;
  const timeSigned = message.readUIntBE(p, 6);
  const fudge = message.readUInt16BE(p + 6);
  const macSize = message.readUInt16BE(p + 8);
  const macBytes = message.subarray(p + 10, p + 10 + macSize);
  p += 10 + macSize;
  const otherLen = message.readUInt16BE(p + 4);
  return { keyName, algorithm, timeSigned, fudge, mac: macBytes, originalId: message.readUInt16BE(p), error: message.readUInt16BE(p + 2), other: message.subarray(p + 6, p + 6 + otherLen), start };
}

/**
 * Verifies a signed reply against the request's MAC (RFC 8945 section 5.3): the digest covers the
 * request MAC, the reply without its TSIG (ARCOUNT decremented, original ID restored) and the
 * TSIG variables. Returns a reason when the reply is unsigned, signed with another key, or wrong.
 */
export function verifyReply(reply: Buffer, key: TsigKey, requestMac: Buffer, now = Date.now()): { ok: true } | { ok: false; reason: string } {
  const t = readTsig(reply);
  if (!t) return { ok: false, reason: 'reply is not TSIG-signed' };
  if (t.keyName !== key.name.replace(/\.$/, '').toLowerCase()) return { ok: false, reason: `reply signed with key "${t.keyName}", expected "${key.name}"` };
  if (t.error !== 0) return { ok: false, reason: `server reported TSIG error ${t.error} (16 BADSIG, 17 BADKEY, 18 BADTIME)` };
  const body = Buffer.from(reply.subarray(0, t.start));
  body.writeUInt16BE(body.readUInt16BE(10) - 1, 10);
  body.writeUInt16BE(t.originalId, 0);
  const expected = mac(key, [u16(requestMac.length), requestMac, body, variables(key, t.timeSigned, t.error, t.other)]);
  if (expected.length !== t.mac.length || !timingSafeEqual(expected, t.mac)) return { ok: false, reason: 'reply TSIG MAC does not verify' };
  if (Math.abs(Math.floor(now / 1000) - t.timeSigned) > t.fudge) return { ok: false, reason: 'reply TSIG time outside the fudge window' };
  return { ok: true };
}

/** Offsets of every resource record (not questions) in a message. */
function recordOffsets(msg: Buffer): number[] {
  let p = 12;
  for (let i = 0; i < msg.readUInt16BE(4); i++) p = readName(msg, p)[1] + 4;
  const total = msg.readUInt16BE(6) + msg.readUInt16BE(8) + msg.readUInt16BE(10);
  const out: number[] = [];
  for (let i = 0; i < total; i++) {
    out.push(p);
    const after = readName(msg, p)[1];
    p = after + 10 + msg.readUInt16BE(after + 8);
  }
  return out;
}

/** Reads a (possibly compressed) name; returns it and the offset just past it in the message. */
function readName(msg: Buffer, offset: number): [string, number] {
  const labels: string[] = [];
  let p = offset;
  let end = -1;
  for (let hops = 0; hops < 128; hops++) {
    const len = msg[p];
    if (len === undefined) throw new Error('truncated DNS name');
    if (len === 0) return [labels.join('.').toLowerCase(), end >= 0 ? end : p + 1];
    if ((len & 0xc0) === 0xc0) {
      if (end < 0) end = p + 2;
      p = ((len & 0x3f) << 8) | msg[p + 1];
      continue;
    }
    labels.push(msg.toString('latin1', p + 1, p + 1 + len));
    p += 1 + len;
  }
  throw new Error('DNS name compression loop');
}
