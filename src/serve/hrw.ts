import { createHash } from 'node:crypto';

/** Options of bounded-load rendezvous hashing. */
export interface BoundedOptions {
  /** How far above the fair share n/r a replica may go: the cap is ceil(n / r * (1 + slack)). */
  slack?: number;
}

/** The slack `meridian serve --shards` uses (docs/adr/0015-serve-shards.md has the measurements). */
export const DEFAULT_SLACK = 0;

/**
 * Bounded-load rendezvous hashing: the owner of every key (a map from key to replica). Keys are
 * taken in an order that depends on the keys alone (by a hash of the key, then its name), and each
 * goes to its highest-weight replica (sha256 of replica and key) that holds fewer than
 * ceil(n / r * (1 + slack)) keys (one fewer for some replicas when that still leaves room for all
 * n, so that slack 0 splits n keys into shards of floor(n / r) and ceil(n / r)). Plain rendezvous
 * hashing is even only on average; the cap bounds every shard, at the cost of a few moves beyond a
 * joining or leaving replica's own share (a key pushed off a full replica lands on its next
 * choice). The answer depends only on the sets of keys and replicas, not on the order they are
 * listed in, so every replica computes the same one from the same member list and live replicas.
 */
export function assignBounded(keys: readonly string[], replicas: readonly string[], { slack = DEFAULT_SLACK }: BoundedOptions = {}): Map<string, string> {
  if (!(slack >= 0 && Number.isFinite(slack))) throw new RangeError(`slack must be a finite number >= 0, got ${slack}`);
  const owners = new Map<string, string>();
  const ids = [...new Set(replicas)].sort();
  if (ids.length === 0) return owners;
  const ordered = [...new Set(keys)].map((k) => ({ k, h: hash(k) })).sort((a, b) => compare(a.h, b.h) || compare(a.k, b.k));
  // The epsilon keeps float error from raising the cap by one (200 / 4 * 1.1 is 55.00000000000001).
  const cap = Math.ceil((ordered.length / ids.length) * (1 + slack) - 1e-9);
  // When the caps leave room for fewer than r keys beyond n (spare), only r - spare replicas may
  // reach the cap and the rest stop one short: with slack 0 every shard is floor(n / r) or ceil(n / r).
  const spare = ids.length * cap - ordered.length;
  const atCapAllowed = spare < ids.length ? ids.length - spare : ids.length;
  let atCap = 0;
  const load = new Map(ids.map((r) => [r, 0]));
  const room = (r: string) => {
    const l = load.get(r) ?? 0;
    return l < cap - 1 || (l === cap - 1 && atCap < atCapAllowed);
  };
  for (const { k } of ordered) {
    const ranked = ids.map((r) => ({ r, w: hash(r, k) })).sort((a, b) => compare(b.w, a.w) || compare(a.r, b.r));
    // The caps hold n keys at least, so some replica always has room.
    const owner = (ranked.find(({ r }) => room(r)) ?? ranked[0]).r;
    const l = (load.get(owner) ?? 0) + 1;
    if (l === cap) atCap++;
    owners.set(k, owner);
    load.set(owner, l);
  }
  return owners;
}

function hash(...parts: string[]): bigint {
  return createHash('sha256').update(parts.join('\0')).digest().readBigUInt64BE(0);
}

function compare<T extends bigint | string>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
