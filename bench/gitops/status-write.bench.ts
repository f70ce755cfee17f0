// What one Application status write costs the hub's API server, and why:
//   npx tsx bench/gitops/status-write.bench.ts [--apps 60] [--rounds 5] [--watchers 2] [--profile FILE]
// Starts its own etcd + kube-apiserver (profiling on), creates N Applications with the status a
// synced Application of the fleet bench carries, then writes a commit's status change to all of them
// at once, round after round, in several shapes: the controller's merge patch (every status field,
// as mergePatchFor sends it), a patch of only what changed, and the same with watchers of
// Applications. Prints the API server's CPU milliseconds per write (/proc/PID/stat) for each shape.
// --profile FILE also takes a 10 s CPU profile of the API server while the controller's patches run
// (`go tool pprof -top FILE`).

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Application, ApplicationStatus } from '../../src/api/application.js';
import { API_VERSION } from '../../src/api/schema.js';
import { hubCrdObjects } from '../../src/api/crds.js';
import { applyCrds, ensureNamespace, SYSTEM_NAMESPACE } from '../../src/clusters/install.js';
import { locateBinaries } from '../../src/fleet/binaries.js';
import { apiserverSpec, etcdSpec } from '../../src/fleet/components.js';
import { clusterPaths, layoutFleet } from '../../src/fleet/layout.js';
import { prepareCluster } from '../../src/fleet/prepare.js';
import { mergePatchFor } from '../../src/gitops/controller/status.js';
import { canonical } from '../../src/gitops/sync/project.js';
import { KubeClient } from '../../src/kube/client.js';
import { Informer } from '../../src/kube/informer.js';
import { waitFor } from '../../src/util/wait.js';
import { freePort } from '../../test/support/envtest.js';
import { cpuTicks } from '../scale/memory.js';

const { values } = parseArgs({ options: {
  apps: { type: 'string', default: '60' }, rounds: { type: 'string', default: '5' }, watchers: { type: 'string', default: '2' }, profile: { type: 'string' }, dump: { type: 'boolean', default: false },
} });
const APPS = Number(values.apps);
const ROUNDS = Number(values.rounds);
const WATCHERS = Number(values.watchers);

/** The status a synced Application of the fleet bench carries at a revision (4 resources). */
function syncedStatus(name: string, rev: string, round: number): ApplicationStatus {
  const h = (s: string) => (s + rev).repeat(4).slice(0, 16);
  const objs = [['', 'v1', 'Namespace', '', name], ['', 'v1', 'ConfigMap', name, `${name}-config`], ['apps', 'v1', 'Deployment', name, name], ['', 'v1', 'Service', name, name]];
  const at = new Date(Date.UTC(2026, 11, 3, 9, 0, round)).toISOString();
  return {
    sync: { status: 'Synced', revision: rev },
    health: round % 2 ? { status: 'Progressing', message: `Deployment ${name}: 1 of 2 updated replicas are available` } : { status: 'Healthy' },
    resources: objs.map(([group, version, kind, namespace, n]) => ({ ...(group ? { group } : {}), version, kind, ...(namespace ? { namespace } : {}), name: n, status: 'Synced' as const, health: 'Healthy' })),
    conditions: [
      { type: 'Reconciled', status: 'True', reason: 'Succeeded', message: '2 applied, 0 pruned', lastTransitionTime: '2026-12-03T08:00:00Z', observedGeneration: 1 },
      { type: 'PruneBlocked', status: 'False', reason: 'None', message: 'nothing waits to be pruned', lastTransitionTime: '2026-12-03T08:00:00Z' },
    ],
    fingerprints: Object.fromEntries(objs.map(([group, , kind, namespace, n]) => [`${group}/${kind}/${namespace}/${n}`, `${h(kind)}:${h(n)}`])),
    managedKinds: ['apps/v1/Deployment', 'v1/ConfigMap', 'v1/Namespace', 'v1/Service'],
    appliedHash: h('all').repeat(4), lastSyncTime: at,
    healthyRevisions: [rev, 'b'.repeat(40), 'c'.repeat(40)],
    observedGeneration: 1,
  };
}

