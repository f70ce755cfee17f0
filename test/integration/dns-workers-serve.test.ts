import dgram from 'node:dgram';
import dnsPacket from 'dns-packet';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscoverySnapshot, DnsService } from '../../src/discovery/dns-snapshot.js';
import { ClustersetReverseZone } from '../../src/discovery/reverse-zone.js';
import { ClusterViews } from '../../src/discovery/views.js';
import { ClustersetZone } from '../../src/discovery/zone.js';
import { registerClustersetZones } from '../../src/dns/portable.js';
import { ServeDns } from '../../src/dns/serve-dns.js';
import { GslbZone } from '../../src/traffic/zone.js';
import { silentLogger } from '../../src/util/log.js';
import { waitFor } from '../../src/util/wait.js';

// What `meridian serve` runs for DNS (src/dns/serve-dns.ts), twice over the same zone objects: one
// thread in this process, and two worker processes fed with the zones as plain data. Queries come
// from loopback sources that the views map to clusters, so split-horizon answers are checked, byte
// for byte against the single-thread server, before and after a change.

const SOURCES = { 'us-east': '127.0.36.1', 'eu-west': '127.0.36.2', 'ap-south': '127.0.36.3' } as const;
const WEB = 'web.demo.svc.clusterset.local';

function service(euAddress: string): DnsService {
  const backend = (cluster: string, ip: string) => ({ cluster, weight: 1, addresses: [ip], endpoints: [{ hostname: ip.replace(/\./g, '-'), addresses: [ip] }] });
  return {
    namespace: 'demo', name: 'web', type: 'ClusterSetIP', clusterSetIps: [], ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
    backends: [backend('us-east', '10.1.0.1'), backend('eu-west', euAddress), backend('ap-south', '10.3.0.1')],
    exporters: ['ap-south', 'eu-west', 'us-east'], affinityByCluster: { 'us-east': 'local', 'eu-west': 'local', 'ap-south': 'local' }, defaultAffinity: 'none',
  };
}

function snapshot(serial: number, euAddress: string): DiscoverySnapshot {
  const svc = service(euAddress);
  const reverse = new Map(svc.backends.flatMap((b) => b.addresses.map((ip): [string, string] => [ip, `${b.cluster}.${WEB}`])));
  return { serial, ttl: 5, services: new Map([['web.demo', svc]]), namespaces: new Set(['demo']), reverse };
}

/** The questions compared between the two servers: every kind of name the zones answer, with and without EDNS/ECS. */
function questions(): Buffer[] {
  const q = (name: string, type: string, ecs?: string) => dnsPacket.encode({
    type: 'query', id: 0, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: type as 'A', name }],
    additionals: ecs ? [{ type: 'OPT', name: '.', udpPayloadSize: 1232, options: [{ code: 8, family: 1, sourcePrefixLength: 32, scopePrefixLength: 0, ip: ecs }] } as dnsPacket.Answer] : [],
  });
  return [
    q(WEB, 'A'), q(WEB, 'AAAA'), q(WEB, 'ANY'), q(`_http._tcp.${WEB}`, 'SRV'), q(`us-east.${WEB}`, 'A'), q(`eu-west.${WEB}`, 'A'),
    q('missing.demo.svc.clusterset.local', 'A'), q('demo.svc.clusterset.local', 'A'), q('clusterset.local', 'SOA'), q('clusterset.local', 'NS'),
    q('dns-version.clusterset.local', 'TXT'), q('1.0.1.10.in-addr.arpa', 'PTR'), q('9.9.9.10.in-addr.arpa', 'PTR'), q('example.com', 'A'),
    q('www.global.example.test', 'A'), q('global.example.test', 'NS'), q(WEB, 'A', SOURCES['eu-west']), q(WEB, 'A', '192.0.2.1'),
  ];
}

