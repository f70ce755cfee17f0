// Watch load that `meridian serve --shards` replicas put on the members, and what each replica costs:
//   npm run build && npx tsx bench/scale/shard-watches.bench.ts [--members 6] [--replicas 3] [--services 4]
//     [--window 30] [--port-base 41000] [--ingress-net 41]
// The local fleet with --members members, each running --services Deployments whose Services are
// exported (every member exports the same names, so each service has --members clusters). Then, one
// after another on the same fleet:
// 1. Baseline: one `meridian serve` (no --shards), which watches every member once. Before each
//    shard published its members, every `--shards` replica watched every member as this one does
//    (so N replicas cost N times its watches), and could not even set discovery up in members it
//    did not hold (the member fence refused its writes): there is no older build to run beside.
// 2. --replicas `serve --shards` replicas of this build.
// Each phase runs until every replica answers /api/v1/services for every service from every member,
// then --window seconds: the open WATCH requests on every member's API server beyond the fleet's own
// (apiserver_longrunning_gauge), each replica's RSS and CPU seconds, and the hub's ConfigMap writes
// in the window (the publications; zero at steady state).

import { spawn, type ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import { MCS_API_VERSION, memberDiscoveryCrdObjects } from '../../src/api/mcs.js';
import { applyCrds } from '../../src/clusters/install.js';
import type { KubeClient } from '../../src/kube/client.js';
import { formatTable } from '../../src/util/table.js';
import { sleep, waitFor } from '../../src/util/wait.js';
import { CLI } from '../../test/support/cli.js';
import { freePort } from '../../test/support/envtest.js';
import { startTestFleet, type TestFleet } from '../../test/support/fleet.js';
import { cpuSecondsOfTree, rssOfTree } from './memory.js';

const { values } = parseArgs({ options: {
  members: { type: 'string', default: '6' }, replicas: { type: 'string', default: '3' }, services: { type: 'string', default: '4' },
  window: { type: 'string', default: '30' }, 'port-base': { type: 'string', default: '41000' }, 'ingress-net': { type: 'string', default: '41' },
} });
const MEMBERS = Number(values.members);
const REPLICAS = Number(values.replicas);
const SERVICES = Array.from({ length: Number(values.services) }, (_, i) => `svc-${i}`);
const WINDOW_S = Number(values.window);

interface Replica { id: string; httpPort: number; child: ChildProcess; err: () => string }
interface Figures { phase: string; replicas: number; upS: number; watches: number[]; byResource: Map<string, number>; rssMiB: number[]; cpuS: number[]; hubCmWrites: number }

/** Open WATCH requests an API server counts now, by resource (1.20: apiserver_longrunning_gauge; later: apiserver_longrunning_requests). */
async function openWatches(client: KubeClient): Promise<Map<string, number>> {
  // A minute: at 24 members the two cores are saturated and /metrics is large.
  const { text } = await client.getText('/metrics', 60_000);
  const by = new Map<string, number>();
  for (const l of text.split('\n')) {
    if (!/^apiserver_longrunning_(gauge|requests)\{/.test(l) || !l.includes('verb="WATCH"')) continue;
    const resource = /resource="([^"]*)"/.exec(l)?.[1] ?? '?';
    by.set(resource, (by.get(resource) ?? 0) + Number(l.slice(l.lastIndexOf(' ') + 1)));
  }
  return by;
}

const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

/** Watches now beyond the fleet's own, summed over members, by resource. */
function beyond(now: Array<Map<string, number>>, base: Array<Map<string, number>>): Map<string, number> {
  const out = new Map<string, number>();
  now.forEach((m, i) => {
    for (const [r, n] of m) out.set(r, (out.get(r) ?? 0) + n - (base[i].get(r) ?? 0));
  });
  return out;
}

