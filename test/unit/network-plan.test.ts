import { describe, expect, it } from 'vitest';
import { checkNetworks, conflictsOf } from '../../src/network/check.js';
import { clusterNetworks, type ClusterNetworks } from '../../src/network/inventory.js';
import { overlaps, parseNetwork, firstFreeBlock, formatNetwork } from '../../src/network/ipnet.js';
import { minimumVertexCover } from '../../src/network/cover.js';
import { assignClusterIds, planNetworks } from '../../src/network/plan.js';
import type { Cluster } from '../../src/api/cluster.js';

const net = (name: string, pod: string[], svc: string[]): ClusterNetworks => ({ name, podCIDRs: pod, serviceCIDRs: svc, sources: {} });

/** Every pair of CIDRs across the planned fleet, checked independently of the planner. */
function assertNoOverlap(clusters: ClusterNetworks[], plan: ReturnType<typeof planNetworks>): void {
  const after = clusters.map((c) => ({
    ...c,
    podCIDRs: c.podCIDRs.map((x) => plan.reIp.find((r) => r.cluster === c.name && r.from === x && r.space === 'pod')?.to ?? x),
    serviceCIDRs: c.serviceCIDRs.map((x) => plan.reIp.find((r) => r.cluster === c.name && r.from === x && r.space === 'service')?.to ?? x),
  }));
  const all = after.flatMap((c) => [...c.podCIDRs, ...c.serviceCIDRs].map((x) => ({ c: c.name, n: parseNetwork(x, c.name) })));
  for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) expect(overlaps(all[i].n, all[j].n), `${all[i].n.text} vs ${all[j].n.text}`).toBe(false);
}

describe('network check', () => {
  it('lists overlaps pair by pair, across clusters and inside one', () => {
    const r = checkNetworks([net('a', ['10.1.0.0/16'], ['10.96.0.0/12']), net('b', ['10.1.128.0/17'], ['10.96.0.0/12']), net('c', ['10.3.0.0/16'], ['10.3.0.0/20'])]);
    expect(r.overlaps.map((o) => `${o.a.cluster}/${o.a.space}-${o.b.cluster}/${o.b.space}`).sort()).toEqual(['a/pod-b/pod', 'a/service-b/service', 'c/pod-c/service']);
    expect(r.modes.find((m) => m.mode === 'submariner')?.satisfied).toBe(false);
    expect(r.modes.find((m) => m.mode === 'cilium-clustermesh')?.blockers.length).toBe(2);
    expect(conflictsOf(r, 'b').length).toBe(2);
  });
  it('reads pod CIDRs from nodes as well as the spec, without self-overlap', () => {
    const cluster = { apiVersion: 'meridian.dev/v1alpha1', kind: 'Cluster', metadata: { name: 'x' }, spec: { server: 's', secretRef: { name: 'n', namespace: 'ns' }, region: 'r', podCIDRs: ['10.5.0.0/16'], serviceCIDRs: ['10.6.0.0/16'] } } as Cluster;
    const n = clusterNetworks(cluster, [{ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec: { podCIDR: '10.5.1.0/24' } }, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n2' }, spec: { podCIDRs: ['10.7.0.0/24'] } }]);
    expect(n.podCIDRs).toEqual(['10.5.0.0/16', '10.7.0.0/24']);
    expect(n.sources['10.5.1.0/24']).toEqual(['node n1']);
    expect(checkNetworks([n]).overlaps).toEqual([]);
  });
  it('reports a malformed CIDR naming the cluster and field', () => {
    expect(checkNetworks([net('a', ['10.1.0.0/33'], [])]).problems[0]).toMatch(/Cluster a podCIDRs\[0\].*10.1.0.0\/33/);
  });
});

describe('network plan', () => {
  it('moves the fewest clusters: a star of overlaps moves only its centre', () => {
    const fleet = [net('a', ['10.0.0.0/14'], ['172.16.0.0/16']), net('b', ['10.0.0.0/16'], ['172.17.0.0/16']), net('c', ['10.1.0.0/16'], ['172.18.0.0/16']), net('d', ['10.2.0.0/16'], ['172.19.0.0/16'])];
    const plan = planNetworks(fleet);
    expect(plan.move).toEqual(['a']);
    assertNoOverlap(fleet, plan);
  });
  it('everyone on the same defaults: all but one move, each to its own blocks', () => {
    const fleet = ['hub', 'us-east', 'eu-west', 'ap-south'].map((n) => net(n, ['10.244.0.0/16'], ['10.96.0.0/12']));
    const plan = planNetworks(fleet, { order: ['hub', 'us-east', 'eu-west', 'ap-south'] });
    expect(plan.keep).toEqual(['hub']);
    expect(plan.move).toEqual(['us-east', 'eu-west', 'ap-south']);
    assertNoOverlap(fleet, plan);
  });
  it('a cluster overlapping itself must move; no overlap moves nobody', () => {
    expect(planNetworks([net('a', ['10.1.0.0/16'], ['10.1.0.0/20']), net('b', ['10.2.0.0/16'], ['10.3.0.0/16'])]).move).toEqual(['a']);
    expect(planNetworks([net('a', ['10.1.0.0/16'], []), net('b', ['10.2.0.0/16'], [])]).move).toEqual([]);
  });
  it('matches brute force on random fleets', () => {
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let round = 0; round < 40; round++) {
      const fleet = Array.from({ length: 6 }, (_, i) => net(`c${i}`, [`10.${rnd(6)}.0.0/${15 + rnd(3)}`], [`172.${16 + rnd(5)}.0.0/16`]));
      const plan = planNetworks(fleet);
      assertNoOverlap(fleet, plan);
      const edges = checkNetworks(fleet).overlaps.map((o) => [o.a.cluster, o.b.cluster] as [string, string]);
      let best = 99;
      for (let mask = 0; mask < 64; mask++) {
        const set = fleet.filter((_, i) => mask & (1 << i)).map((c) => c.name);
        if (edges.every(([a, b]) => set.includes(a) || set.includes(b))) best = Math.min(best, set.length);
      }
      expect(plan.move.length).toBe(best);
    }
  });
  it('globalnet slices and cluster IDs are unique', () => {
    const plan = planNetworks([net('a', ['10.0.0.0/16'], []), net('b', ['10.0.0.0/16'], [])], { existingIds: { a: 7, b: 7 } });
    expect(plan.globalnet.allocations).toEqual({ a: '242.0.0.0/16', b: '242.1.0.0/16' });
    expect(plan.clusterIds).toEqual({ a: 7, b: 1 });
    expect(() => assignClusterIds(Array.from({ length: 256 }, (_, i) => `m${i}`), {})).toThrow(/1-255/);
    expect(() => planNetworks([net('a', ['10.0.0.0/8'], [])], { supernet: '10.0.0.0/8' }).move).not.toThrow();
  });
  it('finds free blocks around taken ones, and formats both families', () => {
    const s = parseNetwork('10.0.0.0/8', 's');
    expect(firstFreeBlock(s, 16, [parseNetwork('10.0.0.0/15', 'x'), parseNetwork('10.2.128.0/24', 'y')])?.text).toBe('10.3.0.0/16');
    expect(firstFreeBlock(parseNetwork('10.0.0.0/16', 's'), 16, [parseNetwork('10.0.5.0/24', 'x')])).toBeUndefined();
    expect(formatNetwork(6, parseNetwork('fd00::/48', 'v6').base, 48)).toBe('fd00::/48');
    expect(minimumVertexCover(['a', 'b', 'c'], [['a', 'b'], ['b', 'c']])).toEqual(['b']);
  });
});