/**
 * A JSON merge patch from prev to next that carries only what changed: an unchanged key is left out
 * (at any depth of nested objects), a removed key becomes null, a changed list or scalar goes whole.
 */
function statusPatchFor(prev: unknown, next: unknown): unknown {
  if (!isObject(prev) || !isObject(next)) return next;
  const patch: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(next)) {
    if (!(k in prev)) patch[k] = v;
    else if (canonical(prev[k]) !== canonical(v)) patch[k] = statusPatchFor(prev[k], v);
  }
  for (const k of Object.keys(prev)) if (!(k in next)) patch[k] = null;
  return patch;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

async function startServer(dir: string): Promise<{ client: KubeClient; pid: number; kubeconfig: string; stop(): Promise<void> }> {
  const ports = new Set<number>();
  while (ports.size < 3) ports.add(await freePort());
  const [base, etcdClientPort, etcdPeerPort] = [...ports];
  const spec = layoutFleet({ stateDir: dir, members: [], portBase: base });
  const c = { ...spec.clusters[0], name: 'statusbench', apiserverPort: base, etcdClientPort, etcdPeerPort };
  spec.clusters = [c];
  await prepareCluster(spec, c);
  const paths = clusterPaths(spec, c.name);
  const bins = locateBinaries();
  const children: ChildProcess[] = [];
  const launch = (s: { command: string; args: string[] }) => { const child = spawn(s.command, s.args, { stdio: 'ignore' }); children.push(child); return child; };
  launch(etcdSpec(c, bins, paths));
  await waitFor(() => fetch(`http://127.0.0.1:${etcdClientPort}/health`).then((r) => r.ok, () => false), { timeoutMs: 90_000, intervalMs: 100, what: 'etcd' });
  const api = apiserverSpec(c, bins, paths);
  const server = launch({ command: api.command, args: api.args.map((a) => (a === '--profiling=false' ? '--profiling=true' : a)) });
  const client = await KubeClient.fromFile(paths.adminKubeconfig, c.name, 30_000);
  await waitFor(async () => (await client.getText('/readyz', 2000).catch(() => ({ status: 0 }))).status === 200, { timeoutMs: 90_000, intervalMs: 200, what: 'kube-apiserver /readyz' });
  await ensureNamespace(client, SYSTEM_NAMESPACE);
  await applyCrds(client, hubCrdObjects());
  const stop = async () => {
    client.close();
    for (const child of children.reverse()) {
      child.kill('SIGTERM');
      await Promise.race([new Promise((r) => child.once('exit', r)), new Promise((r) => setTimeout(r, 5000))]);
    }
  };
  return { client, pid: server.pid ?? 0, kubeconfig: paths.adminKubeconfig, stop };
}

type Shape = 'merge patch of every field (controller before)' | 'patch of what changed';

