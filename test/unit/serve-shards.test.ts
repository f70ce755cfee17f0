import { describe, expect, it } from 'vitest';
import { assign, ownerOf } from '../../src/serve/hrw.js';
import { parseServeOptions } from '../../src/serve/options.js';

const members = Array.from({ length: 200 }, (_, i) => `member-${i}`);

describe('rendezvous hashing', () => {
  it('gives every key one owner, the same whatever the order replicas are listed in', () => {
    for (const m of members) expect(ownerOf(m, ['a', 'b', 'c'])).toBe(ownerOf(m, ['c', 'a', 'b']));
    expect(ownerOf('x', [])).toBeUndefined();
  });

  it('adding a replica moves only the keys the new replica takes', () => {
    const before = new Map(members.map((m) => [m, ownerOf(m, ['a', 'b', 'c'])]));
    const after = new Map(members.map((m) => [m, ownerOf(m, ['a', 'b', 'c', 'd'])]));
    const moved = members.filter((m) => before.get(m) !== after.get(m));
    expect(moved.length).toBeGreaterThan(0);
    expect(moved.every((m) => after.get(m) === 'd')).toBe(true);
  });

  it('removing a replica moves only its keys', () => {
    const before = new Map(members.map((m) => [m, ownerOf(m, ['a', 'b', 'c'])]));
    for (const m of members) if (before.get(m) !== 'b') expect(ownerOf(m, ['a', 'c'])).toBe(before.get(m));
  });

  it('spreads keys over every replica', () => {
    const shares = assign(members, ['a', 'b', 'c']);
    for (const keys of shares.values()) expect(keys.length).toBeGreaterThan(40);
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
