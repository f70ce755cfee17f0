import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { rm, unlink, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sleep, waitFor } from '../util/wait.js';
import { clusterPaths, fleetKubeconfigPath, supervisorIdOf, supervisorPaths, type FleetCluster, type FleetSpec } from './layout.js';
import { adminEntry, prepareCluster } from './prepare.js';
import { buildKubeconfig, mergeIntoKubeconfig, writeKubeconfig } from './kubeconfig.js';
import { isOurGroupLeader } from './group.js';
import { groupMembers, isLegacySupervisor, isOurSupervisor, isRunning, readPid, signalGroup } from './processes.js';
import { readStatus, type SupervisorStatus } from './status.js';
import { saveFleet } from './state.js';
import { defaultUpTimeoutMs } from './startup.js';

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
  /** How long to wait for every cluster (default: by the number of boot waves, see startup.ts). */
  timeoutMs?: number;
  onProgress?: (message: string) => void;
}

// From dist/ the CLI sits beside this module; from src/ (under a test runner) use the built one.
const CLI_ENTRY = import.meta.url.endsWith('.ts')
  ? fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url))
  : fileURLToPath(new URL('../cli/main.js', import.meta.url));

/** The process group id of a cluster if its group leader is running and is ours. */
export function runningCluster(spec: FleetSpec, name: string): number | undefined {
  const pid = readPid(clusterPaths(spec, name).pid);
  return pid && isRunning(pid) && isOurGroupLeader(pid, spec.stateDir, name) ? pid : undefined;
}

/** The pid of a running per-cluster supervisor of the layout before issue 14, whose group is the cluster's. */
export function legacySupervisor(spec: FleetSpec, name: string): number | undefined {
  const pid = readPid(clusterPaths(spec, name).legacyPid);
  return pid && isRunning(pid) && isLegacySupervisor(pid, spec.stateDir, name) ? pid : undefined;
}

/** The pid of a supervisor process (`fleet` or, per cluster, the cluster's name) if it runs and is ours. */
export function runningSupervisor(spec: FleetSpec, id: string): number | undefined {
  const pid = readPid(supervisorPaths(spec, id).pid);
  return pid && isRunning(pid) && isOurSupervisor(pid, spec.stateDir, id) ? pid : undefined;
}

/**
 * Brings the fleet up: issues identities, starts every cluster that is not running (through the
 * fleet's one supervisor process, started detached when it is not running), writes the kubeconfig,
 * and waits until every cluster answers and every node is Ready. Clusters that already run are
 * reported, not restarted.
 */
export async function fleetUp(spec: FleetSpec, options: UpOptions = {}): Promise<UpResult[]> {
  await saveFleet(spec);
  await Promise.all(spec.clusters.map((c) => prepareCluster(spec, c)));
  // A cluster still run by a supervisor of the old layout counts as running (a demo fleet from before the upgrade).
  const toStart = spec.clusters.filter((c) => !runningCluster(spec, c.name) && !legacySupervisor(spec, c.name));
  await assertPortsFree(toStart);
  startClusters(spec, toStart);
  const results: UpResult[] = spec.clusters.map((cluster) => ({ cluster, action: toStart.includes(cluster) ? 'started' : 'already running' }));
  await writeFleetKubeconfig(spec, options.mergeKubeconfig);
  await waitReady(spec, spec.clusters, options.timeoutMs ?? defaultUpTimeoutMs(spec.clusters.length), options.onProgress);
  for (const r of results) r.status = readStatus(clusterPaths(spec, r.cluster.name).status);
  if (toStart.length === 0) options.onProgress?.('every cluster was already running');
  return results;
}

/**
 * Starts (or revives) one cluster: asks its running supervisor to start it, or starts a
 * supervisor for it. Returns the supervisor's pid; waitReady tells when the cluster is ready.
 */
export function startSupervisor(spec: FleetSpec, cluster: FleetCluster): number {
  return startClusters(spec, [cluster])[0];
}

