// The zones the BIND differential test serves from both servers: clusterset.local as a static
// snapshot in the shape discovery publishes (ClusterIP and headless services exported by several
// clusters, SRV per named port, per-cluster and per-endpoint names), the zones `meridian serve`
// answers from discovery's own snapshot (clusterset.test here, and 10.in-addr.arpa), and a GSLB
// zone. Each comes with the master file BIND loads; for the zones that compute their answers the
// file is taken from their own answers, so both servers hold the same data by construction.

import type { ServicePort } from '../../src/api/mcs.js';
import { resolveService } from '../../src/discovery/conflicts.js';
import { buildDnsSnapshot } from '../../src/discovery/dns-snapshot.js';
import type { ClusterExport } from '../../src/discovery/model.js';
import { ClustersetReverseZone } from '../../src/discovery/reverse-zone.js';
import { ClustersetZone } from '../../src/discovery/zone.js';
import { ZoneSnapshot, type ZoneSnapshotInput } from '../../src/dns/snapshot.js';
import type { DnsRecord, QueryContext, ZoneAuthority } from '../../src/dns/types.js';
import { renderZoneFile } from '../../src/dns/zonefile.js';
import { compileHost } from '../../src/traffic/snapshot.js';
import { GslbZone } from '../../src/traffic/zone.js';
import type { ReferenceZone } from './bind-reference.js';
import { exportOf } from './discovery.js';

/** The MCS zone. */
export const CLUSTERSET = 'clusterset.local';
/** The GSLB zone. */
export const GLOBAL = 'global.example.test';
const TTL = 5;
const CLUSTERS = ['east', 'west', 'central'];

/** clusterset.local with its apex as discovery writes it (ns.<origin>, hostmaster, minimum = TTL). */
export function clustersetInput(): ZoneSnapshotInput {
  const records: DnsRecord[] = [
    { name: `ns.${CLUSTERSET}`, type: 'A', ttl: TTL, data: '10.0.0.53' },
    { name: `ns.${CLUSTERSET}`, type: 'AAAA', ttl: TTL, data: 'fd00::53' },
    { name: `dns-version.${CLUSTERSET}`, type: 'TXT', ttl: TTL, data: ['1.0.0'] },
    ...clusterIpService('web', 'prod', [['http', 80], ['https', 443]], (i) => [`10.${i + 1}.0.10`]),
    ...clusterIpService('api', 'prod', [['grpc', 9090]], (i) => (i === 0 ? ['10.1.0.20', 'fd00:1::20'] : [])),
    ...headlessService('db', 'data', 'postgres', 5432, [['east', 3], ['west', 3]]),
    // Unnamed endpoints (hostnames from their addresses): 60 of them answer in 1232 bytes only.
    ...headlessService('big', 'data', 'tcp-port', 7000, [['east', 30], ['west', 30]]),
    { name: `txt.${CLUSTERSET}`, type: 'TXT', ttl: TTL, data: ['hello world', 'a "quoted" \\ string'] },
    { name: `alias.${CLUSTERSET}`, type: 'CNAME', ttl: TTL, data: `web.prod.svc.${CLUSTERSET}` },
    { name: `out.${CLUSTERSET}`, type: 'CNAME', ttl: TTL, data: 'www.example.com' },
    { name: `dangling.${CLUSTERSET}`, type: 'CNAME', ttl: TTL, data: `nothere.${CLUSTERSET}` },
    { name: `toobig.${CLUSTERSET}`, type: 'CNAME', ttl: TTL, data: `n74.sizes.${CLUSTERSET}` },
    { name: `loop1.${CLUSTERSET}`, type: 'CNAME', ttl: TTL, data: `loop2.${CLUSTERSET}` },
    { name: `loop2.${CLUSTERSET}`, type: 'CNAME', ttl: TTL, data: `loop1.${CLUSTERSET}` },
    { name: `cross.${CLUSTERSET}`, type: 'CNAME', ttl: TTL, data: 'www.global.example.test' },
    ...Array.from({ length: 12 }, (_, i): DnsRecord => ({ name: `c${i}.chain.${CLUSTERSET}`, type: 'CNAME', ttl: TTL, data: i === 11 ? `web.prod.svc.${CLUSTERSET}` : `c${i + 1}.chain.${CLUSTERSET}` })),
  ];
  // RRsets sized around the UDP limits: 29 A records fit 512 bytes without EDNS, 28 with an OPT
  // record, 73 fit 1232 bytes.
  for (const n of [28, 29, 30, 73, 74]) {
    for (let i = 0; i < n; i++) records.push({ name: `n${n}.sizes.${CLUSTERSET}`, type: 'A', ttl: TTL, data: `10.9.${n}.${i}` });
  }
  return {
    origin: CLUSTERSET, apexTtl: 30, nameservers: [`ns.${CLUSTERSET}`], records,
    soa: { mname: `ns.${CLUSTERSET}`, rname: `hostmaster.${CLUSTERSET}`, serial: 7, refresh: 60, retry: 10, expire: 3600, minimum: TTL },
  };
}

