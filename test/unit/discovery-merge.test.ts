import { describe, expect, it } from 'vitest';
import { ClusterSetIpAllocator, planClusterSetIps, type IpClaim } from '../../src/discovery/allocator.js';
import { collectExport, type MemberCaches, type ServiceObject } from '../../src/discovery/collect.js';
import { resolveService } from '../../src/discovery/conflicts.js';
import { derivedSliceName, desiredImport, desiredSlices, importStatus } from '../../src/discovery/desired.js';
import { parseViews } from '../../src/discovery/options.js';
import { ClusterViews } from '../../src/discovery/views.js';
import { exportOf } from '../support/discovery.js';

describe('resolveService (KEP-1645 conflict resolution)', () => {
  it('merges ports across clusters and lets the oldest export decide conflicting properties', () => {
    const r = resolveService({ namespace: 'demo', name: 'web', exports: [
      exportOf('ap-south', { exportedAt: '2024-01-03T00:00:00Z' }, { ports: [{ name: 'http', protocol: 'UDP', port: 80 }] }),
      exportOf('eu-west', { exportedAt: '2024-01-01T00:00:00Z' }, { ports: [{ name: 'http', protocol: 'TCP', port: 80 }, { name: 'grpc', protocol: 'TCP', port: 9090 }] }),
      exportOf('us-east', { exportedAt: '2024-01-02T00:00:00Z' }, { type: 'Headless', clusterIPs: [] }),
    ] });
    expect(r.type).toBe('ClusterSetIP');
    expect(r.ports).toEqual([{ name: 'http', protocol: 'TCP', port: 80 }, { name: 'grpc', protocol: 'TCP', port: 9090 }]);
    expect(r.participants.map((p) => p.cluster)).toEqual(['eu-west', 'us-east', 'ap-south']);
    expect(r.conditions.get('eu-west')?.conflict.status).toBe('False');
    expect(r.conditions.get('us-east')?.conflict).toMatchObject({ status: 'True', reason: 'TypeConflict' });
    expect(r.conditions.get('ap-south')?.conflict).toMatchObject({ status: 'True', reason: 'PortConflict' });
    expect(r.conditions.get('ap-south')?.conflict.message).toContain('port 80 protocol UDP');
  });

  it('marks an export without its Service invalid and leaves down clusters out of the merge', () => {
    const r = resolveService({ namespace: 'demo', name: 'web', exports: [
      exportOf('eu-west', { service: undefined }),
      exportOf('ap-south', { clusterReady: false }),
    ] });
    expect(r.participants).toEqual([]);
    expect(r.conditions.get('eu-west')?.valid).toMatchObject({ status: 'False', reason: 'NoService' });
    expect(r.conditions.get('ap-south')?.valid.status).toBe('True');
  });

  it('builds the ServiceImport and one labelled, owned EndpointSlice per sharing cluster', () => {
    const r = resolveService({ namespace: 'demo', name: 'web', exports: [exportOf('eu-west'), exportOf('us-east', { shared: false })] });
    expect(desiredImport('demo', 'web', r, '10.250.0.7').spec).toEqual({ type: 'ClusterSetIP', ports: [{ name: 'http', protocol: 'TCP', port: 80 }], ips: ['10.250.0.7'], sessionAffinity: 'None' });
    expect(importStatus(r)).toEqual({ clusters: [{ cluster: 'eu-west' }] });
    const slices = desiredSlices('demo', 'web', r, 'discovery.k8s.io/v1beta1', { uid: 'u1' });
    expect(slices).toHaveLength(1);
    expect(slices[0].metadata?.labels).toMatchObject({ 'multicluster.kubernetes.io/service-name': 'web', 'multicluster.kubernetes.io/source-cluster': 'eu-west' });
    expect(slices[0].metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'ServiceImport', uid: 'u1' });
    expect(slices[0].endpoints).toEqual([{ addresses: ['10.1.0.1'], conditions: { ready: true } }]);
    expect(derivedSliceName('x'.repeat(60), 'eu-west')).toHaveLength(63);
  });
});