/** Sends one query from `source` and returns the reply with its ID cleared. */
async function ask(port: number, source: string, query: Buffer): Promise<Buffer> {
  const socket = dgram.createSocket('udp4');
  try {
    await new Promise<void>((resolve) => socket.bind(0, source, resolve));
    const id = Math.floor(Math.random() * 0xffff);
    const packet = Buffer.from(query);
    packet.writeUInt16BE(id, 0);
    return await new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply from port ${port} to ${source}`)), 5000);
      socket.on('message', (msg) => {
        if (msg.readUInt16BE(0) !== id) return;
        clearTimeout(timer);
        msg.writeUInt16BE(0, 0);
        resolve(msg);
      });
      socket.send(packet, port, '127.0.0.1');
    });
  } finally {
    socket.close();
  }
}

const addressesOf = (reply: Buffer) => (dnsPacket.decode(reply).answers ?? []).flatMap((a) => (a.type === 'A' ? [a.data] : [])).sort().join(',');

describe('serve DNS in worker processes: views as plain data, same answers as one thread', () => {
  const views = new ClusterViews({ cidrs: { 'us-east': [`${SOURCES['us-east']}/32`], 'eu-west': [`${SOURCES['eu-west']}/32`] } });
  const zone = new ClustersetZone({ views, ttl: 5, nameserverAddresses: ['127.0.0.1'] });
  const reverse = new ClustersetReverseZone(() => zone.snapshot());
  const gslb = new GslbZone('global.example.test', { nameservers: [{ name: 'ns1.global.example.test', addresses: ['127.0.0.1'] }] });
  registerClustersetZones(zone, reverse, { ttl: 5, nameserverAddresses: ['127.0.0.1'], clusterSetIpAnswers: false }, views);
  zone.setSnapshot(snapshot(2, '10.2.0.1'));
  const metrics = new Registry();
  const single = new ServeDns({ listeners: [{ address: '127.0.0.1', port: 36531 }], workers: 0, metrics: new Registry(), tap: (z) => z, log: silentLogger });
  const pooled = new ServeDns({ listeners: [{ address: '127.0.0.1', port: 36532 }], workers: 2, metrics, tap: (z) => z, log: silentLogger });

  beforeAll(async () => {
    for (const dns of [single, pooled]) for (const z of [zone, reverse, gslb]) dns.addZone(z);
    await single.start();
    await pooled.start();
  });
  afterAll(async () => {
    await pooled.stop();
    await single.stop();
  });

  /** Asks from `source` in bursts until every worker has answered since `before`; returns the distinct answers. */
  async function fromEveryWorker(source: string, query: Buffer): Promise<Set<string>> {
    const pool = pooled.workerPool!;
    const before = await pool.workerStats();
    const seen = new Set<string>();
    let stats = before;
    await waitFor(async () => {
      for (const reply of await Promise.all(Array.from({ length: 20 }, () => ask(36532, source, query)))) seen.add(addressesOf(reply));
      stats = await pool.workerStats();
      return stats.length === 2 && stats.every((s) => s.queries > (before.find((b) => b.pid === s.pid)?.queries ?? 0));
    }, { timeoutMs: 60_000, intervalMs: 10, what: 'every DNS worker to answer', onTimeout: () => JSON.stringify(stats) });
    return seen;
  }

  it('answers every question exactly as the single-thread server does, per view', async () => {
    for (const source of Object.values(SOURCES)) {
      for (const query of questions()) {
        const [one, many] = await Promise.all([ask(36531, source, query), ask(36532, source, query)]);
        expect(many.toString('hex'), `${source} ${dnsPacket.decode(query).questions?.[0]?.name}`).toBe(one.toString('hex'));
      }
    }
    const a = dnsPacket.encode({ type: 'query', id: 0, questions: [{ type: 'A', name: WEB }] });
    expect(await fromEveryWorker(SOURCES['us-east'], a)).toEqual(new Set(['10.1.0.1']));
    expect(await fromEveryWorker(SOURCES['eu-west'], a)).toEqual(new Set(['10.2.0.1']));
    expect(await fromEveryWorker(SOURCES['ap-south'], a)).toEqual(new Set(['10.1.0.1,10.2.0.1,10.3.0.1']));
  });

  it('a new snapshot and new member networks reach every worker', async () => {
    const pool = pooled.workerPool!;
    const version = pool.currentVersion;
    zone.setSnapshot(snapshot(3, '10.2.0.9'));
    views.setClusterNetworks({ 'ap-south': [`${SOURCES['ap-south']}/32`] });
    // Both changes land in one tick, so they go out as one version; once every worker acknowledged
    // it, none may answer from the old snapshot or the old views.
    await waitFor(async () => pool.currentVersion > version && (await pool.workerStats()).every((s) => s.version === pool.currentVersion), { timeoutMs: 30_000, what: 'every worker to take the change' });
    const a = dnsPacket.encode({ type: 'query', id: 0, questions: [{ type: 'A', name: WEB }] });
    expect(await fromEveryWorker(SOURCES['eu-west'], a)).toEqual(new Set(['10.2.0.9']));
    expect(await fromEveryWorker(SOURCES['ap-south'], a)).toEqual(new Set(['10.3.0.1']));
    for (const query of questions()) {
      const [one, many] = await Promise.all([ask(36531, SOURCES['ap-south'], query), ask(36532, SOURCES['ap-south'], query)]);
      expect(many.toString('hex')).toBe(one.toString('hex'));
    }
  });

  it('replaces a worker that dies, at the current version, and sums the workers\' metrics', async () => {
    const pool = pooled.workerPool!;
    const [victim] = await pool.workerStats();
    process.kill(victim!.pid, 'SIGKILL');
    let stats = await pool.workerStats().catch(() => []);
    await waitFor(async () => {
      stats = await pool.workerStats().catch(() => []);
      return stats.length === 2 && !stats.some((s) => s.pid === victim!.pid) && stats.every((s) => s.version === pool.currentVersion);
    }, { timeoutMs: 60_000, intervalMs: 200, what: 'a replacement worker', onTimeout: () => JSON.stringify(stats) });
    const a = dnsPacket.encode({ type: 'query', id: 0, questions: [{ type: 'A', name: WEB }] });
    expect(await fromEveryWorker(SOURCES['us-east'], a)).toEqual(new Set(['10.1.0.1']));
    const total = (await pool.workerStats()).reduce((n, s) => n + s.queries, 0);
    const text = await metrics.metrics();
    const counted = [...text.matchAll(/^meridian_dns_queries_total\{[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
    expect(counted).toBe(total);
    expect(text).toMatch(/^meridian_dns_workers 2$/m);
  });
});