async function configMapWrites(hub: KubeClient): Promise<number> {
  const { text } = await hub.getText('/metrics', 60_000);
  return text.split('\n').filter((l) => l.startsWith('apiserver_request_total{') && l.includes('resource="configmaps"') && /verb="(APPLY|PATCH|POST|PUT)"/.test(l)).reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

async function startReplica(fleet: TestFleet, cli: string, id: string, shards: boolean): Promise<Replica> {
  const httpPort = await freePort();
  const args = [cli, 'serve', '--kubeconfig', fleet.kubeconfig, '--http-port', String(httpPort), '--dns-port', '0', '--log-level', 'warn', '--identity', id,
    ...(shards ? ['--shards', '--lease-duration', '15', '--renew-deadline', '10', '--retry-period', '2'] : ['--no-leader-elect'])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  return { id, httpPort, child, err: () => err };
}

async function stopReplica(r: Replica): Promise<void> {
  if (r.child.exitCode !== null || r.child.signalCode !== null) return;
  r.child.kill('SIGTERM');
  await Promise.race([new Promise((res) => r.child.once('exit', res)), sleep(15_000)]);
  if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
}

/** True when the replica lists every service with every member exporting it. */
async function whole(r: Replica, members: string[]): Promise<boolean> {
  if (r.child.exitCode !== null) throw new Error(`${r.id} exited ${r.child.exitCode}: ${r.err()}`);
  const res = await fetch(`http://127.0.0.1:${r.httpPort}/api/v1/services`).catch(() => undefined);
  if (!res?.ok) return false;
  const rows = await res.json() as Array<{ name: string; clusters: Array<{ cluster: string }> }>;
  return SERVICES.every((s) => members.every((m) => rows.find((x) => x.name === s)?.clusters.some((c) => c.cluster === m)));
}

/** The fleet, its member clients and the WATCH requests each member had open before any replica. */
interface Bed { fleet: TestFleet; clients: KubeClient[]; base: Array<Map<string, number>> }

async function phase({ fleet, clients, base }: Bed, name: string, replicas: number, shards: boolean): Promise<Figures> {
  console.error(`${name}: starting ${replicas} replica(s)`);
  const started = Date.now();
  const running = await Promise.all(Array.from({ length: replicas }, (_, i) => startReplica(fleet, CLI, `replica-${i}`, shards)));
  try {
    for (const r of running) await waitFor(() => whole(r, fleet.spec.clusters.filter((c) => c.name !== 'hub').map((c) => c.name)), { timeoutMs: 600_000, intervalMs: 1000, what: `${r.id} answering every service from every member`, onTimeout: () => r.err() });
    const upS = (Date.now() - started) / 1000;
    await sleep(5000); // hand-overs of a joining group settle
    const cpu0 = running.map((r) => cpuSecondsOfTree(r.child.pid as number));
    const writes0 = await configMapWrites(fleet.hub);
    await sleep(WINDOW_S * 1000);
    const now = await Promise.all(clients.map(openWatches));
    const watches = now.map((w, i) => total(w) - total(base[i]));
    return {
      phase: name, replicas, upS, watches, byResource: beyond(now, base), hubCmWrites: (await configMapWrites(fleet.hub)) - writes0,
      rssMiB: running.map((r) => rssOfTree(r.child.pid as number)), cpuS: running.map((r, i) => cpuSecondsOfTree(r.child.pid as number) - cpu0[i]),
    };
  } finally {
    await Promise.all(running.map(stopReplica));
    await sleep(3000); // the members close the replicas' watches
  }
}

async function workload(client: KubeClient): Promise<void> {
  await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } });
  for (const s of SERVICES) {
    await client.apply({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: s, namespace: 'demo' }, spec: { replicas: 2, selector: { matchLabels: { app: s } }, template: { metadata: { labels: { app: s } }, spec: { containers: [{ name: s, image: 'nginx:1.25' }] } } } });
    await client.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: s, namespace: 'demo' }, spec: { selector: { app: s }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] } });
    await client.apply({ apiVersion: MCS_API_VERSION, kind: 'ServiceExport', metadata: { name: s, namespace: 'demo' } });
  }
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const fleet = await startTestFleet({ members: MEMBERS, nodes: 1, portBase: Number(values['port-base']), ingressNet: Number(values['ingress-net']), join: true, upTimeoutMs: 900_000 });
const results: Figures[] = [];
try {
  const names = fleet.spec.clusters.filter((c) => c.name !== 'hub').map((c) => c.name);
  const clients = await Promise.all(names.map((n) => fleet.client(n)));
  await sleep(10_000); // the fleet's own watches open
  const base = await Promise.all(clients.map(openWatches));
  for (const c of clients) {
    await applyCrds(c, memberDiscoveryCrdObjects()); // what serve's discovery would install first
    await workload(c);
  }
  const bed = { fleet, clients, base };
  results.push(await phase(bed, 'one replica, no --shards (baseline)', 1, false));
  results.push(await phase(bed, `${REPLICAS} replicas --shards, this build`, REPLICAS, true));
} finally {
  await fleet.stop();
}

console.log(`\nmeridian serve replicas on ${MEMBERS} members x ${SERVICES.length} exported services each (window ${WINDOW_S} s)\n`);
console.log(formatTable(['phase', 'replicas', 'whole after', 'member watches (sum)', 'per member', 'RSS per replica (MiB)', 'CPU s per replica in window', 'hub ConfigMap writes in window'], results.map((r) => [
  r.phase, String(r.replicas), `${r.upS.toFixed(1)} s`, String(r.watches.reduce((a, b) => a + b, 0)), mean(r.watches).toFixed(1),
  r.rssMiB.map((x) => x.toFixed(0)).join(' / '), r.cpuS.map((x) => x.toFixed(2)).join(' / '), String(r.hubCmWrites),
])));
console.log('\nmember watches by resource (summed over the members, beyond the fleet\'s own):');
for (const r of results) console.log(`  ${r.phase}: ${[...r.byResource].filter(([, n]) => n !== 0).sort(([a], [b]) => a.localeCompare(b)).map(([res, n]) => `${res} ${n}`).join(', ')}`);
