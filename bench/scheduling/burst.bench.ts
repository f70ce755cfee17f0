// Bursting latency on the local fleet:
//   npm run build && npx tsx bench/scheduling/burst.bench.ts [--pods 100] [--changes 10] [--port-base 27500] [--ingress-net 17] [--inline] [--profile-serve DIR]
// MERIDIAN_KUBE_HTTP2=0 in the environment runs every client (serve's and this process's) on HTTP/1.1, the comparison.
// The scheduling stack runs as `meridian serve --controllers clusters,scheduling` (its own process), or
// with --inline in this process (then its event loop delay is added to every timestamp taken here).
// 1. Baseline, same run: N ordinary pods created in us-east and placed by kube-scheduler at home,
//    creation -> Running.
// 2. us-east filled (pinned pods request what is left), then N pods elected with Admiralty's
//    annotation: creation -> delegate Running in eu-west/ap-south, and creation -> proxy Running at
//    home (the proxy mirrors the delegate, so it is never Running first). Per stage, p50/p99:
//    created -> accepted by the API (webhook included) -> delegate created in the peer -> proxy
//    bound -> delegate Running -> proxy Running; serve's own figures per binding step come from its /metrics.
// 3. A peer's capacity changes (a pod requesting 1 CPU appears or goes in eu-west): time until the
//    virtual node liqo-eu-west in us-east shows the new allocatable, beside the time the change took
//    to reach eu-west's own watch (the floor for anyone watching).
// Times are taken from watch events in this process (client clock on both ends).

import { existsSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { API_VERSION } from '../../src/api/schema.js';
import { Informer } from '../../src/kube/informer.js';
import type { KubeClient } from '../../src/kube/client.js';
import { REQUEST_CONNECTIONS } from '../../src/kube/transport.js';
import { REQUEST_STREAMS } from '../../src/kube/h2.js';
import type { Node, Pod } from '../../src/scheduling/kinds.js';
import { silentLogger } from '../../src/util/log.js';
import { formatTable } from '../../src/util/table.js';
import { waitFor } from '../../src/util/wait.js';
import { startTestFleet } from '../../test/support/fleet.js';
import { CLI, meridianBackground, stopChild } from '../../test/support/cli.js';
import { freePort } from '../../test/support/envtest.js';
import { startSchedulingStack } from '../../test/support/scheduling.js';
import { histogramDelta, quantile, serverLatency } from '../gitops/metrics.js';
import { between, bound, bucketQuantile, firstSeen, histograms, pct, present, row, running, span } from './stages.js';

const { values } = parseArgs({
  options: {
    pods: { type: 'string', default: '100' }, changes: { type: 'string', default: '10' },
    // Defaults are the CI slot; a loaded run elsewhere on the machine needs another one.
    'port-base': { type: 'string', default: '27500' }, 'ingress-net': { type: 'string', default: '17' },
    // The scheduling stack in this process instead of a `meridian serve` process: its event loop is
    // then the measuring client's too, and every timestamp of the elected wave is late by its delay.
    inline: { type: 'boolean', default: false },
    // A CPU profile of `meridian serve` over the run, written into this directory when serve exits.
    'profile-serve': { type: 'string' },
  },
});
const N = Number(values.pods);
const CHANGES = Number(values.changes);
const PORT_BASE = Number(values['port-base']);
const INGRESS_NET = Number(values['ingress-net']);
for (const [flag, v, min, max] of [['--pods', N, 1, 5000], ['--changes', CHANGES, 0, 1000], ['--port-base', PORT_BASE, 1024, 65000], ['--ingress-net', INGRESS_NET, 1, 254]] as const) {
  if (!Number.isInteger(v) || v < min || v > max) throw new Error(`${flag} must be an integer in [${min}, ${max}], got ${v}`);
}
const PEERS = ['eu-west', 'ap-south'];

/** Creates N pods, 10 at a time; returns when each create was sent and when the API accepted it. */
async function createAll(client: KubeClient, ns: string, prefix: string, annotations: Record<string, string>, cpu: string): Promise<{ created: Map<string, number>; accepted: Map<string, number> }> {
  const created = new Map<string, number>();
  const accepted = new Map<string, number>();
  const names = Array.from({ length: N }, (_, i) => `${prefix}-${i}`);
  for (let i = 0; i < names.length; i += 10) {
    await Promise.all(names.slice(i, i + 10).map(async (name) => {
      created.set(name, Date.now());
      await client.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, annotations }, spec: { containers: [{ name: 'app', image: 'nginx:1.25', resources: { requests: { cpu, memory: '16Mi' } } }] } });
      accepted.set(name, Date.now());
    }));
  }
  return { created, accepted };
}

