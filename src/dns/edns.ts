// EDNS(0) (RFC 6891) and EDNS Client Subnet (RFC 7871): what the client advertised, and the OPT
// record of the reply. dns-packet decodes the OPT record; the ECS payload is validated here, since
// dns-packet reads it without checking lengths or the bits beyond the prefix.

import type { Answer, OptAnswer } from 'dns-packet';
import type { ClientSubnet } from './types.js';

/** Option code of EDNS Client Subnet. */
const ECS_CODE = 8;

/** The client's EDNS request: advertised UDP size and, if sent, its subnet. */
export interface EdnsRequest {
  udpSize: number;
  version: number;
  ecs?: EcsOption;
}

/** An ECS option as received: family (1 IPv4, 2 IPv6), the masked address and its raw bytes. */
export interface EcsOption extends ClientSubnet {
  family: number;
  addressBytes: Buffer;
}

/** Result of reading the additional section: no EDNS, a request, or the rcode to answer with. */
export type EdnsResult = { kind: 'none' } | { kind: 'edns'; edns: EdnsRequest } | { kind: 'error'; rcode: 'FORMERR' | 'BADVERS' };

/** Finds and checks the OPT record among a query's additionals (one at most, owner the root). */
export function readEdns(additionals: readonly Answer[]): EdnsResult {
  const opts = additionals.filter((a): a is OptAnswer => a.type === 'OPT');
  if (opts.length === 0) return { kind: 'none' };
  const opt = opts[0]!;
  if (opts.length > 1 || opt.name !== '.') return { kind: 'error', rcode: 'FORMERR' };
  if (opt.ednsVersion !== 0) return { kind: 'error', rcode: 'BADVERS' };
  const edns: EdnsRequest = { udpSize: Math.max(512, opt.udpPayloadSize), version: opt.ednsVersion };
  const ecsOptions = opt.options.filter((o) => o.code === ECS_CODE);
  if (ecsOptions.length > 1) return { kind: 'error', rcode: 'FORMERR' };
  if (ecsOptions.length === 1) {
    const ecs = parseEcs(ecsOptions[0]!.data ?? Buffer.alloc(0));
    if (!ecs) return { kind: 'error', rcode: 'FORMERR' };
    edns.ecs = ecs;
  }
  return { kind: 'edns', edns };
}

/**
 * Reads a query's only additional record when it is a well-formed OPT record ending the packet,
 * the shape every resolver sends, without a full decode. Undefined means "not that shape": the
 * caller decodes with dns-packet, which also finds the errors.
 */
export function readTrailingOpt(buf: Buffer, offset: number): EdnsResult | undefined {
  if (offset + 11 > buf.length || buf[offset] !== 0 || buf.readUInt16BE(offset + 1) !== 41) return undefined;
  const version = buf[offset + 6]!;
  const end = offset + 11 + buf.readUInt16BE(offset + 9);
  if (end !== buf.length) return undefined;
  const edns: EdnsRequest = { udpSize: Math.max(512, buf.readUInt16BE(offset + 3)), version };
  let badEcs = false;
  for (let p = offset + 11; p < end; ) {
    if (p + 4 > end) return undefined;
    const next = p + 4 + buf.readUInt16BE(p + 2);
    if (next > end) return undefined;
    if (buf.readUInt16BE(p) === ECS_CODE) {
      const ecs = edns.ecs || badEcs ? undefined : parseEcs(buf.subarray(p + 4, next));
      if (ecs) edns.ecs = ecs;
      else badEcs = true;
    }
    p = next;
  }
  if (version !== 0) return { kind: 'error', rcode: 'BADVERS' };
  return badEcs ? { kind: 'error', rcode: 'FORMERR' } : { kind: 'edns', edns };
}

/** Parses an ECS payload; undefined when RFC 7871 section 7.1.2 says FORMERR. */
export function parseEcs(data: Buffer): EcsOption | undefined {
  if (data.length < 4) return undefined;
  const family = data.readUInt16BE(0);
  const sourcePrefix = data[2]!;
  const width = family === 1 ? 4 : family === 2 ? 16 : 0;
  if (width === 0 || sourcePrefix > width * 8) return undefined;
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

/** The reply's OPT record: our UDP size, the extended rcode bits, and the ECS echo with its scope. */
export function replyOpt(serverUdpSize: number, extendedRcode: number, ecs?: EcsOption, scope = 0): OptAnswer {
  const options: OptAnswer['options'] = [];
  if (ecs) {
    const data = Buffer.alloc(4 + ecs.addressBytes.length);
    data.writeUInt16BE(ecs.family, 0);
    data[2] = ecs.sourcePrefix;
    data[3] = Math.min(Math.max(0, Math.trunc(scope)), ecs.family === 1 ? 32 : 128);
    ecs.addressBytes.copy(data, 4);
    options.push({ code: ECS_CODE, data } as OptAnswer['options'][number]);
  }
  return { type: 'OPT', name: '.', udpPayloadSize: serverUdpSize, extendedRcode, ednsVersion: 0, flags: 0, flag_do: false, options };
}