async function round(hub: KubeClient, apps: Map<string, Application>, shape: Shape, rev: string, n: number): Promise<void> {
  await Promise.all([...apps.values()].map(async (a) => {
    const next = syncedStatus(a.metadata?.name ?? '', rev, n);
    const patch = shape === 'patch of what changed' ? statusPatchFor(a.status, next) : mergePatchFor(a.status ?? {}, next);
    const after = await hub.mergePatch<Application>(API_VERSION, 'Application', a.metadata?.name ?? '', SYSTEM_NAMESPACE, { status: patch }, 'status');
    apps.set(a.metadata?.name ?? '', after);
  }));
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'status-bench-'));
  const srv = await startServer(dir);
  const informers: Array<Informer<Application>> = [];
  try {
    const hub = srv.client;
    const apps = new Map<string, Application>();
    for (let i = 0; i < APPS; i++) {
      const name = `app-${String(i).padStart(2, '0')}-r${i % 3}`;
      const created = await hub.create<Application>({ apiVersion: API_VERSION, kind: 'Application', metadata: { name, namespace: SYSTEM_NAMESPACE, labels: { 'meridian.dev/applicationset': 'bench' }, finalizers: ['meridian.dev/resources-finalizer'] },
        spec: { source: { repoURL: 'file:///tmp/repo', targetRevision: 'main', path: `apps/app-${i}/overlays/r${i % 3}` }, destination: { name: `r${i % 3}` }, syncPolicy: { automated: { prune: true, selfHeal: true } } } } as Application);
      apps.set(name, created);
    }
    let rev = 0;
    const nextRev = () => String(++rev).padStart(40, '0');
    await round(hub, apps, 'merge patch of every field (controller before)', nextRev(), 0);
    const measure = async (label: string, shape: Shape) => {
      const perWrite: number[] = [];
      const walls: number[] = [];
      const clientMs: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        await new Promise((res) => setTimeout(res, 300));
        const before = cpuTicks([srv.pid]).get(srv.pid) ?? 0;
        const t = performance.now();
        const mine = process.cpuUsage();
        await round(hub, apps, shape, nextRev(), r + 1);
        const used = process.cpuUsage(mine);
        clientMs.push((used.user + used.system) / 1000 / APPS);
        walls.push(performance.now() - t);
        await new Promise((res) => setTimeout(res, 300)); // watch delivery finishes in the server
        perWrite.push((((cpuTicks([srv.pid]).get(srv.pid) ?? 0) - before) * 10) / APPS);
      }
      perWrite.sort((a, b) => a - b);
      walls.sort((a, b) => a - b);
      clientMs.sort((a, b) => a - b);
      const bytes = JSON.stringify([...apps.values()][0]).length;
      console.log(`  ${label.padEnd(64)} CPU per write median ${perWrite[perWrite.length >> 1].toFixed(1)} ms (min ${perWrite[0].toFixed(1)}, max ${perWrite[perWrite.length - 1].toFixed(1)}); the client's (this process, meridian's kube client) ${clientMs[clientMs.length >> 1].toFixed(2)} ms; ${APPS} writes in ${walls[walls.length >> 1].toFixed(0)} ms median; object ${bytes} bytes`);
    };
    console.log(`status writes to ${APPS} Applications at once, ${ROUNDS} rounds each, one kube-apiserver 1.20 (CPU from /proc, including the watch fan-out and idle work of the 600 ms around each round):`);
    await measure('no watchers, merge patch of every field (controller before)', 'merge patch of every field (controller before)');
    await measure('no watchers, patch of what changed', 'patch of what changed');
    for (let w = 0; w < WATCHERS; w++) {
      const inf = new Informer<Application>(hub, { apiVersion: API_VERSION, kind: 'Application' }).start();
      informers.push(inf);
      await inf.waitForSync();
    }
    await measure(`${WATCHERS} watchers, merge patch of every field (controller before)`, 'merge patch of every field (controller before)');
    await measure(`${WATCHERS} watchers, patch of what changed`, 'patch of what changed');
    if (values.dump) console.log(JSON.stringify([...apps.values()][0], null, 1));
    if (values.profile) {
      const file = values.profile;
      const kubectl = spawn('kubectl', ['--kubeconfig', srv.kubeconfig, 'get', '--raw', '/debug/pprof/profile?seconds=10'], { stdio: ['ignore', 'pipe', 'inherit'] });
      const chunks: Buffer[] = [];
      kubectl.stdout.on('data', (b: Buffer) => chunks.push(b));
      let done = false;
      const exited = new Promise<void>((resolve) => kubectl.once('exit', () => { done = true; resolve(); }));
      let n = 0;
      while (!done) await round(hub, apps, 'merge patch of every field (controller before)', nextRev(), ++n);
      await exited;
      await writeFile(file, Buffer.concat(chunks));
      console.log(`  profile of ${n} rounds of the controller's patches written to ${file}`);
    }
  } finally {
    for (const i of informers) i.stop();
    await srv.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
