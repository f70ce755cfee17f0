import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import http from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DnsServer } from '../../src/dns/server.js';
import { TrafficEngine, type ServiceInput } from '../../src/traffic/engine.js';
import { GslbZone } from '../../src/traffic/zone.js';
import { silentLogger } from '../../src/util/log.js';
import { waitFor } from '../../src/util/wait.js';
import { freePort } from '../support/envtest.js';

const run = promisify(execFile);
const ORIGIN = 'global.example.test';
const REGIONS = [
  { cluster: 'us-east', address: '127.0.13.1' },
  { cluster: 'eu-west', address: '127.0.13.2' },
  { cluster: 'ap-south', address: '127.0.13.3' },
];

/** A region ingress stand-in on its own loopback address: 200 with the region header until it is taken down. */
class Region {
  server: http.Server | undefined;
  constructor(readonly cluster: string, readonly address: string, readonly port: number) {}
  async up(): Promise<void> {
    this.server = http.createServer((req, res) => res.writeHead(req.headers.host?.startsWith('web.') ? 200 : 404, { 'x-meridian-region': this.cluster }).end());
    await new Promise<void>((r) => this.server?.listen(this.port, this.address, r));
  }
  async down(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }
}

describe('GSLB zone served by Meridian\'s DNS server, queried with dig', () => {
  let dns: DnsServer;
  let port: number;
  let engine: TrafficEngine;
  let regions: Region[];
  const zone = new GslbZone(ORIGIN, { nameservers: [{ name: `ns1.${ORIGIN}`, addresses: ['127.0.0.1'] }] });
  const tmp = mkdtempSync(join(tmpdir(), 'meridian-dig-'));

  // dig runs asynchronously: the DNS server answers from this very process.
  async function digRaw(args: string[]): Promise<string> {
    const { stdout } = await run('dig', ['@127.0.0.1', '-p', String(port), '+time=2', '+tries=1', ...args], { maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  }
  async function dig(name: string, ...extra: string[]): Promise<string[]> {
    return (await digRaw(['+short', ...extra, name])).split('\n').filter(Boolean);
  }

  /** Sends n queries from one dig process (batch mode) and counts the answers. */
  async function digMany(name: string, n: number): Promise<Record<string, number>> {
    const file = join(tmp, `${name}.batch`);
    writeFileSync(file, `${name} A\n`.repeat(n));
    const counts: Record<string, number> = {};
    for (const line of (await digRaw(['+short', '-f', file])).split('\n').filter(Boolean)) counts[line] = (counts[line] ?? 0) + 1;
    return counts;
  }

  function service(hostname: string, policy: ServiceInput['policy']): ServiceInput {
    return {
      hostnames: [hostname], ttl: 5, failClosed: false, policy,
      healthCheck: { protocol: 'http', path: '/healthz', host: `web.${ORIGIN}`, intervalSeconds: 0.2, timeoutSeconds: 0.5, failureThreshold: 2, successThreshold: 1 },
      backends: regions.map((r) => ({ cluster: r.cluster, region: r.cluster, address: r.address, port: r.port })),
    };
  }

  beforeAll(async () => {
    const ingressPort = await freePort();
    regions = REGIONS.map((r) => new Region(r.cluster, r.address, ingressPort));
    await Promise.all(regions.map((r) => r.up()));
    engine = new TrafficEngine({ zones: [zone], log: silentLogger });
    dns = new DnsServer({ zones: [zone] });
    port = (await dns.start()).port;
  });
  afterAll(async () => {
    engine?.stop();
    await dns?.stop();
    await Promise.all((regions ?? []).map((r) => r.down().catch(() => undefined)));
    rmSync(tmp, { recursive: true, force: true });
  });

  it('failover: dig moves to the next region when the primary dies, the SOA serial bumps, and it fails back', async () => {
    engine.apply('default/web', service(`web.${ORIGIN}`, { type: 'failover', order: ['us-east', 'eu-west', 'ap-south'] }));
    expect(await dig(`web.${ORIGIN}`)).toEqual(['127.0.13.1']);
    const serialBefore = Number((await dig(ORIGIN, 'SOA'))[0].split(' ')[2]);
    await regions[0].down();
    await waitFor(async () => (await dig(`web.${ORIGIN}`)).join() === '127.0.13.2', { timeoutMs: 5000, intervalMs: 100, what: 'answer to move to eu-west', onTimeout: (_last, err) => `last error ${String(err)}` });
    expect(Number((await dig(ORIGIN, 'SOA'))[0].split(' ')[2])).toBeGreaterThan(serialBefore);
    expect(engine.health('default/web').find((h) => h.backend.cluster === 'us-east')?.state).toMatchObject({ health: 'Unhealthy', reason: 'ConnectionFailed' });
    await regions[0].up();
    await waitFor(async () => (await dig(`web.${ORIGIN}`)).join() === '127.0.13.1', { timeoutMs: 5000, intervalMs: 100, what: 'fail back to us-east', onTimeout: (_last, err) => `last error ${String(err)}` });
    expect(await dig(ORIGIN, 'NS')).toEqual([`ns1.${ORIGIN}.`]);
    expect(await digRaw([`nope.${ORIGIN}`])).toMatch(/status: NXDOMAIN/);
  });

  it('weighted: 10,000 dig queries split 50/30/20 within a few percent', async () => {
    engine.apply('default/shop', service(`shop.${ORIGIN}`, { type: 'weighted', weights: { 'us-east': 50, 'eu-west': 30, 'ap-south': 20 } }));
    const counts = await digMany(`shop.${ORIGIN}`, 10_000);
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    expect(total).toBe(10_000);
    expect(counts['127.0.13.1'] / total).toBeCloseTo(0.5, 1);
    expect(Math.abs(counts['127.0.13.1'] / total - 0.5)).toBeLessThan(0.02);
    expect(Math.abs(counts['127.0.13.2'] / total - 0.3)).toBeLessThan(0.02);
    expect(Math.abs(counts['127.0.13.3'] / total - 0.2)).toBeLessThan(0.02);
  });

  it('geo: dig +subnet= gets the region its client network maps to', async () => {
    engine.apply('default/geo', service(`geo.${ORIGIN}`, { type: 'geo', geo: { rules: [
      { cidrs: ['198.51.100.0/24'], regions: ['eu-west'] }, { cidrs: ['203.0.113.0/24'], regions: ['ap-south'] },
    ], defaultRegions: ['us-east'] } }));
    expect(await dig(`geo.${ORIGIN}`, '+subnet=198.51.100.0/24')).toEqual(['127.0.13.2']);
    expect(await dig(`geo.${ORIGIN}`, '+subnet=203.0.113.0/24')).toEqual(['127.0.13.3']);
    expect(await dig(`geo.${ORIGIN}`, '+subnet=192.0.2.0/24')).toEqual(['127.0.13.1']);
    expect(await dig(`geo.${ORIGIN}`)).toEqual(['127.0.13.1']);
    const full = await digRaw(['+subnet=198.51.100.0/24', `geo.${ORIGIN}`]);
    expect(full).toMatch(/CLIENT-SUBNET: 198\.51\.100\.0\/24\/24/);
  });

  it('latency and round robin answer as their tables say', async () => {
    engine.apply('default/fast', service(`fast.${ORIGIN}`, { type: 'latency', latency: { networks: [{ cidrs: ['203.0.113.0/24'], rttMs: { 'us-east': 210, 'eu-west': 140, 'ap-south': 25 } }] } }));
    expect(await dig(`fast.${ORIGIN}`, '+subnet=203.0.113.0/24')).toEqual(['127.0.13.3']);
    engine.apply('default/rr', service(`rr.${ORIGIN}`, { type: 'roundRobin' }));
    const first = await dig(`rr.${ORIGIN}`);
    expect([...first].sort()).toEqual(['127.0.13.1', '127.0.13.2', '127.0.13.3']);
    expect((await dig(`rr.${ORIGIN}`))[0]).not.toBe(first[0]);
  });
});