describe('collectExport', () => {
  const svc = (annotations: Record<string, string>, spec: ServiceObject['spec'] = { clusterIP: '10.201.0.9', ports: [{ port: 80 }] }): ServiceObject =>
    ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'demo', creationTimestamp: '2024-02-01T00:00:00Z', annotations }, spec });
  const caches = (s: ServiceObject | undefined, exported: boolean): MemberCaches => ({
    name: 'us-east', ready: true,
    service: () => s,
    serviceExport: () => (exported ? { metadata: { name: 'web', namespace: 'demo', creationTimestamp: '2024-01-01T00:00:00Z' } } : undefined),
    sourceSlices: () => [{ addressType: 'IPv4', endpoints: [{ addresses: ['10.101.1.5'], conditions: { ready: false }, hostname: 'web-0' }] }],
  });

  it.each([
    ['no ServiceExport, no annotation', svc({}), false, undefined],
    ['Cilium global annotation', svc({ 'service.cilium.io/global': 'true' }), false, { via: 'annotation', shared: true }],
    ['global but not shared, affinity local', svc({ 'service.cilium.io/global': 'true', 'service.cilium.io/shared': 'false', 'service.cilium.io/affinity': 'local' }), false, { shared: false, affinity: 'local' }],
    ['ServiceExport, weight 3', svc({ 'multicluster.meridian.dev/weight': '3' }), true, { via: 'ServiceExport', weight: 3, exportedAt: '2024-01-01T00:00:00Z' }],
  ])('%s', (_label, s, exported, expected) => {
    const e = collectExport(caches(s, exported), 'demo', 'web');
    if (expected === undefined) expect(e).toBeUndefined();
    else expect(e).toMatchObject(expected);
  });

  it('reads headless Services, endpoint readiness and hostnames; ExternalName is unsupported', () => {
    const headless = collectExport(caches(svc({}, { clusterIP: 'None', ports: [{ port: 80, name: 'http' }] }), true), 'demo', 'web');
    expect(headless?.service).toMatchObject({ type: 'Headless', clusterIPs: [] });
    expect(headless?.endpoints).toEqual([{ addresses: ['10.101.1.5'], ready: false, hostname: 'web-0' }]);
    expect(collectExport(caches(svc({}, { type: 'ExternalName' }), true), 'demo', 'web')?.service?.type).toBe('Unsupported');
  });
});

describe('ClusterSetIpAllocator', () => {
  it('keeps addresses members already carry, never hands one out twice, and is stable across restarts', () => {
    const a = new ClusterSetIpAllocator('10.250.0.0/29');
    const first = a.allocate('demo/web');
    expect(a.contains(first)).toBe(true);
    expect(a.allocate('demo/web')).toBe(first);
    const restarted = new ClusterSetIpAllocator('10.250.0.0/29');
    expect(restarted.allocate('demo/web')).toBe(first);
    const api = a.allocate('demo/api', [first]);
    expect(api).not.toBe(first);
    const all = ['a', 'b', 'c', 'd'].map((k) => a.allocate(`ns/${k}`));
    expect(new Set([first, api, ...all]).size).toBe(6);
    expect(() => a.allocate('ns/e')).toThrow(/exhausted/);
    a.release('ns/a');
    expect(a.allocate('ns/e')).toBe(all[0]);
  });

  it('rejects ranges that are not IPv4 CIDRs', () => {
    expect(() => new ClusterSetIpAllocator('10.250.0.0')).toThrow(/clusterset IP range/);
    expect(() => new ClusterSetIpAllocator('fd00::/64')).toThrow(/IPv4/);
  });
});

describe('ClusterViews', () => {
  const ctx = (clientAddress: string, localPort = 53, ecs?: { address: string; sourcePrefix: number }) =>
    ({ clientAddress, clientPort: 40000, localAddress: '127.0.0.1', localPort, transport: 'udp' as const, ...(ecs ? { ecsSubnet: ecs } : {}) });
  const views = new ClusterViews(parseViews('us-east=10.101.0.0/16|127.0.12.1/32|@127.0.0.1:5301,eu-west=10.102.0.0/16|10.102.7.0/24'));

  it.each([
    ['by listener', ctx('127.0.0.9', 5301), 'us-east'],
    ['by source CIDR', ctx('10.101.3.4'), 'us-east'],
    ['by source loopback address', ctx('127.0.12.1'), 'us-east'],
    ['longest prefix', ctx('10.102.7.9'), 'eu-west'],
    ['by EDNS client subnet over the source', ctx('127.0.12.1', 53, { address: '10.102.0.0', sourcePrefix: 24 }), 'eu-west'],
    ['unknown', ctx('127.0.0.5'), undefined],
  ])('%s', (_l, c, cluster) => {
    expect(views.match(c)?.cluster).toBe(cluster);
  });

  it('rejects malformed view flags naming the entry', () => {
    expect(() => parseViews('us-east')).toThrow(/--dns-views/);
    expect(() => parseViews('us-east=10.0.0.0/99')).toThrow(/10.0.0.0\/99/);
  });
});

