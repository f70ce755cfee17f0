import { describe, expect, it } from 'vitest';
import { resolveService } from '../../src/discovery/conflicts.js';
import { buildDnsSnapshot, type SnapshotInput } from '../../src/discovery/dns-snapshot.js';
import type { ClusterExport } from '../../src/discovery/model.js';
import { ClusterViews } from '../../src/discovery/views.js';
import { ClustersetReverseZone } from '../../src/discovery/reverse-zone.js';
import { ClustersetZone } from '../../src/discovery/zone.js';
import type { DnsRecord, QueryContext } from '../../src/dns/types.js';
import { exportOf } from '../support/discovery.js';

const views = new ClusterViews({ cidrs: { 'us-east': ['127.0.12.1/32'], 'eu-west': ['127.0.12.2/32'], 'ap-south': ['127.0.12.3/32'] } });
const from = (cluster: 'us-east' | 'eu-west' | 'ap-south' | 'nobody'): QueryContext => ({
  clientAddress: { 'us-east': '127.0.12.1', 'eu-west': '127.0.12.2', 'ap-south': '127.0.12.3', nobody: '127.0.0.9' }[cluster],
  clientPort: 5000, localAddress: '127.0.0.1', localPort: 53, transport: 'udp',
});

function input(name: string, exports: ClusterExport[], extra: Partial<SnapshotInput> = {}): SnapshotInput {
  return { namespace: 'demo', name, resolved: resolveService({ namespace: 'demo', name, exports }), exporters: exports.map((e) => e.cluster), affinityByCluster: {}, ...extra };
}

const web = [
  exportOf('eu-west', {}, { clusterIPs: ['10.202.0.10'] }),
  exportOf('ap-south', { exportedAt: '2024-01-02T00:00:00Z' }, { clusterIPs: ['10.203.0.10'] }),
  exportOf('us-east', { exportedAt: '2024-01-03T00:00:00Z', endpoints: [{ addresses: ['10.101.1.1'], ready: false }] }, { clusterIPs: ['10.201.0.10'] }),
];
const db = [
  exportOf('eu-west', { endpoints: [{ addresses: ['10.102.1.5'], ready: true, hostname: 'db-0' }, { addresses: ['10.102.2.5'], ready: true }] }, { type: 'Headless', clusterIPs: [] }),
  exportOf('ap-south', { clusterReady: false, endpoints: [{ addresses: ['10.103.1.5'], ready: true, hostname: 'db-0' }] }, { type: 'Headless', clusterIPs: [] }),
];
const local = [exportOf('eu-west', { affinity: 'local' }, { clusterIPs: ['10.202.0.20'] }), exportOf('us-east', { affinity: 'local' }, { clusterIPs: ['10.201.0.20'] })];
const weighted = [exportOf('eu-west', { weight: 3 }, { clusterIPs: ['10.202.0.30'] }), exportOf('ap-south', { weight: 1 }, { clusterIPs: ['10.203.0.30'] })];

const zone = new ClustersetZone({ views, nameserverAddresses: ['127.0.0.1'] });
zone.setSnapshot(buildDnsSnapshot([
  input('web', web, { clusterSetIp: '10.250.0.5' }), input('db', db), input('near', local, { affinityByCluster: { 'us-east': 'local', 'eu-west': 'local' } }),
  input('split', weighted), input('far', local, { affinityByCluster: { 'us-east': 'remote' } }),
], 5, 42));

const data = (rs: readonly DnsRecord[]) => rs.map((r) => (typeof r.data === 'string' ? r.data : JSON.stringify(r.data)));

