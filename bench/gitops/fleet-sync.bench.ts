// GitOps on the local fleet, 20 applications x 3 regions by default:
//   npx tsx bench/gitops/fleet-sync.bench.ts [--apps 20] [--steady 60] [--port-base 21500] [--ingress-net 11] [--profile-serve DIR]
//   (--profile-serve: serve runs with --cpu-prof into DIR, and the commit window is printed in the
//   profile's clock, for `npx tsx bench/gitops/profile-window.ts DIR/*.cpuprofile FROM TO`)
//   (--sched-trace FILE: `perf record` of every context switch and wake-up on the machine over the commit
//   window, for `npx tsx bench/gitops/sched-window.ts FILE SERVE_PID`: who held the CPU while serve waited)
//   (--rollouts paused: the Deployments are paused, so a commit changes them but no member rolls
//   anything out on the same two cores; Healthy then reads Suspended. The default, on, is the figure.)
//   (--serve-session own: serve in a session, so a scheduler autogroup, of its own instead of the bench's)
//   (after npm run build; give the fleet a port base and ingress net of your own when others run fleets)
// (2) A Git commit that changes every application -> every Application Synced (the controller's
//     work) and, separately, Healthy (the members rolling Deployments out), against a naive script
//     measured in the same run on the same fleet (`kubectl kustomize | kubectl apply --server-side`,
//     per application and region; its apply phase is what Synced compares with). Where Meridian's
//     time goes: per-stage durations (queue wait, git, render, prepare, live reads, applies, prune,
//     status write) from meridian_gitops_sync_stage_seconds, scraped before the webhook and when the
//     last Application turned Synced, and the lag from a status write to the bench's watch seeing it.
// (3) Steady state with nothing changed: write requests the members' API servers count on the
//     applications' resources (apiserver_request_total deltas) and the hub counts on Applications,
//     over a window of several resyncs, against the naive script re-applying the unchanged repository once.

import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Application } from '../../src/api/application.js';
import { SYNC_STAGES } from '../../src/gitops/stages.js';
import { Informer } from '../../src/kube/informer.js';
import { API_VERSION } from '../../src/api/schema.js';
import { commitAll } from '../../src/gitops/demo.js';
import { assessHealth } from '../../src/gitops/sync/health.js';
import type { KubeClient } from '../../src/kube/client.js';
import type { KubeObject } from '../../src/kube/types.js';
import { sleep, waitFor } from '../../src/util/wait.js';
import { meridianBackground, stopChild } from '../../test/support/cli.js';
import { freePort } from '../../test/support/envtest.js';
import { startTestFleet } from '../../test/support/fleet.js';
import { APP_RESOURCES, counterBy, counterTotal, fleetWrites, histogramDelta, hubApplicationWrites, quantile, sampleQuantile, requestCounts, requestMix, serverLatency, stageRows, summedHistogram, type HistogramSeries } from './metrics.js';
import { naiveDeploy } from './naive.js';
import { autogroupOf, fleetAutogroups, startCpuWindow } from './cpu-window.js';
import { benchAppSet, BENCH_REGIONS, createBenchRepo, writeApps } from './repo.js';

const { values } = parseArgs({ options: {
  apps: { type: 'string', default: '20' }, steady: { type: 'string', default: '60' },
  'port-base': { type: 'string', default: '21500' }, 'ingress-net': { type: 'string', default: '11' },
  'profile-serve': { type: 'string' },
  'sched-trace': { type: 'string' },
  'serve-session': { type: 'string', default: 'bench' },
  rollouts: { type: 'string', default: 'on' },
} });
const APPS = Number(values.apps);
const STEADY_S = Number(values.steady);
const PORT_BASE = Number(values['port-base']);
const INGRESS_NET = Number(values['ingress-net']);
for (const [flag, v] of [['--apps', APPS], ['--steady', STEADY_S], ['--port-base', PORT_BASE], ['--ingress-net', INGRESS_NET]] as const) {
  if (!Number.isInteger(v) || v < 0) throw new Error(`${flag}: expected a whole number, got "${v}"`);
}
if (!['own', 'bench'].includes(values['serve-session'])) throw new Error(`--serve-session: expected own or bench, got "${values['serve-session']}"`);
if (!['on', 'paused'].includes(values.rollouts)) throw new Error(`--rollouts: expected on or paused, got "${values.rollouts}"`);
/** The Deployments are paused: a commit changes them, but no member rolls anything out (Healthy reads Suspended). */
const PAUSED = values.rollouts === 'paused';
/** What a Deployment's health is once it runs the commit: Healthy, or Suspended when paused. */
const SETTLED = PAUSED ? 'Suspended' : 'Healthy';
const TIMEOUT = 600_000;