/** Applies a namespace and waits for its default ServiceAccount's token (1.20 admission refuses pods until then). */
async function namespaceReady(client: KubeClient, ns: string, labels: Record<string, string> = {}): Promise<void> {
  await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels } });
  await waitFor(async () => ((await client.get<{ secrets?: unknown[] } & Pod>('v1', 'ServiceAccount', 'default', ns))?.secrets?.length ?? 0) > 0, { timeoutMs: 60_000, what: `default ServiceAccount token in ${ns}` });
}

/** `meridian serve --controllers clusters,scheduling` as its own process (built CLI: `npm run build` first), as a user runs it. */
async function serveStack(kubeconfig: string): Promise<{ stop: () => Promise<void>; metrics?: () => Promise<string> }> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (or pass --inline)`);
  const port = await freePort();
  const serve = meridianBackground(['serve', '--kubeconfig', kubeconfig, '--controllers', 'clusters,scheduling', '--probe-interval', '1', '--http-port', String(port), '--no-leader-elect', '--dns-port', '0'], values['profile-serve'] ? ['--cpu-prof', `--cpu-prof-dir=${values['profile-serve']}`] : []);
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.ok, { timeoutMs: 120_000, what: 'meridian serve /readyz', onTimeout: () => serve.output().slice(-2000) });
  return {
    metrics: async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).text(),
    stop: async () => {
      await stopChild(serve);
      // What serve warned about, by message (a placement retried or a binding refused shows here).
      const counts = new Map<string, number>();
      for (const line of serve.output().split('\n')) {
        try {
          const e = JSON.parse(line) as { level?: number; msg?: string };
          if ((e.level ?? 0) >= 40) counts.set(e.msg ?? '', (counts.get(e.msg ?? '') ?? 0) + 1);
        } catch { /* not a log line */ }
      }
      console.log(`meridian serve warnings: ${counts.size ? [...counts].map(([m, n]) => `${n} x "${m}"`).join(', ') : 'none'}`);
    },
  };
}

async function main(): Promise<void> {
  const fleet = await startTestFleet({ portBase: PORT_BASE, ingressNet: INGRESS_NET, join: true, nodes: 2 });
  const informers: Informer[] = [];
  try {
    const c: Record<string, KubeClient> = {};
    for (const name of ['us-east', ...PEERS]) c[name] = await fleet.client(name);
    const stack: { stop: () => Promise<void>; metrics?: () => Promise<string> } = values.inline ? await startSchedulingStack(fleet.hub, silentLogger, 1, { heartbeatMs: 2000 }) : await serveStack(fleet.kubeconfig);
    for (const to of PEERS) await fleet.hub.apply({ apiVersion: API_VERSION, kind: 'Peering', metadata: { name: `us-east-to-${to}` }, spec: { from: 'us-east', to } });
    for (const to of PEERS) await waitFor(async () => (await c['us-east'].get<Node>('v1', 'Node', `liqo-${to}`))?.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True'), { timeoutMs: 90_000, what: `liqo-${to} Ready` });
    const home = new Informer<Pod>(c['us-east'], { apiVersion: 'v1', kind: 'Pod' }).start();
    const remote = PEERS.map((p) => new Informer<Pod>(c[p], { apiVersion: 'v1', kind: 'Pod' }).start());
    informers.push(home, ...remote);
    await waitFor(() => home.hasSynced() && remote.every((r) => r.hasSynced()), { timeoutMs: 30_000, what: 'bench watches synced' });

    // 1. Baseline: kube-scheduler at home.
    await namespaceReady(c['us-east'], 'home');
    const inHome = (p: Pod) => (p.metadata?.namespace === 'home' ? p.metadata.name : undefined);
    const homeSeen = firstSeen(home, inHome, running);
    const homeBound = firstSeen(home, inHome, bound);
    const { created: homeCreated, accepted: homeAccepted } = await createAll(c['us-east'], 'home', 'home', {}, '10m');
    await waitFor(() => homeSeen.size === N, { timeoutMs: 300_000, what: `${N} home pods Running`, onTimeout: () => `${homeSeen.size} Running` });

    // 2. Fill us-east, then elect.
    const all = home.list();
    for (const node of ['us-east-node-1', 'us-east-node-2']) {
      const used = all.filter((p) => p.spec?.nodeName === node).reduce((s, p) => s + (p.spec?.containers ?? []).reduce((t, x) => t + parseFloat(x.resources?.requests?.cpu ?? '0') / (x.resources?.requests?.cpu?.endsWith('m') ? 1000 : 1), 0), 0);
      await c['us-east'].create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `filler-${node}`, namespace: 'default' }, spec: { nodeName: node, containers: [{ name: 'f', image: 'pause', resources: { requests: { cpu: `${Math.floor((4 - used) * 1000)}m` } } }] } });
    }
    await namespaceReady(c['us-east'], 'burst', { 'multicluster-scheduler': 'enabled' });
    const inBurst = (p: Pod) => (p.metadata?.namespace === 'burst' ? p.metadata.name : undefined);
    const proxySeen = firstSeen(home, inBurst, running);
    const proxyBound = firstSeen(home, inBurst, bound);
    const parent = (p: Pod) => (p.metadata?.labels?.['meridian.dev/source-cluster'] === 'us-east' ? p.metadata.labels['multicluster.admiralty.io/parent-name'] : undefined);
    const remoteRunning = remote.map((r) => firstSeen(r, parent, running));
    const remoteCreated = remote.map((r) => firstSeen(r, parent, present));
    // This process's own delay (with --inline the scheduling stack's too) is added to every timestamp it takes.
    const loop = monitorEventLoopDelay({ resolution: 10 });
    const serversText = () => Promise.all(['us-east', ...PEERS].map(async (n) => (await c[n].getText('/metrics', 10_000)).text));
    const serversBefore = await serversText();
    loop.enable();
    const { created: burstCreated, accepted: burstAccepted } = await createAll(c['us-east'], 'burst', 'elected', { 'multicluster.admiralty.io/elect': '' }, '50m');
    await waitFor(() => proxySeen.size === N, { timeoutMs: 300_000, what: `${N} proxies Running`, onTimeout: () => `${proxySeen.size} proxies Running` });
    loop.disable();
    const serversAfter = await serversText();
    const delegateSeen = new Map(remoteRunning.flatMap((m) => [...m]));
    const delegateCreated = new Map(remoteCreated.flatMap((m) => [...m]));
    const proxyFirst = [...proxySeen].filter(([k, t]) => !(delegateSeen.get(k)! <= t)).length;
    const failedScheduling = (await c['us-east'].list<Pod & { reason?: string; count?: number }>('v1', 'Event', { namespace: 'burst' })).items.filter((e) => e.reason === 'FailedScheduling').reduce((n, e) => n + (e.count ?? 1), 0);
    const placedRemote = home.list().filter((p) => p.metadata?.namespace === 'burst' && p.spec?.nodeName?.startsWith('liqo-')).length;

    // 3. Capacity change -> virtual node allocatable.
    const vnode = new Informer<Node>(c['us-east'], { apiVersion: 'v1', kind: 'Node' }).start();
    const euPods = remote[0];
    informers.push(vnode);
    await waitFor(() => vnode.hasSynced(), { timeoutMs: 30_000 });
    const capacity: number[] = [];
    const watchFloor: number[] = [];
    for (let i = 0; i < CHANGES; i++) {
      const before = vnode.get('liqo-eu-west')?.status?.allocatable?.cpu;
      const t0 = Date.now();
      let seenAt = 0;
      const onPod = (p: Pod) => { if (p.metadata?.name === 'capacity' && !seenAt) seenAt = Date.now(); };
      euPods.on('add', onPod).on('delete', onPod);
      if (i % 2 === 0) await c['eu-west'].create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'capacity', namespace: 'default' }, spec: { nodeName: 'eu-west-node-1', containers: [{ name: 'c', image: 'pause', resources: { requests: { cpu: '1' } } }] } });
      else await c['eu-west'].delete('v1', 'Pod', 'capacity', 'default', { gracePeriodSeconds: 0 });
      await waitFor(() => vnode.get('liqo-eu-west')?.status?.allocatable?.cpu !== before, { timeoutMs: 60_000, intervalMs: 5, what: `liqo-eu-west allocatable change ${i}` });
      capacity.push(Date.now() - t0);
      watchFloor.push((seenAt || Date.now()) - t0);
      euPods.off('add', onPod).off('delete', onPod);
    }
    const queues = await stack.metrics?.();
    await stack.stop();

    const h = between(homeCreated, homeSeen);
    const p = between(burstCreated, proxySeen);
    console.log(`\nbursting on the local fleet (portBase ${PORT_BASE}, ingressNet ${INGRESS_NET}): ${N} pods each; ${placedRemote}/${N} elected pods placed in peers; proxies seen Running before this process's peer watch saw their delegate Running: ${proxyFirst} (two watch streams: arrival order, not write order; the mirror writes Running only from a delegate it saw Running)\n`);
    console.log(formatTable(['measurement', 'n', 'p50', 'p99', 'max'], [
      row('home pods, kube-scheduler: created -> Running (baseline)', h),
      row('  home: created -> accepted by the API', between(homeCreated, homeAccepted)),
      row('  home: accepted -> bound by kube-scheduler', between(homeAccepted, homeBound)),
      row('  home: bound -> Running', between(homeBound, homeSeen)),
      row('elected: created -> delegate Running in peer', between(burstCreated, delegateSeen)),
      row('elected: created -> proxy Running at home', p),
      row('  elected: created -> accepted by the API (webhook)', between(burstCreated, burstAccepted)),
      row('  elected: accepted -> bound (placement decided)', between(burstAccepted, proxyBound)),
      row('  elected: accepted -> delegate created in peer', between(burstAccepted, delegateCreated)),
      row('  elected: delegate created -> bound', between(delegateCreated, proxyBound)),
      row('  elected: delegate created -> delegate Running', between(delegateCreated, delegateSeen)),
      row('  elected: delegate Running -> proxy Running', between(delegateSeen, proxySeen)),
      row('peer pod change -> seen by a watch in the peer (floor)', watchFloor),
      row('peer pod change -> liqo-eu-west allocatable updated', capacity),
    ]));
    console.log(`\nfirst to last: home bound ${span(homeBound)} ms; elected bound ${span(proxyBound)} ms, delegates created ${span(delegateCreated)} ms, proxies Running ${span(proxySeen)} ms; FailedScheduling events on elected pods: ${failedScheduling} (each one a retry after the scheduler's retry delay)`);
    console.log(`scheduling stack: ${values.inline ? 'in this process (--inline)' : 'meridian serve, its own process'}; event loop delay of this process${values.inline ? ' (scheduler, reflector, watches)' : ' (the measuring watches)'} during the elected wave: p50 ${Math.round(loop.percentile(50) / 1e6)} ms, p99 ${Math.round(loop.percentile(99) / 1e6)} ms, max ${Math.round(loop.max / 1e6)} ms`);
    console.log(`p99 proxy Running minus p99 home baseline: ${pct(p, 99) - pct(h, 99)} ms; p99 delegate Running minus p99 home baseline: ${pct(between(burstCreated, delegateSeen), 99) - pct(h, 99)} ms (goal: both within 2000 ms)`);
    printServers(serversBefore, serversAfter);
    if (queues) printQueues(queues);
  } finally {
    for (const i of informers) i.stop();
    await fleet.stop();
  }
}

