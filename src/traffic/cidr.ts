import { isIPv4, isIPv6 } from 'node:net';

/** A parsed network: family, base address as a number, prefix length. */
export interface Network {
  family: 4 | 6;
  base: bigint;
  prefix: number;
  text: string;
}

/** Parses an IPv4 or IPv6 address into its family and numeric value; undefined when malformed. */
export function parseAddress(address: string): { family: 4 | 6; value: bigint } | undefined {
  if (isIPv4(address)) return { family: 4, value: address.split('.').reduce((n, o) => (n << 8n) | BigInt(Number(o)), 0n) };
  if (!isIPv6(address)) return undefined;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return { family: 4, value: parseAddress(mapped[1])?.value ?? 0n };
  return { family: 6, value: ipv6Groups(address).reduce((n, g) => (n << 16n) | BigInt(g), 0n) };
}

function ipv6Groups(address: string): number[] {
  let text = address.split('%')[0];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const o = v4[1].split('.').map(Number);
    text = text.slice(0, -v4[1].length) + `${((o[0] << 8) | o[1]).toString(16)}:${((o[2] << 8) | o[3]).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array(8 - h.length - t.length).fill('0');
  return [...h, ...fill, ...t].map((g) => parseInt(g, 16));
}

/** Parses `a.b.c.d/n` or `x::/n` (a bare address is a host network); throws naming the text when malformed. */
export function parseCidr(text: string): Network {
  const [addr, len] = text.trim().split('/');
  const parsed = parseAddress(addr);
  const bits = parsed?.family === 6 ? 128 : 32;
  const prefix = len === undefined ? bits : Number(len);
  if (!parsed || !Number.isInteger(prefix) || prefix < 0 || prefix > bits) throw new Error(`invalid CIDR "${text}"`);
  return { family: parsed.family, base: mask(parsed.value, prefix, bits), prefix, text };
}

function mask(value: bigint, prefix: number, bits: number): bigint {
  if (prefix === 0) return 0n;
  const hostBits = BigInt(bits - prefix);
  return (value >> hostBits) << hostBits;
}

/** True when the address lies inside the network. */
export function contains(net: Network, address: string): boolean {
  const a = parseAddress(address);
  if (!a || a.family !== net.family) return false;
  return mask(a.value, net.prefix, net.family === 6 ? 128 : 32) === net.base;
}

/**
 * The longest-prefix match of an address in a table of rows that each list networks: the row and
 * the matching prefix length, or undefined when no network holds the address.
 */
export function longestMatch<T>(rows: Array<{ nets: Network[]; value: T }>, address: string): { value: T; prefix: number } | undefined {
  let best: { value: T; prefix: number } | undefined;
  for (const row of rows) {
    for (const net of row.nets) {
      if (contains(net, address) && (!best || net.prefix > best.prefix)) best = { value: row.value, prefix: net.prefix };
    }
  }
  return best;
}
