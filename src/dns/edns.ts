// EDNS(0) (RFC 6891) and EDNS Client Subnet (RFC 7871): what the client advertised, and the OPT
// record of the reply. dns-packet decodes the OPT record; the ECS payload is validated here, since
// dns-packet reads it without checking lengths or the bits beyond the prefix.

import type { Answer, OptAnswer } from 'dns-packet';
import type { ClientSubnet } from './types.js';

/** Option codes of EDNS Client Subnet and DNS Cookies. */
const ECS_CODE = 8;
const COOKIE_CODE = 10;

/** The client's EDNS request: advertised UDP size, the DO bit and, if sent, its subnet. */
export interface EdnsRequest {
  udpSize: number;
  version: number;
  /** DNSSEC OK, which the reply echoes (RFC 3225 section 3). */
  dnssecOk: boolean;
  ecs?: EcsOption;
}

/** An ECS option as received: family (1 IPv4, 2 IPv6), the masked address and its raw bytes. */
export interface EcsOption extends ClientSubnet {
  family: number;
  addressBytes: Buffer;
}

/**
 * Result of reading the additional section: no EDNS, a request, or the rcode to answer with. An
 * error of a well-formed OPT record (a version we do not speak, an option whose content is wrong)
 * is answered with an OPT record echoing DO, so the client does not take us for a server without
 * EDNS (RFC 6891 section 7); a malformed OPT record itself gets none.
 */
export type EdnsResult =
  | { kind: 'none' }
  | { kind: 'edns'; edns: EdnsRequest }
  | { kind: 'error'; rcode: 'FORMERR' | 'BADVERS'; opt?: { dnssecOk: boolean } };

/** Finds and checks the OPT record among a query's additionals (one at most, owner the root). */
export function readEdns(additionals: readonly Answer[]): EdnsResult {
  const opts = additionals.filter((a): a is OptAnswer => a.type === 'OPT');
  if (opts.length === 0) return { kind: 'none' };
  const opt = opts[0]!;
  if (opts.length > 1 || opt.name !== '.') return { kind: 'error', rcode: 'FORMERR' };
  const edns: EdnsRequest = { udpSize: Math.max(512, opt.udpPayloadSize), version: opt.ednsVersion, dnssecOk: ((opt.flags ?? 0) & DO_BIT) !== 0 };
  const options = new OptionChecks();
  for (const o of opt.options) options.check(o.code, o.data ?? Buffer.alloc(0));
  return options.result(edns);
}

/** The DO bit in the OPT record's flags. */
const DO_BIT = 0x8000;

/**
 * Reads a query's only additional record when it is a well-formed OPT record ending the packet,
 * the shape every resolver sends, without a full decode. Undefined means "not that shape": the
 * caller decodes with dns-packet, which also finds the errors.
 */
export function readTrailingOpt(buf: Buffer, offset: number): EdnsResult | undefined {
  if (offset + 11 > buf.length || buf[offset] !== 0 || buf.readUInt16BE(offset + 1) !== 41) return undefined;
  const end = offset + 11 + buf.readUInt16BE(offset + 9);
  if (end !== buf.length) return undefined;
  const edns: EdnsRequest = { udpSize: Math.max(512, buf.readUInt16BE(offset + 3)), version: buf[offset + 6]!, dnssecOk: (buf[offset + 7]! & 0x80) !== 0 };
  // Most queries carry no option: they share one (never written) set of checks.
  const options = end > offset + 11 ? new OptionChecks() : NO_OPTIONS;
  for (let p = offset + 11; p < end; ) {
    if (p + 4 > end) return undefined;
    const next = p + 4 + buf.readUInt16BE(p + 2);
    if (next > end) return undefined;
    options.check(buf.readUInt16BE(p), buf.subarray(p + 4, next));
    p = next;
  }
  return options.result(edns);
}

/**
 * The options of one OPT record, checked as they are read: the first ECS is kept, a malformed ECS
 * (RFC 7871 section 7.2.1), a second ECS, or a COOKIE of a length RFC 7873 section 5.2.2 rejects
 * (8 bytes, or 16 to 40) make the query FORMERR. A malformed option is reported before an EDNS
 * version we do not speak, as BIND does (it rejects the option while parsing the message).
 */
class OptionChecks {
  private ecs: EcsOption | undefined;
  private bad = false;

  check(code: number, data: Buffer): void {
    if (this.bad) return;
    if (code === ECS_CODE) {
      const ecs = this.ecs ? undefined : parseEcs(data);
      if (ecs) this.ecs = ecs;
      else this.bad = true;
    } else if (code === COOKIE_CODE && data.length !== 8 && (data.length < 16 || data.length > 40)) {
      this.bad = true;
    }
  }

  result(edns: EdnsRequest): EdnsResult {
    if (this.bad) return { kind: 'error', rcode: 'FORMERR', opt: { dnssecOk: edns.dnssecOk } };
    if (edns.version !== 0) return { kind: 'error', rcode: 'BADVERS', opt: { dnssecOk: edns.dnssecOk } };
    if (this.ecs) edns.ecs = this.ecs;
    return { kind: 'edns', edns };
  }
}

/** The checks of an OPT record without options: nothing to check, nothing kept. */
const NO_OPTIONS = new OptionChecks();

/** Parses an ECS payload; undefined when RFC 7871 section 7.1.2 says FORMERR. */
export function parseEcs(data: Buffer): EcsOption | undefined {
  if (data.length < 4) return undefined;
  const family = data.readUInt16BE(0);
  const sourcePrefix = data[2]!;
  const width = family === 1 ? 4 : family === 2 ? 16 : 0;
  // A query's SCOPE PREFIX-LENGTH MUST be 0 (RFC 7871 section 6).
  if (width === 0 || sourcePrefix > width * 8 || data[3] !== 0) return undefined;
  const addressBytes = data.subarray(4);
  if (addressBytes.length !== Math.ceil(sourcePrefix / 8)) return undefined;
  const spare = sourcePrefix % 8;
  if (spare !== 0 && (addressBytes[addressBytes.length - 1]! & (0xff >> spare)) !== 0) return undefined;
  const full = Buffer.alloc(width);
  addressBytes.copy(full);
  return { family, sourcePrefix, address: formatAddress(full), addressBytes: Buffer.from(addressBytes) };
}

function formatAddress(bytes: Buffer): string {
  if (bytes.length === 4) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  return groups.join(':');
}

/** The reply's OPT record: our UDP size, the extended rcode bits, the DO echo, and the ECS echo with its scope. */
export function replyOpt(serverUdpSize: number, extendedRcode: number, dnssecOk: boolean, ecs?: EcsOption, scope = 0): OptAnswer {
  const options: OptAnswer['options'] = [];
  if (ecs) {
    const data = Buffer.alloc(4 + ecs.addressBytes.length);
    data.writeUInt16BE(ecs.family, 0);
    data[2] = ecs.sourcePrefix;
    data[3] = Math.min(Math.max(0, Math.trunc(scope)), ecs.family === 1 ? 32 : 128);
    ecs.addressBytes.copy(data, 4);
    options.push({ code: ECS_CODE, data } as OptAnswer['options'][number]);
  }
  return { type: 'OPT', name: '.', udpPayloadSize: serverUdpSize, extendedRcode, ednsVersion: 0, flags: dnssecOk ? DO_BIT : 0, flag_do: dnssecOk, options };
}