/**
 * The API servers' own time for the wave's requests (apiserver_request_duration_seconds, before and
 * after the elected wave): what serve waited beyond it was its client, its event loop or the wire.
 */
function printServers(before: string[], after: string[]): void {
  const ms = (s: number) => `${Math.round(s * 1000)} ms`;
  const rows: Array<[string, number, (l: Record<string, string>) => boolean]> = [
    ['us-east: POST pods (elected, webhook included)', 0, (l) => l.verb === 'POST' && l.resource === 'pods' && !l.subresource],
    ['us-east: POST pods/binding', 0, (l) => l.verb === 'POST' && l.resource === 'pods' && l.subresource === 'binding'],
    ['us-east: PATCH pods/status', 0, (l) => l.verb === 'PATCH' && l.resource === 'pods' && l.subresource === 'status'],
    ...PEERS.map((p, i): [string, number, (l: Record<string, string>) => boolean] => [`${p}: POST pods (delegates)`, i + 1, (l) => l.verb === 'POST' && l.resource === 'pods' && !l.subresource]),
  ];
  console.log(`\nthe API servers' own time during the elected wave (apiserver_request_duration_seconds; p50/p99 interpolated in buckets):\n`);
  console.log(formatTable(['requests', 'n', 'mean', 'p50', 'p99'], rows.map(([what, i, match]) => {
    const h = histogramDelta(serverLatency(after[i], match), serverLatency(before[i], match));
    return [what, `${h.count}`, ms(h.count ? h.sum / h.count : 0), ms(quantile(h, 0.5)), ms(quantile(h, 0.99))];
  })));
}