describe('ClusterViews with member networks', () => {
  it('adds members\' pod CIDRs beside the configured views and skips malformed ones', () => {
    const v = new ClusterViews({ cidrs: { 'us-east': ['10.101.7.0/24'] } });
    const ctx = (clientAddress: string) => ({ clientAddress, clientPort: 1, localAddress: '127.0.0.1', localPort: 53, transport: 'udp' as const });
    expect(v.match(ctx('10.102.0.9'))).toBeUndefined();
    v.setClusterNetworks({ 'eu-west': ['10.102.0.0/16', 'garbage'], 'ap-south': ['10.101.0.0/16'] });
    expect(v.match(ctx('10.102.0.9'))?.cluster).toBe('eu-west');
    expect(v.match(ctx('10.101.7.1'))?.cluster).toBe('us-east');
    expect(v.match(ctx('10.101.8.1'))?.cluster).toBe('ap-south');
  });
});

describe('planClusterSetIps: replicas that allocate apart agree', () => {
  const RANGE = '10.250.0.0/29'; // 6 usable addresses: probe starts collide often
  const probe = new ClusterSetIpAllocator(RANGE);
  // Two keys whose probing starts at the same address.
  const keys = Array.from({ length: 200 }, (_, i) => `ns/svc-${i}`);
  const [a, b] = (() => {
    for (const x of keys) for (const y of keys) if (x < y && probe.probeDistance(x, '10.250.0.1') === probe.probeDistance(y, '10.250.0.1')) return [x, y];
    throw new Error('no colliding pair');
  })();
  const claim = (key: string, exportedAt: string, recorded: string[] = []): IpClaim => ({ key, exportedAt, recorded });

  it('two replicas allocating for two new services at once, in different orders, converge once each sees the other\'s writes', () => {
    // Replica 1 has seen only the younger service b; replica 2 has seen both.
    const one = planClusterSetIps(RANGE, [claim(b, '2026-12-02T10:00:01Z')]);
    const two = planClusterSetIps(RANGE, [claim(a, '2026-12-02T10:00:00Z'), claim(b, '2026-12-02T10:00:01Z')]);
    expect(one.get(b)).toBe(two.get(a)); // the race: both handed out the same address
    // Each wrote its own members; now both read every member's ServiceImports.
    const seen = [claim(a, '2026-12-02T10:00:00Z', [two.get(a)!]), claim(b, '2026-12-02T10:00:01Z', [one.get(b)!, two.get(b)!])];
    const after1 = planClusterSetIps(RANGE, seen);
    const after2 = planClusterSetIps(RANGE, [...seen].reverse().map((c) => ({ ...c, recorded: [...c.recorded].reverse() })));
    expect([...after1].sort()).toEqual([...after2].sort());
    expect(after1.get(a)).toBe(two.get(a)); // the older service keeps the contested address
    expect(after1.get(b)).toBe(two.get(b));
    expect(after1.get(a)).not.toBe(after1.get(b));
  });

  it('the same plan whatever the order of services and records; a new service never moves an existing one', () => {
    const existing = keys.slice(0, 4).map((k, i) => claim(k, `2026-12-01T00:00:0${i}Z`));
    const first = planClusterSetIps(RANGE, existing);
    const recorded = existing.map((c) => ({ ...c, recorded: [first.get(c.key)!] }));
    const withNew = planClusterSetIps(RANGE, [claim(keys[10], '2026-12-02T00:00:00Z'), ...[...recorded].reverse()]);
    for (const c of existing) expect(withNew.get(c.key)).toBe(first.get(c.key));
    expect(new Set(withNew.values()).size).toBe(5);
    // Members that disagree on one service's address: every replica keeps the same one of the two.
    const pair = ['10.250.0.2', '10.250.0.5'];
    expect(planClusterSetIps(RANGE, [claim(keys[20], 't', pair)]).get(keys[20])).toBe(planClusterSetIps(RANGE, [claim(keys[20], 't', [...pair].reverse())]).get(keys[20]));
    // A service exported earlier but recorded nowhere yet does not take an address a younger one carries.
    const late = planClusterSetIps(RANGE, [claim(keys[11], '2026-11-01T00:00:00Z'), ...recorded]);
    for (const c of existing) expect(late.get(c.key)).toBe(first.get(c.key));
  });

  it('an address recorded outside the range is not kept; the range exhausted is an error naming it', () => {
    const plan = planClusterSetIps(RANGE, [claim('ns/x', '2026-12-02T00:00:00Z', ['192.168.1.1'])]);
    expect(probe.contains(plan.get('ns/x')!)).toBe(true);
    expect(() => planClusterSetIps(RANGE, keys.slice(0, 7).map((k) => claim(k, '2026-12-02T00:00:00Z')))).toThrow(/10\.250\.0\.0\/29 is exhausted/);
  });
});

