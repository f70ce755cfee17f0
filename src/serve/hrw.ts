import { createHash } from 'node:crypto';

/**
 * Rendezvous (highest random weight) hashing: the owner of a key is the replica whose hash of
 * (replica, key) is highest. Every replica computes the same owner from the same replica set with
 * no coordination, and adding or removing a replica moves only the keys it gains or loses
 * (about 1/n of them), as consistent hashing promises, with no ring to tune.
 */
export function ownerOf(key: string, replicas: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestWeight = -1n;
  for (const r of replicas) {
    const w = weight(r, key);
    if (w > bestWeight || (w === bestWeight && best !== undefined && r < best)) {
      best = r;
      bestWeight = w;
    }
  }
  return best;
}

/** Assigns every key; a map from replica to the keys it owns (every replica listed, even with none). */
export function assign(keys: readonly string[], replicas: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>(replicas.map((r) => [r, []]));
  for (const k of keys) {
    const o = ownerOf(k, replicas);
    if (o !== undefined) out.get(o)?.push(k);
  }
  return out;
}

function weight(replica: string, key: string): bigint {
  return createHash('sha256').update(replica).update('\0').update(key).digest().readBigUInt64BE(0);
}
