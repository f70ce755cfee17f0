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

/** A service that needs a ClusterSetIP, as every replica sees it in the members' caches. */
export interface IpClaim {
  key: string;
  /** When it was first exported (its oldest export's timestamp): older services win contested addresses. */
  exportedAt: string;
  /** Addresses the members' ServiceImports already carry for it (any order, duplicates allowed). */
  recorded: string[];
}

/**
 * Every ClusterSetIP of the clusterset as a pure function of what the members record, so that
 * replicas that each write only their own members agree without talking to each other (two
 * replicas that allocated for new services at the same moment, in different orders, converge as
 * soon as each sees the other's writes). Services are taken oldest first (then by key):
 * 1. a service keeps an address its imports carry unless an older service holds it; of several
 *    (replicas disagreed), the one nearest its hash probe start;
 * 2. the others then probe from a hash of their key, oldest first.
 * A service never loses its address to a younger one, and a new service never moves an existing one.
 */
export function planClusterSetIps(range: string, claims: readonly IpClaim[]): Map<string, string> {
  const allocator = new ClusterSetIpAllocator(range);
  const order = [...claims].sort((a, b) => (a.exportedAt < b.exportedAt ? -1 : a.exportedAt > b.exportedAt ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const out = new Map<string, string>();
  const fresh: IpClaim[] = [];
  for (const c of order) {
    const ip = [...new Set(c.recorded)].filter((r) => allocator.contains(r)).sort((x, y) => allocator.probeDistance(c.key, x) - allocator.probeDistance(c.key, y)).find((r) => allocator.observe(c.key, r));
    if (ip) out.set(c.key, ip);
    else fresh.push(c);
  }
  for (const c of fresh) out.set(c.key, allocator.allocate(c.key));
  return out;
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
    const start = this.probeStart(key);
    for (let i = 0; i < usable; i++) {
      const ip = toIp(this.range.base + 1 + ((start + i) % usable));
      if (!this.byIp.has(ip)) {
        this.observe(key, ip);
        return ip;
      }
    }
    throw new Error(`clusterset IP range ${this.range.text} is exhausted allocating for ${key}`);
  }

  /** How far from the key's probe start an address lies (0: where probing starts). */
  probeDistance(key: string, ip: string): number {
    const usable = this.range.size - 2;
    return (toNumber(ip) - this.range.base - 1 - this.probeStart(key) + usable) % usable;
  }

  private probeStart(key: string): number {
    return createHash('sha256').update(key).digest().readUInt32BE(0) % (this.range.size - 2);
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
