import { createHash } from 'node:crypto';
import { isIPv4 } from 'node:net';

/** A parsed IPv4 range. */
interface Range {
  base: number;
  size: number;
  text: string;
}

/** Parses an IPv4 CIDR for ClusterSetIPs; throws naming the text when it is not one. */
export function parseIpv4Range(text: string): Range {
  const [addr, len] = text.split('/');
  const prefix = Number(len);
  if (!isIPv4(addr ?? '') || !Number.isInteger(prefix) || prefix < 8 || prefix > 30) {
    throw new Error(`clusterset IP range "${text}": expected an IPv4 CIDR with a prefix between /8 and /30`);
  }
  const value = toNumber(addr);
  const size = 2 ** (32 - prefix);
  return { base: value - (value % size), size, text };
}

function toNumber(ip: string): number {
  return ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

function toIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/**
 * Allocates one ClusterSetIP per service key from a range, unique in the clusterset. The state
 * lives in the members' ServiceImports (Meridian keeps no database): an address a ServiceImport
 * already carries is kept, and a new key starts probing at a hash of its name, so a restarted
 * controller that rebuilds from the ServiceImports hands out the same addresses.
 */
export class ClusterSetIpAllocator {
  private readonly range: Range;
  private readonly byKey = new Map<string, string>();
  private readonly byIp = new Map<string, string>();

  constructor(range: string) {
    this.range = parseIpv4Range(range);
  }

  /** True when the address lies in the range. */
  contains(ip: string): boolean {
    if (!isIPv4(ip)) return false;
    const n = toNumber(ip);
    return n > this.range.base && n < this.range.base + this.range.size - 1;
  }

  /** Records an address found in a member's ServiceImport; false when another key holds it. */
  observe(key: string, ip: string): boolean {
    if (!this.contains(ip)) return false;
    const holder = this.byIp.get(ip);
    if (holder && holder !== key) return false;
    if (this.byKey.has(key) && this.byKey.get(key) !== ip) return false;
    this.byKey.set(key, ip);
    this.byIp.set(ip, key);
    return true;
  }

  /** The key's address: kept from `found` (members' ServiceImports) when free, else a new one. */
  allocate(key: string, found: string[] = []): string {
    const known = this.byKey.get(key);
    if (known) return known;
    for (const ip of found) if (this.observe(key, ip)) return ip;
    const usable = this.range.size - 2;
    if (this.byIp.size >= usable) throw new Error(`clusterset IP range ${this.range.text} is exhausted (${usable} addresses) allocating for ${key}`);
    const start = createHash('sha256').update(key).digest().readUInt32BE(0) % usable;
    for (let i = 0; i < usable; i++) {
      const ip = toIp(this.range.base + 1 + ((start + i) % usable));
      if (!this.byIp.has(ip)) {
        this.observe(key, ip);
        return ip;
      }
    }
    throw new Error(`clusterset IP range ${this.range.text} is exhausted allocating for ${key}`);
  }

  /** The key's address if it has one (no allocation). */
  peek(key: string): string | undefined {
    return this.byKey.get(key);
  }

  /** Frees the key's address (the service is no longer exported anywhere). */
  release(key: string): void {
    const ip = this.byKey.get(key);
    if (ip) this.byIp.delete(ip);
    this.byKey.delete(key);
  }
}
