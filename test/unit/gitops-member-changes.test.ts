import { describe, expect, it } from 'vitest';
import type { Cluster } from '../../src/api/cluster.js';
import type { ClusterRegistry, MemberCluster } from '../../src/clusters/registry.js';
import { MemberChanges } from '../../src/gitops/controller/member-changes.js';
import type { KubeClient } from '../../src/kube/client.js';

// A registry 'change' comes with every update of a Cluster object, its status included; gitops
// re-queues a member's Applications only when its connection or readiness changed, and the
// ApplicationSets only when what the clusters generator sees of it changed.

function fakeRegistry() {
  const clusters = new Map<string, Cluster>();
  const members = new Map<string, MemberCluster>();
  const registry = {
    get: (name: string) => members.get(name),
    clusterObjects: () => [...clusters.values()],
  } as unknown as Pick<ClusterRegistry, 'get' | 'clusterObjects'>;
  const setCluster = (name: string, labels: Record<string, string>, status: Record<string, unknown> = {}) =>
    clusters.set(name, { apiVersion: 'meridian.dev/v1alpha1', kind: 'Cluster', metadata: { name, labels }, spec: { server: `https://${name}.example.test` }, status } as unknown as Cluster);
  const connect = (name: string, ready: boolean, client = {} as KubeClient) => members.set(name, { name, client, ready } as unknown as MemberCluster);
  return { registry, clusters, members, setCluster, connect };
}

describe('gitops: what a member change re-queues', () => {
  it('a status-only update of the Cluster re-queues nothing; readiness, connection and labels re-queue what reads them', () => {
    const f = fakeRegistry();
    const changes = new MemberChanges(f.registry);
    f.setCluster('us-east', { env: 'production' });
    f.connect('us-east', false);
    expect(changes.impact('us-east')).toEqual({ apps: true, sets: true }); // first sight
    f.connect('us-east', true, f.members.get('us-east')?.client);
    expect(changes.impact('us-east')).toEqual({ apps: true, sets: false }); // turned ready
    f.setCluster('us-east', { env: 'production' }, { lastProbeTime: 'later', nodeCount: 3 });
    expect(changes.impact('us-east')).toEqual({ apps: false, sets: false }); // the manager's status refresh
    f.setCluster('us-east', { env: 'staging' });
    expect(changes.impact('us-east')).toEqual({ apps: false, sets: true }); // labels: the generator's input
    f.connect('us-east', true);
    expect(changes.impact('us-east')).toEqual({ apps: true, sets: false }); // reconnected (rotated credentials)
  });

  it('a member removed concerns both queues, and is forgotten', () => {
    const f = fakeRegistry();
    const changes = new MemberChanges(f.registry);
    f.setCluster('eu-west', {});
    f.connect('eu-west', true);
    changes.impact('eu-west');
    f.clusters.delete('eu-west');
    f.members.delete('eu-west');
    expect(changes.impact('eu-west')).toEqual({ apps: true, sets: true });
    expect(changes.impact('eu-west')).toEqual({ apps: true, sets: true }); // nothing kept about it
  });

  it('a registered Cluster that never connected still feeds the generator', () => {
    const f = fakeRegistry();
    const changes = new MemberChanges(f.registry);
    f.setCluster('ap-south', { env: 'production' });
    expect(changes.impact('ap-south')).toEqual({ apps: true, sets: true });
    f.setCluster('ap-south', { env: 'production', tier: 'gold' });
    expect(changes.impact('ap-south')).toEqual({ apps: false, sets: true });
  });

  it('serve --shards: the member changing hands re-queues its Applications, though its connection and readiness did not change', () => {
    const f = fakeRegistry();
    const held = new Set<string>();
    const changes = new MemberChanges(f.registry, (m) => held.has(m));
    f.setCluster('member-05', {});
    f.connect('member-05', true);
    expect(changes.impact('member-05')).toEqual({ apps: true, sets: true }); // first sight, held by another replica
    expect(changes.impact('member-05')).toEqual({ apps: false, sets: false });
    held.add('member-05'); // the Lease came to this replica (its owner was killed)
    expect(changes.impact('member-05')).toEqual({ apps: true, sets: false });
    held.delete('member-05'); // handed over: a queued pass now skips it
    expect(changes.impact('member-05')).toEqual({ apps: true, sets: false });
  });
});
