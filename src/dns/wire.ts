// The parts of the DNS wire format dns-packet does not give us: reading a header that may precede
// an undecodable body (to answer FORMERR), the exact bytes of the question (to echo it as sent,
// case and all, RFC 1035 section 7.1 and the 0x20 trick), and patching flags in encoded replies.

import { presentationLabel } from './names.js';

/** Size of the fixed DNS header. */
export const HEADER_BYTES = 12;

/** The fixed header fields the server needs before (or without) decoding the rest. */
export interface WireHeader {
  id: number;
  qr: boolean;
  opcode: number;
  rd: boolean;
  cd: boolean;
  qdcount: number;
  ancount: number;
  nscount: number;
  arcount: number;
}

/** Reads the header, or undefined when the packet is shorter than one (such packets are dropped). */
export function readHeader(buf: Buffer): WireHeader | undefined {
  if (buf.length < HEADER_BYTES) return undefined;
  const flags = buf.readUInt16BE(2);
  return {
    id: buf.readUInt16BE(0),
    qr: (flags & 0x8000) !== 0,
    opcode: (flags >> 11) & 0xf,
    rd: (flags & 0x0100) !== 0,
    cd: (flags & 0x0010) !== 0,
    qdcount: buf.readUInt16BE(4),
    ancount: buf.readUInt16BE(6),
    nscount: buf.readUInt16BE(8),
    arcount: buf.readUInt16BE(10),
  };
}

/** The first question as sent: normalized name for lookup, numeric type and class, raw byte range. */
export interface WireQuestion {
  qname: string;
  qtype: number;
  qclass: number;
  /** Offset just past the question (start is always HEADER_BYTES). */
  end: number;
}

/**
 * Reads the question that starts right after the header. Compression pointers are refused here:
 * the only earlier bytes are the header, so a pointer in the first question is malformed.
 */
export function readQuestion(buf: Buffer): WireQuestion | undefined {
  let offset = HEADER_BYTES;
  let total = 0;
  const labels: string[] = [];
  for (;;) {
    if (offset >= buf.length) return undefined;
    const len = buf[offset]!;
    if (len === 0) { offset += 1; break; }
    if (len > 63) return undefined;
    total += len + 1;
    if (total > 254 || offset + 1 + len > buf.length) return undefined;
    labels.push(presentationLabel(buf, offset + 1, offset + 1 + len));
    offset += 1 + len;
  }
  if (offset + 4 > buf.length) return undefined;
  return { qname: labels.join('.'), qtype: buf.readUInt16BE(offset), qclass: buf.readUInt16BE(offset + 2), end: offset + 4 };
}

/** Bits of the second header word, for building replies. */
export const FLAG = { QR: 0x8000, AA: 0x0400, TC: 0x0200, RD: 0x0100, RA: 0x0080, CD: 0x0010 } as const;

/** Numeric response codes (the low four bits; BADVERS is extended through the OPT record). */
export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5, BADVERS: 16 } as const;

/** Name of a response code, for metrics and logs. */
export type RcodeName = keyof typeof RCODE;

/**
 * A reply with only a header and, when it could be read, the echoed question: FORMERR, NOTIMP,
 * REFUSED and SERVFAIL without EDNS. `questionEnd` is 12 when there is no question to echo.
 */
export function headerOnlyReply(query: Buffer, header: WireHeader, rcode: number, questionEnd = HEADER_BYTES): Buffer {
  const out = Buffer.allocUnsafe(questionEnd);
  query.copy(out, 0, 0, questionEnd);
  writeReplyHeader(out, header, rcode & 0xf, 0);
  out.writeUInt16BE(questionEnd > HEADER_BYTES ? 1 : 0, 4);
  out.writeUInt32BE(0, 6);
  out.writeUInt16BE(0, 10);
  return out;
}

/**
 * Writes id and flags of a reply to a message with `header`: QR, opcode, `extra` bits, and for a
 * QUERY the RD and CD bits copied (RFC 1035 section 4.1.1, RFC 4035 section 3.1.6). NOTIFY and
 * UPDATE define those bits as zero (RFC 1996 section 3.7, RFC 2136 section 2.2), and BIND copies
 * nothing for them or other opcodes.
 */
export function writeReplyHeader(out: Buffer, header: WireHeader, rcode: number, extra: number): void {
  let flags = FLAG.QR | (header.opcode << 11) | (rcode & 0xf) | extra;
  if (header.rd && header.opcode === 0) flags |= FLAG.RD;
  if (header.cd && header.opcode === 0) flags |= FLAG.CD;
  out.writeUInt16BE(header.id, 0);
  out.writeUInt16BE(flags, 2);
}