/** Starts clusters through their supervisors; returns the supervisor pid of each. */
function startClusters(spec: FleetSpec, clusters: FleetCluster[]): number[] {
  const byId = new Map<string, string[]>();
  for (const c of clusters) {
    const paths = clusterPaths(spec, c.name);
    // The cluster is coming back: no kill marker, and no status of an earlier run to mistake for this one's.
    for (const f of [join(paths.dir, 'killed'), paths.status, paths.pid]) rmSync(f, { force: true });
    const id = supervisorIdOf(spec, c.name);
    byId.set(id, [...(byId.get(id) ?? []), c.name]);
  }
  const pids = new Map<string, number>();
  for (const [id, names] of byId) {
    const running = runningSupervisor(spec, id);
    if (running) for (const name of names) requestStart(spec, id, name);
    pids.set(id, running ?? spawnSupervisor(spec, id, names));
  }
  return clusters.map((c) => pids.get(supervisorIdOf(spec, c.name)) as number);
}

/** Asks a running supervisor to start a cluster (it polls its request directory). */
function requestStart(spec: FleetSpec, id: string, name: string): void {
  const { requests } = supervisorPaths(spec, id);
  mkdirSync(requests, { recursive: true });
  writeFileSync(join(requests, name), new Date().toISOString());
}

/** Starts a supervisor process, detached in its own session, and records its pid. */
function spawnSupervisor(spec: FleetSpec, id: string, clusters: string[]): number {
  if (!isAbsolute(spec.stateDir)) throw new Error(`fleet state directory "${spec.stateDir}" must be an absolute path`);
  const paths = supervisorPaths(spec, id);
  mkdirSync(paths.dir, { recursive: true });
  const out = openSync(paths.log, 'a');
  const child = spawn(process.execPath, [CLI_ENTRY, 'fleet', 'supervise', '--state-dir', spec.stateDir, '--id', id, '--clusters', clusters.join(',')], {
    detached: true, stdio: ['ignore', out, out],
  });
  closeSync(out);
  child.unref();
  if (!child.pid) throw new Error(`could not start the fleet supervisor ${id}`);
  writeFileSync(paths.pid, String(child.pid));
  return child.pid;
}

async function writeFleetKubeconfig(spec: FleetSpec, mergeInto?: string): Promise<void> {
  const doc = buildKubeconfig(spec.clusters.map((c) => adminEntry(spec, c)), 'hub');
  await writeKubeconfig(fleetKubeconfigPath(spec), doc);
  if (mergeInto) await mergeIntoKubeconfig(mergeInto, doc);
}

/**
 * Waits until the clusters report ready with every node Ready, in the run of their current
 * process group; fails early when a cluster's start failed or its supervisor died.
 */
