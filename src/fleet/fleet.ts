import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sleep, waitFor } from '../util/wait.js';
import { clusterPaths, fleetKubeconfigPath, type FleetCluster, type FleetSpec } from './layout.js';
import { adminEntry, prepareCluster } from './prepare.js';
import { buildKubeconfig, mergeIntoKubeconfig, writeKubeconfig } from './kubeconfig.js';
import { groupMembers, isAlive, isOurSupervisor, readPid, signalGroup } from './processes.js';
import { readStatus, type SupervisorStatus } from './status.js';
import { saveFleet } from './state.js';

/** What `fleet up` found or did for one cluster. */
export interface UpResult {
  cluster: FleetCluster;
  action: 'started' | 'already running';
  status?: SupervisorStatus;
}

/** Options of `fleet up`. */
export interface UpOptions {
  /** Also merge the contexts into this kubeconfig (the user's ~/.kube/config); none when undefined. */
  mergeKubeconfig?: string;
  timeoutMs?: number;
  onProgress?: (message: string) => void;
}

// From dist/ the CLI sits beside this module; from src/ (under a test runner) use the built one.
const CLI_ENTRY = import.meta.url.endsWith('.ts')
  ? fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url))
  : fileURLToPath(new URL('../cli/main.js', import.meta.url));

/** The supervisor pid of a cluster if it is running and is ours. */
export function runningSupervisor(spec: FleetSpec, name: string): number | undefined {
  const pid = readPid(clusterPaths(spec, name).pid);
  return pid && isAlive(pid) && isOurSupervisor(pid, spec.stateDir, name) ? pid : undefined;
}

/**
 * Brings the fleet up: issues identities, starts a supervisor (its own process group) for every
 * cluster that is not running, writes the kubeconfig, and waits until every cluster answers and
 * every node is Ready. Clusters that already run are reported, not restarted.
 */
export async function fleetUp(spec: FleetSpec, options: UpOptions = {}): Promise<UpResult[]> {
  await saveFleet(spec);
  await Promise.all(spec.clusters.map((c) => prepareCluster(spec, c)));
  const toStart = spec.clusters.filter((c) => !runningSupervisor(spec, c.name));
  await assertPortsFree(toStart);
  const results: UpResult[] = spec.clusters.map((cluster) => {
    if (!toStart.includes(cluster)) return { cluster, action: 'already running' };
    startSupervisor(spec, cluster);
    return { cluster, action: 'started' };
  });
  await writeFleetKubeconfig(spec, options.mergeKubeconfig);
  const started = results.filter((r) => r.action === 'started').map((r) => r.cluster);
  await waitReady(spec, spec.clusters, options.timeoutMs ?? 180_000, options.onProgress);
  for (const r of results) r.status = readStatus(clusterPaths(spec, r.cluster.name).status);
  if (started.length === 0) options.onProgress?.('every cluster was already running');
  return results;
}

/** Starts the supervisor of one cluster, detached in a new process group, and records its pid. */
export function startSupervisor(spec: FleetSpec, cluster: FleetCluster): number {
  const paths = clusterPaths(spec, cluster.name);
  const out = openSync(join(paths.logs, 'supervisor.log'), 'a');
  const child = spawn(process.execPath, [CLI_ENTRY, 'fleet', 'supervise', '--state-dir', spec.stateDir, '--cluster', cluster.name], {
    detached: true, stdio: ['ignore', out, out],
  });
  closeSync(out);
  child.unref();
  if (!child.pid) throw new Error(`could not start the supervisor of ${cluster.name}`);
  writeFileSync(paths.pid, String(child.pid));
  // Remove a stale kill marker: the cluster is coming back.
  void rm(join(paths.dir, 'killed'), { force: true });
  return child.pid;
}

async function writeFleetKubeconfig(spec: FleetSpec, mergeInto?: string): Promise<void> {
  const doc = buildKubeconfig(spec.clusters.map((c) => adminEntry(spec, c)), 'hub');
  await writeKubeconfig(fleetKubeconfigPath(spec), doc);
  if (mergeInto) await mergeIntoKubeconfig(mergeInto, doc);
}

