import { describe, expect, it } from 'vitest';
import type { Application } from '../../src/api/application.js';
import type { ApplicationSet } from '../../src/api/applicationset.js';
import type { Cluster } from '../../src/api/cluster.js';
import type { GlobalService } from '../../src/api/globalservice.js';
import { appsMatrix } from '../../src/dashboard/aggregate-apps.js';
import { clusterViews, regionViews } from '../../src/dashboard/aggregate-clusters.js';
import { eventViews, trafficViews } from '../../src/dashboard/aggregate-traffic.js';
import { maskSecret, MASK } from '../../src/dashboard/diff.js';
import { parseCoordinates, regionCoordinates, clusterCoordinates } from '../../src/dashboard/regions.js';
import { DashboardStore } from '../../src/dashboard/store.js';
import type { DashboardState } from '../../src/dashboard/model.js';
import { answersMovedEvent, memberReadyEvent, newRolloutEvents } from '../../src/kube/events.js';

const ready = (status: 'True' | 'False', reason = 'Probed') => [{ type: 'Ready', status, reason, message: 'm', lastTransitionTime: '2026-01-01T00:00:00Z' }];
const cluster = (name: string, region: string, status: 'True' | 'False', extra: Partial<Cluster> = {}): Cluster => ({
  apiVersion: 'meridian.dev/v1alpha1', kind: 'Cluster', metadata: { name },
  spec: { server: 'https://x', secretRef: { name, namespace: 'meridian-system' }, region, podCIDRs: ['10.1.0.0/16'] },
  status: { conditions: ready(status), kubernetesVersion: 'v1.20.2', nodeCount: 2, readyNodeCount: 2, allocatable: { cpu: '8', memory: '16Gi' }, requested: { cpu: '1', memory: '2Gi' } }, ...extra,
});
const app = (name: string, dest: string, sync: string, health: string, set = 'web-app'): Application => ({
  metadata: { name, namespace: 'meridian-system', labels: { 'meridian.dev/applicationset': set } },
  spec: { source: { repoURL: 'file:///r' }, destination: { name: dest } },
  status: { sync: { status: sync as 'Synced', revision: 'abcdef0123456789' }, health: { status: health as 'Healthy' }, resources: [{ version: 'v1', kind: 'ConfigMap', name: 'c', status: 'OutOfSync' }] },
});