/** A ClusterSetIP service: one ClusterIP per exporting cluster, `<cluster>.<svc>` names, SRV per port. */
function clusterIpService(name: string, ns: string, ports: Array<[string, number]>, addresses: (cluster: number) => string[]): DnsRecord[] {
  const base = `${name}.${ns}.svc.${CLUSTERSET}`;
  const out: DnsRecord[] = [];
  CLUSTERS.forEach((cluster, i) => {
    for (const ip of addresses(i)) {
      const type = ip.includes(':') ? 'AAAA' : 'A';
      out.push({ name: base, type, ttl: TTL, data: ip }, { name: `${cluster}.${base}`, type, ttl: TTL, data: ip });
    }
  });
  for (const [port, number] of ports) out.push({ name: `_${port}._tcp.${base}`, type: 'SRV', ttl: TTL, data: { priority: 0, weight: 100, port: number, target: base } });
  return out;
}

/** A headless service: endpoint names, the service and per-cluster names, SRV priority 0 then 10. */
function headlessService(name: string, ns: string, port: string, number: number, clusters: Array<[string, number]>): DnsRecord[] {
  const base = `${name}.${ns}.svc.${CLUSTERSET}`;
  const out: DnsRecord[] = [];
  clusters.forEach(([cluster, endpoints], c) => {
    for (let e = 0; e < endpoints; e++) {
      const ip = `10.${c + 1}.${number % 250}.${e + 1}`;
      const host = `${name === 'db' ? `${name}-${e}` : ip.replace(/\./g, '-')}.${cluster}.${base}`;
      out.push({ name: host, type: 'A', ttl: TTL, data: ip }, { name: base, type: 'A', ttl: TTL, data: ip }, { name: `${cluster}.${base}`, type: 'A', ttl: TTL, data: ip });
      out.push({ name: `_${port}._tcp.${base}`, type: 'SRV', ttl: TTL, data: { priority: c === 0 ? 0 : 10, weight: 1, port: number, target: host } });
    }
  });
  return out;
}

/** The origin of the zone discovery serves in the test (clusterset.local is the static one's). */
export const DISCOVERY = 'clusterset.test';

/**
 * clusterset.test served the way `meridian serve` serves clusterset.local: a ClustersetZone over a
 * discovery snapshot (a ClusterSetIP service of two clusters with two named ports, a headless one
 * with named and unnamed endpoints), with the names it holds. Every exporter has ready endpoints
 * and equal weights, so the answers are those of a static zone (no rotation, no empty names).
 */