describe('clusterset.local zone', () => {
  it.each([
    ['A of a ClusterSetIP service: Ready clusters with ready endpoints only', 'web.demo.svc.clusterset.local', 'A', 'nobody', 'NOERROR', ['10.202.0.10', '10.203.0.10']],
    ['headless A: ready endpoints of Ready clusters', 'db.demo.svc.clusterset.local', 'A', 'nobody', 'NOERROR', ['10.102.1.5', '10.102.2.5']],
    ['headless per-endpoint name', 'db-0.eu-west.db.demo.svc.clusterset.local', 'A', 'nobody', 'NOERROR', ['10.102.1.5']],
    ['endpoint without hostname: dashed address', '10-102-2-5.eu-west.db.demo.svc.clusterset.local', 'A', 'nobody', 'NOERROR', ['10.102.2.5']],
    ['endpoint of a cluster that is down', 'db-0.ap-south.db.demo.svc.clusterset.local', 'A', 'nobody', 'NXDOMAIN', []],
    ["Lighthouse's per-cluster name", 'ap-south.web.demo.svc.clusterset.local', 'A', 'nobody', 'NOERROR', ['10.203.0.10']],
    ['per-cluster name of a cluster without ready endpoints: NODATA', 'us-east.web.demo.svc.clusterset.local', 'A', 'nobody', 'NOERROR', []],
    ['unknown cluster', 'mars.web.demo.svc.clusterset.local', 'A', 'nobody', 'NXDOMAIN', []],
    ['AAAA of an IPv4 service: NODATA', 'web.demo.svc.clusterset.local', 'AAAA', 'nobody', 'NOERROR', []],
    ['affinity local from us-east', 'near.demo.svc.clusterset.local', 'A', 'us-east', 'NOERROR', ['10.201.0.20']],
    ['affinity local from eu-west', 'near.demo.svc.clusterset.local', 'A', 'eu-west', 'NOERROR', ['10.202.0.20']],
    ['affinity local from a cluster without a copy falls back to remote', 'near.demo.svc.clusterset.local', 'A', 'ap-south', 'NOERROR', ['10.202.0.20', '10.201.0.20']],
    ['affinity remote from us-east', 'far.demo.svc.clusterset.local', 'A', 'us-east', 'NOERROR', ['10.202.0.20']],
    ['schema version', 'dns-version.clusterset.local', 'TXT', 'nobody', 'NOERROR', ['["1.0.0"]']],
    ['name server address', 'ns.clusterset.local', 'A', 'nobody', 'NOERROR', ['127.0.0.1']],
    ['namespace: empty non-terminal', 'demo.svc.clusterset.local', 'A', 'nobody', 'NOERROR', []],
    ['unknown namespace', 'other.svc.clusterset.local', 'A', 'nobody', 'NXDOMAIN', []],
    ['unknown service', 'nope.demo.svc.clusterset.local', 'A', 'nobody', 'NXDOMAIN', []],
    ['outside svc', 'www.clusterset.local', 'A', 'nobody', 'NXDOMAIN', []],
    ['the _tcp label above the SRV names: empty non-terminal (RFC 8020)', '_tcp.web.demo.svc.clusterset.local', 'SRV', 'nobody', 'NOERROR', []],
    ['the _tcp label of a headless service', '_tcp.db.demo.svc.clusterset.local', 'A', 'nobody', 'NOERROR', []],
    ['a protocol without named ports', '_udp.web.demo.svc.clusterset.local', 'SRV', 'nobody', 'NXDOMAIN', []],
  ])('%s', (_label, qname, qtype, asker, rcode, expected) => {
    const a = zone.answer(qname, qtype, from(asker as 'nobody'));
    expect(a.rcode).toBe(rcode);
    expect(data(a.answers)).toEqual(expected);
    if (expected.length === 0) expect(a.authority.map((r) => r.type)).toEqual(['SOA']);
    for (const r of a.answers) expect(r.ttl).toBe(5);
  });

  it('answers SRV per the MCS spec: the service name for ClusterSetIP, one per endpoint for headless', () => {
    const srv = zone.answer('_http._tcp.web.demo.svc.clusterset.local', 'SRV', from('nobody'));
    expect(srv.answers.map((r) => r.data)).toEqual([{ priority: 0, weight: 100, port: 80, target: 'web.demo.svc.clusterset.local' }]);
    expect(data(srv.additionals ?? [])).toEqual(['10.202.0.10', '10.203.0.10']);
    const headless = zone.answer('_http._tcp.db.demo.svc.clusterset.local', 'SRV', from('nobody'));
    expect(headless.answers.map((r) => (r.data as { target: string }).target)).toEqual(['db-0.eu-west.db.demo.svc.clusterset.local', '10-102-2-5.eu-west.db.demo.svc.clusterset.local']);
    expect(data(headless.additionals ?? [])).toEqual(['10.102.1.5', '10.102.2.5']);
    expect(zone.answer('_grpc._tcp.web.demo.svc.clusterset.local', 'SRV', from('nobody')).rcode).toBe('NXDOMAIN');
    expect(zone.answer('_http._udp.web.demo.svc.clusterset.local', 'SRV', from('nobody')).rcode).toBe('NXDOMAIN');
  });

  it('answers NXDOMAIN for a headless service without ready endpoints (the spec)', () => {
    const z = new ClustersetZone({ views });
    z.setSnapshot(buildDnsSnapshot([input('db', [exportOf('eu-west', { endpoints: [{ addresses: ['10.102.1.5'], ready: false }] }, { type: 'Headless', clusterIPs: [] })])], 5, 1));
    expect(z.answer('db.demo.svc.clusterset.local', 'A', from('nobody')).rcode).toBe('NXDOMAIN');
  });

  it('follows per-cluster weights with smooth weighted round robin (3:1 over 8 queries)', () => {
    const picks = Array.from({ length: 8 }, () => data(zone.answer('split.demo.svc.clusterset.local', 'A', from('nobody')).answers)[0]);
    expect(picks.filter((p) => p === '10.202.0.30')).toHaveLength(6);
    expect(picks.filter((p) => p === '10.203.0.30')).toHaveLength(2);
  });

  it('serves SOA and NS at the apex with the snapshot serial, and keeps answers frozen', () => {
    const soa = zone.answer('clusterset.local', 'SOA', from('nobody'));
    expect(soa.answers[0]).toMatchObject({ type: 'SOA', data: { serial: 42, minimum: 5, mname: 'ns.clusterset.local' } });
    const ns = zone.answer('clusterset.local', 'NS', from('nobody'));
    expect(data(ns.answers)).toEqual(['ns.clusterset.local']);
    expect(data(ns.additionals ?? [])).toEqual(['127.0.0.1']);
    expect(Object.isFrozen(zone.snapshot().services.get('web.demo'))).toBe(true);
    expect(zone.snapshot().reverse.get('10.102.1.5')).toBe('db-0.eu-west.db.demo.svc.clusterset.local');
  });
});