type Deployment = KubeObject & { spec: { template: { spec: { containers: Array<{ env?: Array<{ name: string; value: string }> }> } } } };

/** True when every app's Deployment in every region runs `version` and is Healthy (Suspended when paused). */
async function allRolledOut(members: KubeClient[], version: string): Promise<boolean> {
  for (const c of members) {
    const list = (await c.list<Deployment>('apps/v1', 'Deployment')).items.filter((d) => /^app-\d+$/.test(d.metadata?.name ?? ''));
    if (list.length < APPS) return false;
    for (const d of list) {
      if (d.spec.template.spec.containers[0].env?.find((e) => e.name === 'VERSION')?.value !== version) return false;
      if (assessHealth(d)?.status !== SETTLED) return false;
    }
  }
  return true;
}

const isSynced = (a: Application, rev: string) => a.status?.sync?.status === 'Synced' && (!rev || a.status.sync.revision === rev);
const isHealthy = (a: Application, rev: string) => isSynced(a, rev) && a.status?.health?.status === SETTLED;

/** When each Application was first seen (by a watch) Synced, and Healthy, at a revision; times from t0. */
class Observed {
  readonly synced = new Map<string, number>();
  readonly healthy = new Map<string, number>();
  /** Seen Synced minus the status.lastSyncTime the controller wrote with it (status write + watch delivery). */
  readonly lagMs: number[] = [];
  /** status.lastSyncTime from the webhook: when each pass had every apply answered and began its status write. */
  readonly appliedMs: number[] = [];
  constructor(private readonly rev: string, private readonly t0: number, private readonly wallT0: number) {}
  see(a: Application): void {
    const key = a.metadata?.name ?? '';
    const now = performance.now() - this.t0;
    if (!this.synced.has(key) && isSynced(a, this.rev)) {
      this.synced.set(key, now);
      const wrote = Date.parse(a.status?.lastSyncTime ?? '');
      if (Number.isFinite(wrote) && wrote >= this.wallT0) { this.lagMs.push(this.wallT0 + now - wrote); this.appliedMs.push(wrote - this.wallT0); }
    }
    if (!this.healthy.has(key) && isHealthy(a, this.rev)) this.healthy.set(key, now);
  }
}

/** The hub's and every member's /metrics text. */
async function serverMetrics(hub: KubeClient, members: KubeClient[]): Promise<{ hub: string; members: string[] }> {
  const text = async (c: KubeClient) => (await c.getText('/metrics', 10_000)).text;
  return { hub: await text(hub), members: await Promise.all(members.map(text)) };
}

/** Server-side latency rows between two scrapes: the hub's Application status writes, the members' reads and applies of app resources. */
function serverRows(before: { hub: string; members: string[] }, after: { hub: string; members: string[] }): Array<{ what: string; h: HistogramSeries }> {
  const sumOf = (list: HistogramSeries[]): HistogramSeries => {
    const buckets = new Map<number, number>();
    for (const h of list) for (const [le, n] of h.buckets) buckets.set(le, (buckets.get(le) ?? 0) + n);
    return { buckets: [...buckets].sort((a, b) => a[0] - b[0]), sum: list.reduce((a, h) => a + h.sum, 0), count: list.reduce((a, h) => a + h.count, 0) };
  };
  const delta = (pick: (l: Record<string, string>) => boolean, a: string[], b: string[]) => sumOf(a.map((t, i) => histogramDelta(serverLatency(t, pick), serverLatency(b[i], pick))));
  const app = (verb: string) => (l: Record<string, string>) => l.verb === verb && APP_RESOURCES.has(l.resource) && !l.subresource;
  return [
    { what: 'hub PATCH applications/status', h: delta((l) => l.verb === 'PATCH' && l.resource === 'applications' && l.subresource === 'status', [after.hub], [before.hub]) },
    // The part of those the hub spent waiting for its etcd (its fsyncs share one disk with the members' etcds).
    { what: '  of which the hub\'s etcd updates', h: histogramDelta(summedHistogram(after.hub, 'etcd_request_duration_seconds', (l) => l.operation === 'update'), summedHistogram(before.hub, 'etcd_request_duration_seconds', (l) => l.operation === 'update')) },
    { what: 'members GET app resources', h: delta(app('GET'), after.members, before.members) },
    { what: 'members APPLY app resources', h: delta(app('APPLY'), after.members, before.members) },
    { what: 'members PATCH app resources', h: delta(app('PATCH'), after.members, before.members) },
  ];
}