/** Where serve spent the run, from its own /metrics: per scheduling queue, how long keys waited and how long reconciles took. */
function printQueues(text: string): void {
  const waits = histograms(text, 'meridian_controller_queue_wait_seconds', 'controller');
  const runs = histograms(text, 'meridian_controller_reconcile_duration_seconds', 'controller');
  const ms = (s: number) => (Number.isFinite(s) ? `${Math.round(s * 1000)} ms` : '> 30 s');
  const rows = [...runs].filter(([c]) => c.startsWith('scheduling-')).map(([c, r]) => {
    const w = waits.get(c) ?? { buckets: [], sum: 0, count: 0 };
    return [c, `${r.count}`, ms(w.count ? w.sum / w.count : 0), `<= ${ms(bucketQuantile(w, 0.99))}`, ms(r.count ? r.sum / r.count : 0), `<= ${ms(bucketQuantile(r, 0.99))}`];
  });
  console.log(`\nmeridian serve's scheduling queues over the whole run (its /metrics; p99 as the histogram bucket that holds it):\n`);
  console.log(formatTable(['queue', 'reconciles', 'wait mean', 'wait p99', 'reconcile mean', 'reconcile p99'], rows));
  const steps = histograms(text, 'meridian_scheduling_binding_step_seconds', 'step');
  console.log(`\nmeridian serve's bindings to virtual nodes, by step (slot: decided until a binding slot was free; delegate: made in the peer; bind: the Binding request):\n`);
  console.log(formatTable(['step', 'n', 'mean', 'p50', 'p99'], [...steps].map(([step, h]) => [step, `${h.count}`, ms(h.count ? h.sum / h.count : 0), `<= ${ms(bucketQuantile(h, 0.5))}`, `<= ${ms(bucketQuantile(h, 0.99))}`])));
  printClients(text);
  const gauge = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  console.log(`serve's event loop delay since its last scrape: p50 ${ms(gauge('meridian_nodejs_eventloop_lag_p50_seconds'))}, p99 ${ms(gauge('meridian_nodejs_eventloop_lag_p99_seconds'))}, max ${ms(gauge('meridian_nodejs_eventloop_lag_max_seconds'))}; CPU time ${gauge('meridian_process_cpu_seconds_total').toFixed(1)} s since it started`);
}