/** Waits until the clusters report ready with every node Ready; fails early when a supervisor dies. */
export async function waitReady(spec: FleetSpec, clusters: FleetCluster[], timeoutMs: number, onProgress?: (m: string) => void): Promise<void> {
  const reported = new Set<string>();
  let fatal: Error | undefined;
  await waitFor(() => {
    let all = true;
    for (const c of clusters) {
      const paths = clusterPaths(spec, c.name);
      const pid = readPid(paths.pid);
      if (pid && !isAlive(pid)) fatal = new Error(`the supervisor of ${c.name} exited; see ${join(paths.logs, 'supervisor.log')}:\n${tail(join(paths.logs, 'supervisor.log'))}`);
      if (fatal) return true;
      const st = readStatus(paths.status);
      const ready = st !== undefined && pid !== undefined && st.supervisorPid === pid && st.phase === 'ready' && st.nodes.ready === st.nodes.total;
      if (ready && !reported.has(c.name)) {
        reported.add(c.name);
        onProgress?.(`${c.name} ready (${st.nodes.ready} nodes) after ${((st.readyAfterMs ?? 0) / 1000).toFixed(1)}s`);
      }
      all &&= ready;
    }
    return all;
  }, {
    timeoutMs, intervalMs: 200, what: 'every cluster ready',
    onTimeout: () => clusters.map((c) => `${c.name}: ${JSON.stringify(readStatus(clusterPaths(spec, c.name).status)?.phase ?? 'no status')}`).join(', '),
  });
  if (fatal) throw fatal;
}

function tail(path: string, lines = 8): string {
  try {
    return readFileSync(path, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Fails before anything starts when a port of a cluster to start is taken (another fleet, say). */
async function assertPortsFree(clusters: FleetCluster[]): Promise<void> {
  const checks = clusters.flatMap((c) => [
    { c, address: '127.0.0.1', port: c.apiserverPort }, { c, address: '127.0.0.1', port: c.etcdClientPort }, { c, address: '127.0.0.1', port: c.etcdPeerPort },
    ...(c.role === 'member' ? [{ c, address: c.ingressAddress, port: c.ingressPort }] : []),
  ]);
  const taken = (await Promise.all(checks.map(async (x) => ((await portFree(x.address, x.port)) ? undefined : `${x.c.name} ${x.address}:${x.port}`)))).filter(Boolean);
  if (taken.length) throw new Error(`ports in use, cannot start the fleet: ${taken.join(', ')} (another fleet on this --port-base or --ingress-net?)`);
}

function portFree(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, address, () => srv.close(() => resolve(true)));
  });
}

/** Stops a cluster's process group: SIGTERM, then SIGKILL for whatever is left after a grace period. */
export async function stopCluster(spec: FleetSpec, name: string, graceMs = 10_000): Promise<boolean> {
  const paths = clusterPaths(spec, name);
  const pid = runningSupervisor(spec, name);
  if (!pid) {
    await unlink(paths.pid).catch(() => undefined);
    return false;
  }
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (groupMembers(pid).length > 0 && Date.now() < deadline) await sleep(100);
  if (groupMembers(pid).length > 0) signalGroup(pid, 'SIGKILL');
  while (groupMembers(pid).length > 0 && Date.now() < deadline + 5000) await sleep(100);
  await unlink(paths.pid).catch(() => undefined);
  return true;
}

/** Kills a cluster at once (SIGKILL to its process group), as an outage would. */
export async function killCluster(spec: FleetSpec, name: string): Promise<boolean> {
  const pid = runningSupervisor(spec, name);
  if (!pid) return false;
  signalGroup(pid, 'SIGKILL');
  const deadline = Date.now() + 10_000;
  while (groupMembers(pid).length > 0 && Date.now() < deadline) await sleep(50);
  await writeFile(join(clusterPaths(spec, name).dir, 'killed'), new Date().toISOString());
  return true;
}

/** Stops every cluster; with purge, removes the state directory too. */
export async function fleetDown(spec: FleetSpec, purge = false): Promise<string[]> {
  const stopped = await Promise.all(spec.clusters.map(async (c) => ((await stopCluster(spec, c.name)) ? c.name : '')));
  if (purge) await rm(spec.stateDir, { recursive: true, force: true });
  return stopped.filter(Boolean);
}