/**
 * Serve's own view of the same requests (meridian_kube_client_*): the whole request and the part of
 * it spent waiting for one of the client's request connections, the hub's apart from the members'.
 */
function clientRows(before: string, after: string): Array<{ what: string; h: HistogramSeries }> {
  const delta = (name: string, pick: (l: Record<string, string>) => boolean) => histogramDelta(summedHistogram(after, name, pick), summedHistogram(before, name, pick));
  const members = (l: Record<string, string>) => BENCH_REGIONS.includes(l.client);
  return [
    { what: 'hub PATCH (status writes)', h: delta('meridian_kube_client_request_duration_seconds', (l) => l.client === 'hub' && l.verb === 'PATCH') },
    { what: 'hub: wait for a connection', h: delta('meridian_kube_client_connection_wait_seconds', (l) => l.client === 'hub') },
    { what: 'members PATCH (applies)', h: delta('meridian_kube_client_request_duration_seconds', (l) => members(l) && l.verb === 'PATCH') },
    { what: 'members GET', h: delta('meridian_kube_client_request_duration_seconds', (l) => members(l) && l.verb === 'GET') },
    { what: 'members: wait for a connection', h: delta('meridian_kube_client_connection_wait_seconds', members) },
  ];
}

/**
 * Starts `perf record` of the scheduler's switches and wake-ups on every CPU (CLOCK_MONOTONIC, the
 * clock the window is printed in); stop() ends it with SIGINT, by its pid, and waits for its file.
 */
async function startSchedTrace(file: string): Promise<{ stop(): Promise<void> }> {
  const perf = spawn('perf', ['record', '-q', '-a', '-k', 'CLOCK_MONOTONIC', '-e', 'sched:sched_switch', '-e', 'sched:sched_waking', '-o', file], { stdio: ['ignore', 'ignore', 'inherit'] });
  let failed: Error | undefined;
  const exited = new Promise<void>((resolve) => {
    perf.once('exit', () => resolve());
    perf.once('error', (err) => { failed = new Error(`--sched-trace: perf: ${err.message}`); resolve(); });
  });
  await sleep(1000); // perf opens its buffers on every CPU before it records
  if (failed) throw failed;
  return { async stop() { perf.kill('SIGINT'); await exited; if (failed) throw failed; } };
}

/** CLOCK_MONOTONIC in microseconds: the clock of V8's CPU profiles, so a window here selects samples of serve's profile. */
const monotonicMicros = () => process.hrtime.bigint() / 1000n;