/**
 * serve's requests to each cluster, from its clients' own timings: the wait for a connection (or
 * stream) by priority, and the whole request by verb (the API servers' side of the same requests is
 * printed above).
 */
function printClients(text: string): void {
  const ms = (s: number) => (Number.isFinite(s) ? `${Math.round(s * 1000)} ms` : '> 30 s');
  const transport = process.env.MERIDIAN_KUBE_HTTP2 === '0' ? `one of ${REQUEST_CONNECTIONS} HTTP/1.1 connections` : `one of ${REQUEST_STREAMS} HTTP/2 streams`;
  console.log(`\nmeridian serve's requests over the whole run (its clients' timings; the wait is for ${transport}):\n`);
  const rows: string[][] = [];
  for (const cluster of ['us-east', ...PEERS]) {
    const mine = text.split('\n').filter((l) => l.includes(`client="${cluster}"`)).join('\n');
    const add = (name: string, label: string, what: string) => {
      for (const [k, h] of histograms(mine, name, label)) if (h.count > 0) rows.push([cluster, `${what} ${k}`, `${h.count}`, ms(h.sum / h.count), `<= ${ms(bucketQuantile(h, 0.5))}`, `<= ${ms(bucketQuantile(h, 0.99))}`]);
    };
    add('meridian_kube_client_connection_wait_seconds', 'priority', 'wait, priority');
    add('meridian_kube_client_request_duration_seconds', 'verb', 'request');
  }
  console.log(formatTable(['cluster', 'what', 'n', 'mean', 'p50', 'p99'], rows));
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