export async function waitReady(spec: FleetSpec, clusters: FleetCluster[], timeoutMs: number, onProgress?: (m: string) => void): Promise<void> {
  const reported = new Set<string>();
  let fatal: Error | undefined;
  await waitFor(() => {
    let all = true;
    for (const c of clusters) {
      const paths = clusterPaths(spec, c.name);
      const sup = supervisorPaths(spec, supervisorIdOf(spec, c.name));
      const st = readStatus(paths.status);
      const legacy = legacySupervisor(spec, c.name);
      if (legacy && st?.supervisorPid === legacy && st.phase === 'ready') continue;
      if (!runningSupervisor(spec, supervisorIdOf(spec, c.name))) fatal = new Error(`the supervisor of ${c.name} is not running; see ${sup.log}:\n${tail(sup.log)}`);
      else if (st?.phase === 'failed') fatal = new Error(`${c.name} did not start: ${st.message ?? 'no reason given'}; see ${paths.logs} and ${sup.log}:\n${tail(sup.log)}`);
      if (fatal) return true;
      const group = runningCluster(spec, c.name);
      const ready = st !== undefined && group !== undefined && st.groupPid === group && st.phase === 'ready' && st.nodes.ready === st.nodes.total;
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

/** Pids of the processes a cluster runs as: its group (and, for a fleet of the old layout, its supervisor's group). */
function clusterGroups(spec: FleetSpec, name: string): number[] {
  const groups = [runningCluster(spec, name), legacySupervisor(spec, name)];
  return groups.filter((p): p is number => p !== undefined);
}

async function untilGone(groups: number[], pids: number[], deadline: number): Promise<boolean> {
  const left = () => groups.some((g) => groupMembers(g).length > 0) || pids.some((p) => isRunning(p));
  while (left() && Date.now() < deadline) await sleep(100);
  return !left();
}

/** Stops a cluster's process group: SIGTERM, then SIGKILL for whatever is left after a grace period. */
export async function stopCluster(spec: FleetSpec, name: string, graceMs = 10_000): Promise<boolean> {
  const paths = clusterPaths(spec, name);
  const groups = clusterGroups(spec, name);
  for (const g of groups) signalGroup(g, 'SIGTERM');
  if (!(await untilGone(groups, [], Date.now() + graceMs))) for (const g of groups) signalGroup(g, 'SIGKILL');
  await untilGone(groups, [], Date.now() + 5000);
  for (const f of [paths.pid, paths.legacyPid]) await unlink(f).catch(() => undefined);
  return groups.length > 0;
}

/**
 * SIGKILLs every cluster's process group and every supervisor of the fleet at once, without waiting:
 * for a process that is exiting (an 'exit' handler cannot wait) and must not leave a fleet it
 * started behind. Only groups whose recorded pids still name our processes are signalled.
 */
export function killFleetNow(spec: FleetSpec): void {
  for (const p of runningSupervisors(spec)) signalGroup(p, 'SIGKILL');
  for (const c of spec.clusters) for (const g of clusterGroups(spec, c.name)) signalGroup(g, 'SIGKILL');
}

/** The ids of the fleet's supervisors (one shared, or one per cluster). */
function supervisorIds(spec: FleetSpec): string[] {
  return [...new Set(spec.clusters.map((c) => supervisorIdOf(spec, c.name)))];
}

/** Pids of the fleet's supervisors that run and are ours. */
function runningSupervisors(spec: FleetSpec): number[] {
  return supervisorIds(spec).map((id) => runningSupervisor(spec, id)).filter((p): p is number => p !== undefined);
}

/** Kills a cluster at once (SIGKILL to its process group), as an outage would. */
export async function killCluster(spec: FleetSpec, name: string): Promise<boolean> {
  const groups = clusterGroups(spec, name);
  if (groups.length === 0) return false;
  for (const g of groups) signalGroup(g, 'SIGKILL');
  await untilGone(groups, [], Date.now() + 10_000);
  await writeFile(join(clusterPaths(spec, name).dir, 'killed'), new Date().toISOString());
  return true;
}

/**
 * Stops every cluster and the supervisors: SIGTERM to each supervisor (it stops its clusters,
 * each in order) and to each cluster's group, SIGKILL to whatever is left after a grace period,
 * then checks /proc that nothing is. With purge, removes the state directory too.
 */
export async function fleetDown(spec: FleetSpec, purge = false, graceMs = 15_000): Promise<string[]> {
  const running = spec.clusters.map((c) => ({ name: c.name, groups: clusterGroups(spec, c.name) })).filter((x) => x.groups.length > 0);
  const groups = running.flatMap((x) => x.groups);
  const ids = supervisorIds(spec);
  const supervisors = runningSupervisors(spec);
  for (const p of supervisors) signalGroup(p, 'SIGTERM');
  for (const g of groups) signalGroup(g, 'SIGTERM');
  if (!(await untilGone(groups, supervisors, Date.now() + graceMs))) {
    for (const g of [...groups, ...supervisors]) signalGroup(g, 'SIGKILL');
    if (!(await untilGone(groups, supervisors, Date.now() + 5000))) throw new Error(`processes left after fleet down: groups ${groups.join(', ')}, supervisors ${supervisors.join(', ')}`);
  }
  for (const id of ids) await unlink(supervisorPaths(spec, id).pid).catch(() => undefined);
  for (const c of spec.clusters) for (const f of [clusterPaths(spec, c.name).pid, clusterPaths(spec, c.name).legacyPid]) await unlink(f).catch(() => undefined);
  if (purge) await rm(spec.stateDir, { recursive: true, force: true });
  return running.map((x) => x.name);
}
