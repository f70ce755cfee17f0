import { longestMatch } from './cidr.js';
import { backendKey, type BackendAnswer, type HostEntry } from './snapshot.js';

/** The addresses answered to one client and the client-subnet prefix the choice depended on. */
export interface Selection {
  backends: BackendAnswer[];
  /** RFC 7871 scope prefix: 0 when the answer is the same for every client. */
  scope: number;
}

/** The client as the policy sees it: its address (from EDNS Client Subnet, else the source) and that subnet's prefix. */
export interface ClientInfo {
  address?: string;
  prefix?: number;
}

/**
 * Applies a hostname's policy to its pool for one query. `turn` counts queries for the hostname:
 * round robin rotates by it and weighted walks its precomputed cycle with it, so shares are exact.
 */
export function selectBackends(entry: HostEntry, client: ClientInfo, turn: number): Selection {
  const pool = entry.pool;
  if (pool.length === 0) return { backends: [], scope: 0 };
  const p = entry.policy;
  switch (p.type) {
    case 'failover':
      return { backends: firstRegion(pool, regionOrder(pool, p.order)), scope: 0 };
    case 'roundRobin':
      return { backends: rotate(pool, turn), scope: 0 };
    case 'weighted': {
      if (p.sequence.length === 0) return { backends: pool, scope: 0 };
      const key = p.sequence[turn % p.sequence.length];
      return { backends: pool.filter((b) => backendKey(b) === key), scope: 0 };
    }
    case 'geo':
      return geo(pool, p.rules, p.defaultRegions, client);
    case 'latency':
      return latency(pool, p.rows, client);
  }
}

/** Regions in order: the configured ones first, then the rest by name. */
function regionOrder(pool: BackendAnswer[], preferred: string[]): string[] {
  const rest = [...new Set(pool.map((b) => b.region))].filter((r) => !preferred.includes(r)).sort();
  return [...preferred, ...rest];
}

function firstRegion(pool: BackendAnswer[], order: string[]): BackendAnswer[] {
  for (const region of order) {
    const hit = pool.filter((b) => b.region === region || b.cluster === region);
    if (hit.length > 0) return hit;
  }
  return pool;
}

function rotate<T>(items: T[], turn: number): T[] {
  const k = turn % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

function geo(pool: BackendAnswer[], rules: Parameters<typeof longestMatch<string[]>>[0], defaults: string[], client: ClientInfo): Selection {
  const match = client.address ? longestMatch(rules, client.address) : undefined;
  const scope = match ? match.prefix : client.address ? client.prefix ?? 0 : 0;
  const regions = match ? match.value : defaults;
  for (const region of regions) {
    const hit = pool.filter((b) => b.region === region || b.cluster === region);
    if (hit.length > 0) return { backends: hit, scope };
  }
  return { backends: pool, scope };
}

function latency(pool: BackendAnswer[], rows: Parameters<typeof longestMatch<Record<string, number>>>[0], client: ClientInfo): Selection {
  const match = client.address ? longestMatch(rows, client.address) : undefined;
  if (!match) return { backends: pool, scope: client.address ? client.prefix ?? 0 : 0 };
  const rtt = (b: BackendAnswer) => match.value[b.cluster] ?? match.value[b.region] ?? Number.POSITIVE_INFINITY;
  const best = Math.min(...pool.map(rtt));
  return { backends: pool.filter((b) => rtt(b) === best), scope: match.prefix };
}
