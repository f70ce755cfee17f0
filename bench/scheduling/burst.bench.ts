// Bursting latency on the local fleet:
//   npx tsx bench/scheduling/burst.bench.ts [--pods 100] [--changes 10]
// 1. Baseline, same run: N ordinary pods created in us-east and placed by kube-scheduler at home,
//    creation -> Running.
// 2. us-east filled (pinned pods request what is left), then N pods elected with Admiralty's
//    annotation: creation -> delegate Running in eu-west/ap-south, and creation -> proxy Running at
//    home (the proxy mirrors the delegate, so it is never Running first).
// 3. A peer's capacity changes (a pod requesting 1 CPU appears or goes in eu-west): time until the
//    virtual node liqo-eu-west in us-east shows the new allocatable, beside the time the change took
//    to reach eu-west's own watch (the floor for anyone watching).
// Times are taken from watch events in this process (client clock on both ends).

import { parseArgs } from 'node:util';
import { API_VERSION } from '../../src/api/schema.js';
import { Informer } from '../../src/kube/informer.js';
import type { KubeClient } from '../../src/kube/client.js';
import type { Node, Pod } from '../../src/scheduling/kinds.js';
import { silentLogger } from '../../src/util/log.js';
import { formatTable } from '../../src/util/table.js';
import { waitFor } from '../../src/util/wait.js';
import { startTestFleet } from '../../test/support/fleet.js';
import { startSchedulingStack } from '../../test/support/scheduling.js';

const { values } = parseArgs({ options: { pods: { type: 'string', default: '100' }, changes: { type: 'string', default: '10' } } });
const N = Number(values.pods);
const CHANGES = Number(values.changes);
const PEERS = ['eu-west', 'ap-south'];

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

/** Records, per pod name, the first instant a watch saw it Running. */
function runningTimes(informer: Informer<Pod>, match: (p: Pod) => string | undefined): Map<string, number> {
  const seen = new Map<string, number>();
  const on = (p: Pod) => {
    const key = match(p);
    if (key && p.status?.phase === 'Running' && !seen.has(key)) seen.set(key, Date.now());
  };
  informer.on('add', on).on('update', on);
  return seen;
}

async function createAll(client: KubeClient, ns: string, prefix: string, annotations: Record<string, string>, cpu: string): Promise<Map<string, number>> {
  const created = new Map<string, number>();
  const names = Array.from({ length: N }, (_, i) => `${prefix}-${i}`);
  for (let i = 0; i < names.length; i += 10) {
    await Promise.all(names.slice(i, i + 10).map(async (name) => {
      created.set(name, Date.now());
      await client.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, annotations }, spec: { containers: [{ name: 'app', image: 'nginx:1.25', resources: { requests: { cpu, memory: '16Mi' } } }] } });
    }));
  }
  return created;
}

/** Applies a namespace and waits for its default ServiceAccount's token (1.20 admission refuses pods until then). */
async function namespaceReady(client: KubeClient, ns: string, labels: Record<string, string> = {}): Promise<void> {
  await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels } });
  await waitFor(async () => ((await client.get<{ secrets?: unknown[] } & Pod>('v1', 'ServiceAccount', 'default', ns))?.secrets?.length ?? 0) > 0, { timeoutMs: 60_000, what: `default ServiceAccount token in ${ns}` });
}

function latencies(created: Map<string, number>, seen: Map<string, number>): number[] {
  return [...created].map(([name, t]) => (seen.get(name) ?? NaN) - t);
}

