// Propagation of cross-cluster service discovery on the local fleet: from a ServiceExport created
// in eu-west to its name answering from the us-east view, over N services (default 100).
//   npx tsx bench/dns/propagation.bench.ts [--services 100] [--burst]
// Baseline, measured in the same run: the same create seen through a plain watch on eu-west's
// API server (the floor any controller has to wait for). Services have no selector and carry a
// hand-written EndpointSlice, so the figures measure discovery rather than pod start-up.
// Queries are real UDP DNS queries from 127.0.13.1 (the us-east view) to Meridian's DNS server.

import dgram from 'node:dgram';
import { parseArgs } from 'node:util';
import dnsPacket from 'dns-packet';
import { MCS_API_VERSION } from '../../src/api/mcs.js';
import { Informer } from '../../src/kube/informer.js';
import type { KubeClient } from '../../src/kube/client.js';
import { createLogger } from '../../src/util/log.js';
import { sleep, waitFor } from '../../src/util/wait.js';
import { startDiscoveryStack } from '../../test/support/discovery-serve.js';
import { startTestFleet } from '../../test/support/fleet.js';

const { values } = parseArgs({ options: { services: { type: 'string', default: '100' }, burst: { type: 'boolean', default: false } } });
const count = Number(values.services);
const US_EAST = '127.0.13.1';

/** One A query over UDP from the us-east view; resolves with the answer count (0 on NXDOMAIN). */
function query(port: number, name: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    const timer = setTimeout(() => { socket.close(); reject(new Error(`no answer for ${name}`)); }, 1000);
    socket.on('message', (msg) => {
      clearTimeout(timer);
      socket.close();
      resolve(dnsPacket.decode(msg).answers?.length ?? 0);
    });
    socket.bind(0, US_EAST, () => socket.send(dnsPacket.encode({ type: 'query', id: 1, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'A', name }] }), port, '127.0.0.1'));
  });
}

async function prepare(eu: KubeClient, us: KubeClient, n: number): Promise<void> {
  for (const c of [eu, us]) await c.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } });
  const sliceVersion = await eu.discovery.pickVersion(['discovery.k8s.io/v1', 'discovery.k8s.io/v1beta1'], 'EndpointSlice');
  for (let i = 0; i < n; i++) {
    const name = `svc-${i}`;
    await eu.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'bench' }, spec: { ports: [{ name: 'http', port: 80, protocol: 'TCP' }] } });
    await eu.apply({
      apiVersion: sliceVersion, kind: 'EndpointSlice', metadata: { name: `${name}-1`, namespace: 'bench', labels: { 'kubernetes.io/service-name': name } },
      addressType: 'IPv4', ports: [{ name: 'http', port: 80, protocol: 'TCP' }], endpoints: [{ addresses: [`10.102.9.${(i % 250) + 1}`], conditions: { ready: true } }],
    });
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const fleet = await startTestFleet({ members: ['us-east', 'eu-west'], nodes: 1, portBase: 22200, ingressNet: 13, join: true });
try {
  const eu = await fleet.client('eu-west');
  const us = await fleet.client('us-east');
  const stack = await startDiscoveryStack(fleet.hub, { probeInterval: '2', dnsViews: `us-east=${US_EAST}/32` }, createLogger('warn'));
  await prepare(eu, us, count);
  await waitFor(() => stack.discovery.discovery.members().filter((m) => m.synced()).length === 2, { timeoutMs: 60_000, what: 'discovery set up in both members' });
  const watchSeen = new Map<string, number>();
  const watch = new Informer(eu, { apiVersion: MCS_API_VERSION, kind: 'ServiceExport', namespace: 'bench' }).start();
  watch.on('add', (o) => watchSeen.set(o.metadata?.name ?? '', performance.now()));
  await waitFor(() => watch.hasSynced(), { timeoutMs: 30_000, what: 'baseline watch' });
  // Breakdown: when a snapshot holding the name was published (the zone's setSnapshot, wrapped).
  const published = new Map<string, number>();
  const zone = stack.discovery.discovery.zone;
  const setSnapshot = zone.setSnapshot.bind(zone);
  zone.setSnapshot = (next) => {
    const now = performance.now();
    for (const key of next.services.keys()) if (!published.has(key) && (next.services.get(key)?.backends.length ?? 0) > 0) published.set(key, now);
    setSnapshot(next);
  };
  const created = new Map<string, number>();
  const answered = new Map<string, number>();
  const measure = async (name: string) => {
    const fqdn = `${name}.bench.svc.clusterset.local`;
    while ((await query(stack.dnsPort, fqdn)) === 0) await sleep(2);
    answered.set(name, performance.now());
  };
  const exportOne = async (i: number) => {
    const name = `svc-${i}`;
    created.set(name, performance.now());
    await eu.create({ apiVersion: MCS_API_VERSION, kind: 'ServiceExport', metadata: { name, namespace: 'bench' } });
    await measure(name);
  };
  const started = performance.now();
  if (values.burst) await Promise.all(Array.from({ length: count }, (_, i) => exportOne(i)));
  else for (let i = 0; i < count; i++) await exportOne(i);
  const wall = performance.now() - started;
  await waitFor(() => watchSeen.size >= count, { timeoutMs: 30_000, what: 'baseline watch events' });
  watch.stop();
  const dns = [...created].map(([n, t]) => answered.get(n)! - t).sort((a, b) => a - b);
  const pub = [...created].map(([n, t]) => published.get(`${n}.bench`)! - t).sort((a, b) => a - b);
  const base = [...created].map(([n, t]) => watchSeen.get(n)! - t).sort((a, b) => a - b);
  const fmt = (xs: number[]) => `p50 ${percentile(xs, 50).toFixed(1)} ms, p99 ${percentile(xs, 99).toFixed(1)} ms, max ${xs[xs.length - 1].toFixed(1)} ms`;
  console.log(`propagation over ${count} services (${values.burst ? 'all exported at once' : 'one after another'}; wall ${(wall / 1000).toFixed(1)} s; snapshot delay 10 ms; Kubernetes 1.20.2 local fleet)`);
  console.log(`  ServiceExport created -> A answer from the us-east view: ${fmt(dns)}`);
  console.log(`  of which: created -> snapshot with the name published:     ${fmt(pub)}`);
  console.log(`  baseline, same creates -> watch event on eu-west:        ${fmt(base)}`);
  console.log(`  discovery overhead over the watch floor: p50 ${(percentile(dns, 50) - percentile(base, 50)).toFixed(1)} ms, p99 ${(percentile(dns, 99) - percentile(base, 99)).toFixed(1)} ms`);
  await stack.stop();
} finally {
  await fleet.stop();
}
