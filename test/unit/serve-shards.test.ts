import { describe, expect, it } from 'vitest';
import { assignBounded } from '../../src/serve/hrw.js';
import { parseServeOptions } from '../../src/serve/options.js';
import { HUB_SHARD } from '../../src/serve/ownership.js';

const members = Array.from({ length: 200 }, (_, i) => `member-${i}`);
const REPLICAS = ['a', 'b', 'c', 'd', 'e'];
/** The names of test/integration/shards.test.ts and test/e2e/sharding-fleet.test.ts. */
const TWELVE = Array.from({ length: 12 }, (_, i) => `member-${String(i).padStart(2, '0')}`);

/** Keys per replica, in the order the replicas are given (0 for one with none). */
function sizes(owners: Map<string, string>, replicas: readonly string[]): number[] {
  return replicas.map((r) => [...owners.values()].filter((o) => o === r).length);
}

/** Keys whose owner differs between two assignments. */
function movedBetween(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...before.keys()].filter((k) => before.get(k) !== after.get(k));
}

/** A deterministic Fisher-Yates shuffle (a 32-bit linear congruential generator seeded by `seed`). */
function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const out = [...xs];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const j = (s >>> 8) % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('bounded-load rendezvous hashing', () => {
  // Every shard is at most cap = ceil(n / r * (1 + slack)) and so at least n - (r - 1) * cap; with
  // slack 0 the split is exact: every shard is floor(n / r) or ceil(n / r). Plain rendezvous hashing
  // put these 200 names 67/71/62 on three replicas, 45/51/51/53 on four and 36/42/40/48/34 on five.
  it.each([
    { slack: 0, r: 3, min: 66, max: 67 },
    { slack: 0, r: 4, min: 50, max: 50 },
    { slack: 0, r: 5, min: 40, max: 40 },
    { slack: 0.1, r: 3, min: 200 - 2 * 74, max: 74 },
    { slack: 0.1, r: 4, min: 200 - 3 * 55, max: 55 },
    { slack: 0.1, r: 5, min: 200 - 4 * 44, max: 44 },
  ])('slack $slack over $r replicas: every member has one owner, shards within [$min, $max]', ({ slack, r, min, max }) => {
    const replicas = REPLICAS.slice(0, r);
    const owners = assignBounded(members, replicas, { slack });
    expect([...owners.keys()].sort()).toEqual([...members].sort());
    const s = sizes(owners, replicas);
    expect(s.reduce((a, b) => a + b, 0)).toBe(200);
    expect(Math.max(...s), `sizes ${s.join('/')}`).toBeLessThanOrEqual(max);
    expect(Math.min(...s), `sizes ${s.join('/')}`).toBeGreaterThanOrEqual(min);
  });

  it('gives the same answer whatever the order (or repetition) of keys and replicas', () => {
    const keys = [HUB_SHARD, ...members];
    for (const r of [3, 4, 5]) {
      const want = [...assignBounded(keys, REPLICAS.slice(0, r))].sort();
      for (const seed of [1, 2, 3]) {
        const replicas = shuffled(REPLICAS.slice(0, r), seed);
        const order = shuffled(keys, seed + 10);
        expect(order).not.toEqual(keys);
        expect([...assignBounded(order, [...replicas, replicas[0]])].sort()).toEqual(want);
      }
    }
    expect(assignBounded(members, []).size).toBe(0);
    expect(() => assignBounded(members, REPLICAS, { slack: -0.1 })).toThrow(/slack/);
    expect(() => assignBounded(members, REPLICAS, { slack: Number.NaN })).toThrow(/slack/);
  });

  // Joining x to S and x leaving S + x compare the same two assignments; the tests look at both sides.
  it('a fourth replica takes its fair share (50 of 200) and at most 10 more members move (measured: 50, 53, 53, 57)', () => {
    const after = assignBounded(members, ['a', 'b', 'c', 'd']);
    for (const newcomer of ['a', 'b', 'c', 'd']) {
      const before = assignBounded(members, ['a', 'b', 'c', 'd'].filter((r) => r !== newcomer));
      const moved = movedBetween(before, after);
      expect(sizes(after, [newcomer])).toEqual([50]);
      expect(moved.length, `${newcomer} joined`).toBeLessThanOrEqual(60);
    }
  });

  it('a replica that leaves moves its members and at most 10 others (measured: 0, 3, 3, 7 of 4 replicas; 3, 7, 6, 8, 5 of 5)', () => {
    for (const r of [4, 5]) {
      const replicas = REPLICAS.slice(0, r);
      const before = assignBounded(members, replicas);
      for (const gone of replicas) {
        const after = assignBounded(members, replicas.filter((x) => x !== gone));
        const others = movedBetween(before, after).filter((k) => before.get(k) !== gone);
        expect(others.length, `${gone} left ${r} replicas`).toBeLessThanOrEqual(10);
      }
    }
  });

  it('splits the twelve test names evenly: 4/4/4, 5/4/4 with the hub shard (plain hashing: 8/2/2)', () => {
    const ids = ['replica-a', 'replica-b', 'replica-c'];
    expect(sizes(assignBounded(TWELVE, ids), ids)).toEqual([4, 4, 4]);
    expect(sizes(assignBounded([HUB_SHARD, ...TWELVE], ids), ids).sort()).toEqual([4, 4, 5]);
    expect(sizes(assignBounded([HUB_SHARD, ...TWELVE], [...ids, 'replica-d']), [...ids, 'replica-d']).sort()).toEqual([3, 3, 3, 4]);
  });
});

describe('serve --shards flags', () => {
  const parse = (flags: Record<string, unknown>) => parseServeOptions(flags, {}, 'host');

  it('leaves out the controllers that are not sharded by default, and refuses them when named', () => {
    expect(parse({ shards: true }).controllers).not.toContain('scheduling');
    expect(parse({ shards: true }).controllers).not.toContain('secretstores');
    expect(parse({ shards: true }).controllers).toContain('gitops');
    expect(parse({}).controllers).toContain('scheduling');
    expect(() => parse({ shards: true, controllers: '*' })).toThrow(/--shards: controller scheduling, secrets, secretstores is not sharded yet/);
  });

  it('refuses the edge push and a bad group name', () => {
    expect(() => parse({ shards: true, gslbEdgeSecret: 'meridian-system/edge' })).toThrow(/--gslb-edge-secret/);
    expect(() => parse({ shards: true, shardGroup: 'Bad_Group' })).toThrow(/--shard-group: expected a DNS label/);
    expect(parse({ shards: true, shardGroup: 'eu-shards' }).shardGroup).toBe('eu-shards');
  });
});