async function main(): Promise<void> {
  const fleet = await startTestFleet({ portBase: 27500, ingressNet: 17, join: true, nodes: 2 });
  const informers: Informer[] = [];
  try {
    const c: Record<string, KubeClient> = {};
    for (const name of ['us-east', ...PEERS]) c[name] = await fleet.client(name);
    const stack = await startSchedulingStack(fleet.hub, silentLogger, 1, { heartbeatMs: 2000 });
    for (const to of PEERS) await fleet.hub.apply({ apiVersion: API_VERSION, kind: 'Peering', metadata: { name: `us-east-to-${to}` }, spec: { from: 'us-east', to } });
    for (const to of PEERS) await waitFor(async () => (await c['us-east'].get<Node>('v1', 'Node', `liqo-${to}`))?.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True'), { timeoutMs: 90_000, what: `liqo-${to} Ready` });
    const home = new Informer<Pod>(c['us-east'], { apiVersion: 'v1', kind: 'Pod' }).start();
    const remote = PEERS.map((p) => new Informer<Pod>(c[p], { apiVersion: 'v1', kind: 'Pod' }).start());
    informers.push(home, ...remote);
    await waitFor(() => home.hasSynced() && remote.every((r) => r.hasSynced()), { timeoutMs: 30_000, what: 'bench watches synced' });

    // 1. Baseline: kube-scheduler at home.
    await namespaceReady(c['us-east'], 'home');
    const homeSeen = runningTimes(home, (p) => (p.metadata?.namespace === 'home' ? p.metadata.name : undefined));
    const homeCreated = await createAll(c['us-east'], 'home', 'home', {}, '10m');
    await waitFor(() => homeSeen.size === N, { timeoutMs: 300_000, what: `${N} home pods Running`, onTimeout: () => `${homeSeen.size} Running` });

    // 2. Fill us-east, then elect.
    const all = home.list();
    for (const node of ['us-east-node-1', 'us-east-node-2']) {
      const used = all.filter((p) => p.spec?.nodeName === node).reduce((s, p) => s + (p.spec?.containers ?? []).reduce((t, x) => t + parseFloat(x.resources?.requests?.cpu ?? '0') / (x.resources?.requests?.cpu?.endsWith('m') ? 1000 : 1), 0), 0);
      await c['us-east'].create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `filler-${node}`, namespace: 'default' }, spec: { nodeName: node, containers: [{ name: 'f', image: 'pause', resources: { requests: { cpu: `${Math.floor((4 - used) * 1000)}m` } } }] } });
    }
    await namespaceReady(c['us-east'], 'burst', { 'multicluster-scheduler': 'enabled' });
    const proxySeen = runningTimes(home, (p) => (p.metadata?.namespace === 'burst' ? p.metadata.name : undefined));
    const delegateSeen = new Map<string, number>();
    const remoteSeen = remote.map((r) => runningTimes(r, (p) => (p.metadata?.labels?.['meridian.dev/source-cluster'] === 'us-east' ? p.metadata.labels['multicluster.admiralty.io/parent-name'] : undefined)));
    const burstCreated = await createAll(c['us-east'], 'burst', 'elected', { 'multicluster.admiralty.io/elect': '' }, '50m');
    await waitFor(() => proxySeen.size === N, { timeoutMs: 300_000, what: `${N} proxies Running`, onTimeout: () => `${proxySeen.size} proxies Running` });
    for (const m of remoteSeen) for (const [k, v] of m) delegateSeen.set(k, v);
    const proxyFirst = [...proxySeen].filter(([k, t]) => !(delegateSeen.get(k)! <= t)).length;
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
    await stack.stop();

    const h = latencies(homeCreated, homeSeen);
    const d = latencies(burstCreated, delegateSeen);
    const p = latencies(burstCreated, proxySeen);
    const row = (what: string, xs: number[]) => [what, String(xs.length), `${pct(xs, 50)} ms`, `${pct(xs, 99)} ms`, `${Math.max(...xs)} ms`];
    console.log(`\nbursting on the local fleet: ${N} pods each; ${placedRemote}/${N} elected pods placed in peers; proxies Running before their delegate: ${proxyFirst}\n`);
    console.log(formatTable(['measurement', 'n', 'p50', 'p99', 'max'], [
      row('home pods, kube-scheduler: created -> Running (baseline)', h),
      row('elected: created -> delegate Running in peer', d),
      row('elected: created -> proxy Running at home', p),
      row('peer pod change -> seen by a watch in the peer (floor)', watchFloor),
      row('peer pod change -> liqo-eu-west allocatable updated', capacity),
    ]));
    console.log(`\np99 proxy Running minus p99 home baseline: ${pct(p, 99) - pct(h, 99)} ms (goal: within 2000 ms)`);
  } finally {
    for (const i of informers) i.stop();
    await fleet.stop();
  }
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