const s1 = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const ms1 = (sec: number) => `${(sec * 1000).toFixed(1)} ms`;

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'gitops-bench-'));
  const fleet = await startTestFleet({ portBase: PORT_BASE, ingressNet: INGRESS_NET, join: true, nodes: 2 });
  let serve: ReturnType<typeof meridianBackground> | undefined;
  let informer: Informer<Application> | undefined;
  try {
    const members = await Promise.all(BENCH_REGIONS.map((r) => fleet.client(r)));
    const repoDir = join(work, 'repo');
    const repoURL = await createBenchRepo(repoDir, APPS, PAUSED);

    // Naive baseline: warm up at version 1, then measure a commit to version 2.
    await naiveDeploy(repoDir, APPS, fleet.kubeconfig);
    await waitFor(() => allRolledOut(members, '1'), { timeoutMs: TIMEOUT, intervalMs: 500, what: 'naive warm-up rolled out' });
    await writeApps(repoDir, APPS, '2', PAUSED);
    await commitAll(repoDir, 'version 2');
    let t0 = performance.now();
    const naive = await naiveDeploy(repoDir, APPS, fleet.kubeconfig);
    const naiveApplyMs = performance.now() - t0;
    await waitFor(() => allRolledOut(members, '2'), { timeoutMs: TIMEOUT, intervalMs: 250, what: 'naive version 2 rolled out' });
    const naiveMs = performance.now() - t0;
    let before = await fleetWrites(members);
    const naiveSteady = await naiveDeploy(repoDir, APPS, fleet.kubeconfig);
    const naiveSteadyWrites = (await fleetWrites(members)) - before;

    // Meridian: take the same objects over, then measure a commit to version 3.
    const httpPort = await freePort();
    serve = meridianBackground(['serve', '--kubeconfig', fleet.kubeconfig, '--controllers', 'clusters,gitops', '--probe-interval', '5', '--http-port', String(httpPort),
      '--no-leader-elect', '--dns-port', '0', '--log-level', 'warn', '--gitops-cache-dir', join(work, 'cache'), '--gitops-poll-interval', '300', '--gitops-resync', '10', '--allow-file-repos'],
      values['profile-serve'] ? ['--cpu-prof', `--cpu-prof-dir=${values['profile-serve']}`] : [], { ownSession: values['serve-session'] === 'own' });
    const scrape = async () => (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
    await waitFor(async () => (await fetch(`http://127.0.0.1:${httpPort}/healthz`)).ok, { timeoutMs: 60_000, what: 'meridian serve' });
    await fleet.hub.apply(benchAppSet(repoURL));
    informer = new Informer<Application>(fleet.hub, { apiVersion: API_VERSION, kind: 'Application', namespace: 'meridian-system' }).start();
    await informer.waitForSync();
    const appsAll = (pred: (a: Application) => boolean) => { const list = informer?.list() ?? []; return list.length === APPS * BENCH_REGIONS.length && list.every(pred); };
    await waitFor(() => appsAll((a) => isHealthy(a, '')), { timeoutMs: TIMEOUT, intervalMs: 500, what: 'Meridian warm-up: every Application Synced and Healthy', onTimeout: () => serve?.output().slice(-2000) ?? '' });
    await writeApps(repoDir, APPS, '3', PAUSED);
    const rev = await commitAll(repoDir, 'version 3');
    const metricsBefore = await scrape();
    const serversBefore = await serverMetrics(fleet.hub, members);
    const sched = values['sched-trace'] ? await startSchedTrace(values['sched-trace']) : undefined;
    t0 = performance.now();
    const profileFrom = monotonicMicros();
    const cpu = startCpuWindow(fleet.spec, serve.pid);
    const seen = new Observed(rev, t0, Date.now());
    const onApp = (a: Application) => seen.see(a);
    informer.on('add', onApp).on('update', onApp);
    const hook = await fetch(`http://127.0.0.1:${httpPort}/api/v1/webhooks/git`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ repoURL }) });
    const webhookMs = performance.now() - t0;
    if (hook.status !== 202) throw new Error(`webhook: HTTP ${hook.status} ${await hook.text()}`);
    await waitFor(() => seen.synced.size === APPS * BENCH_REGIONS.length, { timeoutMs: TIMEOUT, intervalMs: 20, what: 'every Application Synced at version 3', onTimeout: () => serve?.output().slice(-2000) ?? '' });
    const profileTo = monotonicMicros();
    const cpuUsed = cpu.stop();
    await sched?.stop();
    const metricsSynced = await scrape();
    const serversSynced = await serverMetrics(fleet.hub, members);
    await waitFor(() => seen.healthy.size === APPS * BENCH_REGIONS.length, { timeoutMs: TIMEOUT, intervalMs: 50, what: 'every Application Healthy at version 3', onTimeout: () => serve?.output().slice(-2000) ?? '' });
    const syncedTimes = [...seen.synced.values()];
    const syncedMs = Math.max(...syncedTimes);
    const healthyMs = Math.max(...seen.healthy.values());
    const rolledOut = await allRolledOut(members, '3');

    // Steady state: nothing changes for several resync intervals.
    await sleep(5000);
    before = await fleetWrites(members);
    const hubBefore = await hubApplicationWrites(fleet.hub);
    const metricsSteady = await scrape();
    const idleCpu = startCpuWindow(fleet.spec, serve.pid);
    await sleep(STEADY_S * 1000);
    const idleUsed = idleCpu.stop();
    const steadyWrites = (await fleetWrites(members)) - before;
    const hubAfter = await hubApplicationWrites(fleet.hub);
    const metricsEnd = await scrape();
    const steadyPasses = counterTotal(metricsEnd, 'meridian_controller_reconcile_total') - counterTotal(metricsSteady, 'meridian_controller_reconcile_total');
    const steadyReported = counterTotal(metricsEnd, 'meridian_gitops_member_writes_total') - counterTotal(metricsSteady, 'meridian_gitops_member_writes_total');

    const n = APPS * BENCH_REGIONS.length;
    console.log(`gitops fleet sync: ${APPS} apps x ${BENCH_REGIONS.length} regions (${n} applications, 4 objects each); fleet portBase ${PORT_BASE}, ingressNet ${INGRESS_NET}${PAUSED ? '; Deployments paused (no rollouts)' : ''}${values['serve-session'] === 'own' ? '; serve in a session of its own' : ''}`);
    console.log(`  (2) commit -> every Application Synced   meridian ${s1(syncedMs)} (per Application p50 ${s1(sampleQuantile(syncedTimes, 0.5))}, p99 ${s1(sampleQuantile(syncedTimes, 0.99))})`);
    console.log(`      naive kubectl apply phase            ${s1(naiveApplyMs)} (kustomize ${s1(naive.kustomizeMs)}, apply ${s1(naive.applyMs)}, ${naive.applies} runs)`);
    console.log(`      ratio naive apply phase / Synced     ${(naiveApplyMs / syncedMs).toFixed(1)}x (goal: Synced < 2 s and >= 10x)`);
    console.log(`      commit -> every Application ${SETTLED.padEnd(9)} meridian ${s1(healthyMs)} (deployments verified: ${rolledOut}); naive to rolled out ${s1(naiveMs)}`);
    console.log(`      where commit -> Synced went (meridian_gitops_sync_stage_seconds between the webhook and the last Synced;`);
    console.log(`      p50/p99 interpolated in buckets; sums overlap, up to the queue's concurrency run at once):`);
    console.log(`        ${'stage'.padEnd(14)}${'count'.padStart(6)}${'p50'.padStart(11)}${'p99'.padStart(11)}${'sum'.padStart(11)}`);
    console.log(`        ${'webhook'.padEnd(14)}${'1'.padStart(6)}${ms1(webhookMs / 1000).padStart(11)}${ms1(webhookMs / 1000).padStart(11)}${ms1(webhookMs / 1000).padStart(11)}   (POST -> 202, repository marked stale, keys queued)`);
    for (const r of stageRows(metricsBefore, metricsSynced, SYNC_STAGES)) console.log(`        ${r.stage.padEnd(14)}${String(r.count).padStart(6)}${ms1(r.p50).padStart(11)}${ms1(r.p99).padStart(11)}${ms1(r.sum).padStart(11)}`);
    console.log(`        ${'observed'.padEnd(14)}${String(seen.lagMs.length).padStart(6)}${ms1(sampleQuantile(seen.lagMs, 0.5) / 1000).padStart(11)}${ms1(sampleQuantile(seen.lagMs, 0.99) / 1000).padStart(11)}${''.padStart(11)}   (status.lastSyncTime -> the bench's watch saw Synced)`);
    const spread = (xs: number[]) => xs.length ? `first ${s1(Math.min(...xs))}, p50 ${s1(sampleQuantile(xs, 0.5))}, last ${s1(Math.max(...xs))}` : '-';
    console.log(`      timeline from the webhook: applies answered, status write begun (status.lastSyncTime) ${spread(seen.appliedMs)}; seen Synced ${spread(syncedTimes)}`);
    console.log(`      the API servers' own time over the same window (apiserver_request_duration_seconds; the rest of a stage is waiting in serve):`);
    for (const row of serverRows(serversBefore, serversSynced)) console.log(`        ${row.what.padEnd(30)}${String(row.h.count).padStart(6)}${ms1(quantile(row.h, 0.5)).padStart(11)}${ms1(quantile(row.h, 0.99)).padStart(11)}${ms1(row.h.sum).padStart(11)}`);
    for (const [who, b, a] of [['members', serversBefore.members, serversSynced.members], ['hub', [serversBefore.hub], [serversSynced.hub]]] as const) {
      const mix = requestMix(requestCounts([...b]), requestCounts([...a]), 8);
      console.log(`      requests the ${who} served in the window: ${mix.total} (${mix.rows.map(([k, n]) => `${k} ${n}`).join(', ')})`);
    }
    console.log(`      serve's own timing of its requests (meridian_kube_client_*, same window; the wait is for one of the client's request connections):`);
    for (const row of clientRows(metricsBefore, metricsSynced)) console.log(`        ${row.what.padEnd(30)}${String(row.h.count).padStart(6)}${ms1(quantile(row.h, 0.5)).padStart(11)}${ms1(quantile(row.h, 0.99)).padStart(11)}${ms1(row.h.sum).padStart(11)}`);
    // What woke serve: watch events from the members and the hub, by resource, and the reads they came in.
    const watchDelta = (name: string) => { const a = counterBy(metricsSynced, name, 'resource'); const b = counterBy(metricsBefore, name, 'resource'); return new Map([...a].map(([k, v]) => [k, v - (b.get(k) ?? 0)])); };
    const watchEvents = watchDelta('meridian_kube_client_watch_events_total');
    const watchReads = watchDelta('meridian_kube_client_watch_reads_total');
    const byEvents = [...watchEvents].filter(([, n]) => n > 0).sort((x, y) => y[1] - x[1]);
    console.log(`      watch events serve received in the window (meridian_kube_client_watch_*): ${byEvents.reduce((t, [, n]) => t + n, 0)} in ${[...watchReads.values()].reduce((t, n) => t + n, 0)} reads (${byEvents.map(([k, n]) => `${k} ${n}/${watchReads.get(k) ?? 0}`).join(', ')})`);
    console.log(`      CPU seconds used in the window (${cpuUsed.windowS.toFixed(2)} s x 2 cores; machine busy ${cpuUsed.machineBusyS.toFixed(2)} s, idle ${cpuUsed.machineIdleS.toFixed(2)} s):`);
    // Beside each row, what the same process uses per second of the steady state, times the window: the commit's own share is the difference.
    const idleRate = new Map(idleUsed.rows.map((r) => [r.what, r.cpuS / idleUsed.windowS]));
    // Beside it, how long the process's threads waited for a CPU while runnable (schedstat run_delay): starved, not slow.
    for (const r of cpuUsed.rows) console.log(`        ${r.what.padEnd(40)}${r.cpuS.toFixed(2).padStart(7)} s   (at steady state ${((idleRate.get(r.what) ?? 0) * cpuUsed.windowS).toFixed(2)} s)${r.waitS ? `; threads waited for a CPU ${r.waitS.toFixed(2)} s` : ''}${r.mainWaitS !== undefined ? ` (its main thread ${r.mainWaitS.toFixed(2)} s over ${r.mainRuns} runs on a CPU)` : ''}`);
    console.log(`      scheduler autogroups (the kernel shares the CPU between these first, then between their threads): ${fleetAutogroups(fleet.spec, serve.pid)}; this bench ${autogroupOf(process.pid)}`);
    console.log(`      serve's event loop lag p99 at the last Synced: ${ms1(counterTotal(metricsSynced, 'meridian_nodejs_eventloop_lag_p99_seconds'))}; machine load average ${loadavg()[0].toFixed(1)}`);
    console.log(`  (3) steady state, ${STEADY_S} s (resync every 10 s, ${steadyPasses} reconciles): member write requests on app resources = ${steadyWrites} (goal 0); controller-reported member writes = ${steadyReported};`);
    if (sched) console.log(`      context switches over the window in ${values['sched-trace']}: npx tsx bench/gitops/sched-window.ts ${values['sched-trace']} ${serve.pid} ${profileFrom} ${profileTo}`);
    if (values['profile-serve']) console.log(`      serve's CPU profile in ${values['profile-serve']}; the commit window in its clock: ${profileFrom} ${profileTo} (webhook -> last Synced, microseconds)`);
    else console.log(`      the commit window in CLOCK_MONOTONIC (perf record -k CLOCK_MONOTONIC): ${profileFrom} ${profileTo} (webhook -> last Synced, microseconds)`);
    console.log(`      hub writes on Applications: ${hubAfter.spec - hubBefore.spec} spec/metadata, ${hubAfter.status - hubBefore.status} status`);
    console.log(`      naive script re-applying the unchanged repo once (${naiveSteady.applies} applies): ${naiveSteadyWrites} write requests`);
  } finally {
    informer?.stop();
    if (serve) await stopChild(serve);
    await fleet.stop();
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