describe('reverse zone (PTR)', () => {
  const reverse = new ClustersetReverseZone(() => zone.snapshot());
  it.each([
    ['headless endpoint', '5.1.102.10.in-addr.arpa', 'PTR', 'NOERROR', ['db-0.eu-west.db.demo.svc.clusterset.local']],
    ["a cluster's ClusterIP", '10.0.202.10.in-addr.arpa', 'PTR', 'NOERROR', ['eu-west.web.demo.svc.clusterset.local']],
    ['the ClusterSetIP', '5.0.250.10.in-addr.arpa', 'PTR', 'NOERROR', ['web.demo.svc.clusterset.local']],
    ['an address of a cluster that is down', '5.1.103.10.in-addr.arpa', 'PTR', 'NXDOMAIN', []],
    ['A at a PTR name: NODATA', '5.1.102.10.in-addr.arpa', 'A', 'NOERROR', []],
    ['partial name leading to data', '102.10.in-addr.arpa', 'PTR', 'NOERROR', []],
    ['not an address', 'x.1.102.10.in-addr.arpa', 'PTR', 'NXDOMAIN', []],
    ['the apex NS (RFC 1034 section 4.2.1)', '10.in-addr.arpa', 'NS', 'NOERROR', ['ns.clusterset.local']],
    ['the apex ANY: SOA and NS', '10.in-addr.arpa', 'ANY', 'NOERROR', [expect.stringContaining('"serial":42'), 'ns.clusterset.local']],
    ['the apex A: NODATA', '10.in-addr.arpa', 'A', 'NOERROR', []],
  ])('%s', (_l, qname, qtype, rcode, expected) => {
    const a = reverse.answer(qname, qtype, from('nobody'));
    expect(a.rcode).toBe(rcode);
    expect(data(a.answers)).toEqual(expected);
  });
});