export function discoveryZone(): { zone: ClustersetZone; names: string[]; reverse: ClustersetReverseZone; ptrNames: string[] } {
  const ports: ServicePort[] = [{ name: 'http', protocol: 'TCP', port: 80 }, { name: 'metrics', protocol: 'TCP', port: 9090 }, { name: 'dns', protocol: 'UDP', port: 53 }];
  const web = [exportOf('east', {}, { clusterIPs: ['10.201.0.10'], ports }), exportOf('west', { exportedAt: '2024-01-02T00:00:00Z' }, { clusterIPs: ['10.202.0.10'], ports })];
  const db = [exportOf('east', { endpoints: [{ addresses: ['10.101.1.5'], ready: true, hostname: 'db-0' }, { addresses: ['10.101.2.5'], ready: true }] }, { type: 'Headless', clusterIPs: [] })];
  const input = (name: string, exports: ClusterExport[]) => ({ namespace: 'demo', name, resolved: resolveService({ namespace: 'demo', name, exports }), exporters: exports.map((e) => e.cluster), affinityByCluster: {} });
  const zone = new ClustersetZone({ origin: DISCOVERY, nameserverAddresses: ['10.0.0.53'] });
  const snapshot = buildDnsSnapshot([input('web', web), input('db', db)], TTL, 9, DISCOVERY);
  zone.setSnapshot(snapshot);
  const names = [`ns.${DISCOVERY}`, `dns-version.${DISCOVERY}`];
  for (const svc of snapshot.services.values()) {
    const base = `${svc.name}.${svc.namespace}.svc.${DISCOVERY}`;
    names.push(base, ...svc.exporters.map((c) => `${c}.${base}`), ...svc.ports.filter((p) => p.name).map((p) => `_${p.name}._${p.protocol.toLowerCase()}.${base}`));
    for (const b of svc.type === 'Headless' ? svc.backends : []) names.push(...b.endpoints.map((e) => `${e.hostname}.${b.cluster}.${base}`));
  }
  const reverse = new ClustersetReverseZone(() => zone.snapshot());
  const ptrNames = [...snapshot.reverse.keys()].map((ip) => `${ip.split('.').reverse().join('.')}.in-addr.arpa`);
  return { zone, names, reverse, ptrNames };
}

/** The GSLB zone: round-robin hosts (every healthy backend in each answer) and in-zone name servers. */
export function globalZone(): GslbZone {
  const backend = (cluster: string, address: string) => ({ cluster, region: cluster, address, healthy: true });
  const host = (hostname: string, backends: ReturnType<typeof backend>[]) => [hostname, compileHost({ hostname, ttl: 30, failClosed: false, policy: { type: 'roundRobin' }, backends })] as const;
  return new GslbZone(GLOBAL, {
    serial: 2026120301, soaTtl: 60, hostmaster: `hostmaster.${GLOBAL}`,
    nameservers: [{ name: `ns1.${GLOBAL}`, addresses: ['192.0.2.53'] }, { name: `ns2.${GLOBAL}`, addresses: ['192.0.2.54', '2001:db8::54'] }],
    hosts: new Map([
      host(`www.${GLOBAL}`, [backend('east', '198.51.100.1'), backend('west', '198.51.100.2'), backend('west', '2001:db8:1::2')]),
      host(`api.eu.${GLOBAL}`, [backend('west', '198.51.100.3')]),
    ]),
  });
}

const NO_CLIENT: QueryContext = { clientAddress: '127.0.0.1', clientPort: 0, localAddress: '127.0.0.1', localPort: 53, transport: 'tcp' };

/** A zone's data as its own answers give it: SOA and NS at the apex, their glue, each name's records. */
export function zoneInputFromAnswers(zone: ZoneAuthority, names: string[]): ZoneSnapshotInput {
  const apex = (type: string) => zone.answer(zone.origin, type, NO_CLIENT);
  const soa = apex('SOA').answers.find((r) => r.type === 'SOA');
  if (soa?.type !== 'SOA') throw new Error(`${zone.origin} answers no SOA`);
  const ns = apex('NS');
  const records = [...ns.answers, ...(ns.additionals ?? []), ...names.flatMap((n) => zone.answer(n, 'ANY', NO_CLIENT).answers)].filter((r) => r.name !== zone.origin || (r.type !== 'NS' && r.type !== 'SOA'));
  return { origin: zone.origin, soa: soa.data, apexTtl: soa.ttl, nameservers: ns.answers.flatMap((r) => (r.type === 'NS' ? [r.data] : [])), records };
}

/** The master file BIND loads for a snapshot input. */
export function referenceZone(input: ZoneSnapshotInput): ReferenceZone {
  return { origin: input.origin, text: renderZoneFile(new ZoneSnapshot(input)) };
}