describe('dashboard aggregation', () => {
  it('regions: healthy, degraded and down from their clusters; the live probe wins over stale status', () => {
    const clusters = [cluster('a', 'us-east', 'True'), cluster('b', 'eu-west', 'True'), cluster('c', 'eu-west', 'False'), cluster('d', 'ap-south', 'True')];
    const live = (n: string) => (n === 'd' ? false : undefined);
    const regions = regionViews(clusters, live);
    expect(regions.map((r) => `${r.name}:${r.health}`)).toEqual(['ap-south:down', 'eu-west:degraded', 'us-east:healthy']);
    expect(regions.find((r) => r.name === 'us-east')).toMatchObject({ lat: 38.9, lon: -77.4 });
    const views = clusterViews(clusters, live);
    expect(views.find((c) => c.name === 'd')).toMatchObject({ ready: false, reason: 'ProbeFailed', nodes: '2/2', cpu: '1 / 8', memory: '2Gi / 16Gi' });
    expect(views.find((c) => c.name === 'c')).toMatchObject({ ready: false, reason: 'Probed' });
  });

  it('clusters: conditions other than Ready are the findings', () => {
    const c = cluster('a', 'us-east', 'True');
    c.status?.conditions?.push({ type: 'CIDROverlap', status: 'True', reason: 'Overlap', message: 'pod CIDR overlaps eu-west', lastTransitionTime: '' });
    expect(clusterViews([c], () => undefined)[0].findings).toEqual([{ type: 'CIDROverlap', status: 'True', reason: 'Overlap', message: 'pod CIDR overlaps eu-west' }]);
  });

  it('coordinates: the table, the annotation override, malformed annotations ignored', () => {
    expect(regionCoordinates('eu-west-1')).toEqual({ lat: 53.3, lon: -6.3 });
    expect(regionCoordinates('westeurope')).toBeDefined();
    expect(regionCoordinates('europe-west4')).toBeDefined();
    expect(regionCoordinates('mars-1')).toBeUndefined();
    expect(parseCoordinates('91,0')).toBeUndefined();
    expect(parseCoordinates('nope')).toBeUndefined();
    const c = cluster('x', 'mars-1', 'True', { metadata: { name: 'x', annotations: { 'meridian.dev/coordinates': '48.1, 11.6' } } });
    expect(clusterCoordinates(c)).toEqual({ lat: 48.1, lon: 11.6 });
  });

  it('matrix: a row per ApplicationSet, red cells for members that are down, rollout steps and halts', () => {
    const set: ApplicationSet = { metadata: { name: 'web-app', namespace: 'meridian-system' }, spec: { generators: [], template: {} },
      status: { applicationStatus: [{ application: 'web-app-us-east', step: 0, revision: 'abc', status: 'Healthy' }],
        rollout: { phase: 'Halted', targetRevision: 'ffff0000', currentStep: 0, events: [{ time: 't', type: 'Halted', revision: 'ffff0000aaaa', message: 'us-east Degraded' }] } } };
    const m = appsMatrix([app('web-app-us-east', 'us-east', 'Synced', 'Healthy'), app('web-app-eu-west', 'eu-west', 'Unknown', 'Unknown'), app('other', 'us-east', 'OutOfSync', 'Healthy', 'other')], [set], ['us-east', 'eu-west', 'ap-south'], (c) => c !== 'eu-west');
    expect(m.clusters).toEqual(['ap-south', 'eu-west', 'us-east']);
    expect(m.rows.map((r) => r.name)).toEqual(['other', 'web-app']);
    const web = m.rows[1];
    expect(web.cells['us-east']).toMatchObject({ sync: 'Synced', health: 'Healthy', revision: 'abcdef01', clusterDown: false, rolloutStep: 1, outOfSync: 1 });
    expect(web.cells['eu-west'].clusterDown).toBe(true);
    expect(web.cells['ap-south']).toBeUndefined();
    expect(web.rollout).toMatchObject({ phase: 'Halted', step: 1, events: [{ type: 'Halted', revision: 'ffff0000' }] });
  });

  it('traffic: answers mapped to regions, targets, history from the timeline', () => {
    const gs: GlobalService = { metadata: { name: 'web', namespace: 'ns' }, spec: { hostnames: ['web.g.test'], policy: { type: 'failover', order: ['eu-west', 'us-east'] } },
      status: { backends: [{ cluster: 'eu', region: 'eu-west', address: '127.0.0.2', health: 'Unhealthy', reason: 'Timeout', lastTransitionTime: 't1' }, { cluster: 'us', region: 'us-east', address: '127.0.0.1', health: 'Healthy', reason: 'OK', lastTransitionTime: 't0' }],
        answers: [{ hostname: 'web.g.test', addresses: ['127.0.0.1'] }] } };
    const events = eventViews([
      { involvedObject: { kind: 'GlobalService', namespace: 'ns', name: 'web' }, reason: 'Failover', type: 'Warning', message: 'moved', lastTimestamp: '2026-01-01T00:00:02Z' },
      { involvedObject: { kind: 'Cluster', name: 'eu' }, reason: 'MemberLost', type: 'Warning', message: 'gone', lastTimestamp: '2026-01-01T00:00:01Z' },
    ]);
    expect(events.map((e) => e.reason)).toEqual(['Failover', 'MemberLost']);
    const [t] = trafficViews([gs], events);
    expect(t).toMatchObject({ key: 'ns/web', policy: 'failover', order: ['eu-west', 'us-east'], targets: ['us-east'], answers: [{ regions: ['us-east'] }] });
    expect(t.history.map((e) => e.reason)).toEqual(['Failover']);
  });

  it('masks every Secret value (and the last-applied annotation) but keeps the keys', () => {
    const s = maskSecret({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"token":"aGk="}}' } }, data: { token: 'c2VjcmV0' }, stringData: { password: 'hunter2' } });
    expect(JSON.stringify(s)).not.toMatch(/c2VjcmV0|hunter2|aGk=/);
    expect(s).toMatchObject({ data: { token: MASK }, stringData: { password: MASK } });
    const cm = { kind: 'ConfigMap', data: { a: 'b' } };
    expect(maskSecret(cm)).toBe(cm);
  });

  it('store: the first update sends every section, later ones only what changed, nothing when idle', () => {
    const store = new DashboardStore();
    const deltas: string[][] = [];
    store.subscribe((d) => deltas.push(Object.keys(d)));
    const base: DashboardState = { regions: [], clusters: [], apps: { clusters: [], rows: [] }, traffic: [], services: [], events: [], egress: [] };
    store.update(base);
    store.update({ ...base });
    store.update({ ...base, events: [{ time: 't', type: 'Normal', reason: 'FailBack', object: 'x', message: '' }] });
    expect(deltas).toEqual([['regions', 'clusters', 'apps', 'traffic', 'services', 'events', 'egress'], ['events']]);
  });
});

describe('events written at the source', () => {
  it('member Ready flips: lost and back, nothing on the first status or without a flip', () => {
    expect(memberReadyEvent(undefined, ready('True'))).toBeUndefined();
    expect(memberReadyEvent(ready('True'), ready('True'))).toBeUndefined();
    expect(memberReadyEvent(ready('True'), ready('False', 'Unreachable'))).toMatchObject({ reason: 'MemberLost', type: 'Warning' });
    expect(memberReadyEvent(ready('False'), ready('True'))).toMatchObject({ reason: 'MemberBack', type: 'Normal' });
  });

  it('answers moving: Failover when the answered backend is Unhealthy, FailBack otherwise', () => {
    const backends = (eu: string) => [{ cluster: 'eu', region: 'eu-west', address: '2', health: eu }, { cluster: 'us', region: 'us-east', address: '1', health: 'Healthy' }];
    const before = { backends: backends('Healthy'), answers: [{ hostname: 'h', addresses: ['2'] }] };
    const after = { backends: backends('Unhealthy'), answers: [{ hostname: 'h', addresses: ['1'] }] };
    expect(answersMovedEvent(before, before)).toBeUndefined();
    expect(answersMovedEvent(undefined, after)).toBeUndefined();
    expect(answersMovedEvent(before, after)).toMatchObject({ reason: 'Failover', message: 'answers moved from eu-west to us-east' });
    expect(answersMovedEvent(after, { backends: backends('Healthy'), answers: before.answers })).toMatchObject({ reason: 'FailBack', message: 'answers moved from us-east to eu-west' });
  });

  it('rollout: only the halts and rollbacks not seen before', () => {
    const e1 = { time: 't1', type: 'Halted', revision: 'aaaaaaaaaa', message: 'x Degraded' };
    const e2 = { time: 't2', type: 'RolledBack', revision: 'aaaaaaaaaa', message: 'back' };
    expect(newRolloutEvents({ events: [e1] }, { events: [e1, e2] }).map((e) => e.reason)).toEqual(['RolledBack']);
    expect(newRolloutEvents(undefined, { events: [e1] })[0]).toMatchObject({ reason: 'RolloutHalted', type: 'Warning', message: 'revision aaaaaaaa: x Degraded' });
    expect(newRolloutEvents(undefined, { events: [{ ...e1, type: 'Completed' }] })[0]).toMatchObject({ reason: 'Completed', type: 'Normal' });
  });
});
