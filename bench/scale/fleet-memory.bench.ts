// Memory of the local fleet per member cluster, and `meridian serve`'s memory and CPU per member:
//   npx tsx bench/scale/fleet-memory.bench.ts [--clusters 3] [--baseline-clusters 3] [--nodes 3]
//     [--settle 30] [--cpu-seconds 60] [--serve-seconds 60] [--port-base 40000] [--ingress-net 40] [--no-baseline]
// 1. Baseline, same run: the layout before issue 14 (one Node supervisor process per cluster,
//    stock component flags) with --baseline-clusters members (default: --clusters, at most 4;
//    each of its clusters costs the same whatever their number, and 24 of them would not fit beside
//    the tests).
// 2. The fleet as `meridian fleet up` runs it now (one supervisor for every cluster, flags for a
//    small cluster) with --clusters members.
// For each: up until every node is Ready (how long, each cluster's own start, the load average
// meanwhile), --settle seconds, then per-process RSS and PSS (/proc/PID/smaps_rollup, median of 3
// samples) and CPU over --cpu-seconds of idling, by role, per member cluster; then Meridian is
// installed on the hub, every member joined, and `meridian serve` (every controller) runs until
// every member is Ready and then --serve-seconds more: its RSS and CPU seconds, per member.

import { spawn, type ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import type { KubeObject } from '../../src/kube/types.js';
import { formatTable } from '../../src/util/table.js';
import { sleep, waitFor } from '../../src/util/wait.js';
import { startTestFleet, type TestFleet } from '../../test/support/fleet.js';
import { CLI } from '../../test/support/cli.js';
import { readStatus } from '../../src/fleet/status.js';
import { clusterPaths } from '../../src/fleet/layout.js';
import { startConcurrency } from '../../src/fleet/startup.js';
import { cpuPerMember, cpuSecondsOfTree, LoadSampler, memoryPerMember, ROLES, rssOfTree, type CpuPerMember, type PerMember } from './memory.js';

const { values } = parseArgs({
  options: {
    clusters: { type: 'string', default: '3' }, 'baseline-clusters': { type: 'string' }, nodes: { type: 'string', default: '3' },
    settle: { type: 'string', default: '30' }, 'cpu-seconds': { type: 'string', default: '60' }, 'serve-seconds': { type: 'string', default: '60' },
    'port-base': { type: 'string', default: '40000' }, 'ingress-net': { type: 'string', default: '40' }, 'no-baseline': { type: 'boolean', default: false },
  },
});
const int = (flag: string, v: string | undefined, min: number, max: number) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${flag} must be an integer in [${min}, ${max}], got ${v}`);
  return n;
};
const N = int('clusters', values.clusters, 1, 50);
const BASE_N = int('baseline-clusters', values['baseline-clusters'] ?? String(Math.min(N, 4)), 1, 50);
const NODES = int('nodes', values.nodes, 1, 20);
const SETTLE_S = int('settle', values.settle, 0, 3600);
const SERVE_S = int('serve-seconds', values['serve-seconds'], 10, 3600);
const CPU_S = int('cpu-seconds', values['cpu-seconds'], 15, 3600);
const PORT_BASE = int('port-base', values['port-base'], 1024, 64000);
const INGRESS_NET = int('ingress-net', values['ingress-net'], 1, 254);

type Load = { min: number; mean: number; max: number };
interface ServeFigures { members: number; readyAfterS: number; startupCpuS: number; rssMiB: number; windowCpuS: number; load: Load }
/** Each cluster's own start (supervisor's start of the cluster to every node Ready), seconds. */
interface Boots { min: number; median: number; max: number }
interface Phase { name: string; members: number; upS: number; upLoad: Load; boots: Boots; memory: PerMember; cpu: CpuPerMember; idleLoad: Load; serve: ServeFigures }

interface ClusterObj extends KubeObject { status?: { conditions?: Array<{ type: string; status: string }> } }

async function runServe(fleet: TestFleet, members: number): Promise<ServeFigures> {
  const httpPort = fleet.spec.portBase + 990;
  const child: ChildProcess = spawn(process.execPath, [CLI, 'serve', '--kubeconfig', fleet.kubeconfig, '--http-port', String(httpPort), '--dns-port', String(httpPort + 1),
    '--no-leader-elect', '--log-level', 'warn'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  const pid = child.pid as number;
  const started = Date.now();
  const load = new LoadSampler();
  try {
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`meridian serve exited ${child.exitCode}: ${err}`);
      const list = await fleet.hub.list<ClusterObj>('meridian.dev/v1alpha1', 'Cluster');
      return list.items.length === members && list.items.every((c) => c.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True'));
    }, { timeoutMs: 600_000, intervalMs: 1000, what: `every member Ready in meridian serve`, onTimeout: () => err });
    const readyAfterS = (Date.now() - started) / 1000;
    const startupCpuS = cpuSecondsOfTree(pid);
    await sleep(SERVE_S * 1000);
    if (child.exitCode !== null) throw new Error(`meridian serve exited ${child.exitCode}: ${err}`);
    return { members, readyAfterS, startupCpuS, rssMiB: rssOfTree(pid), windowCpuS: cpuSecondsOfTree(pid) - startupCpuS, load: load.stop() };
  } finally {
    load.stop();
    child.kill('SIGTERM');
    await Promise.race([new Promise((r) => child.once('exit', r)), sleep(15_000)]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/**
 * Starts the fleet on the first free slot of 1000 ports from --port-base: the slot lies in the
 * kernel's ephemeral range, so a client socket may hold one of its ports for a while (fleet up
 * refuses taken ports before it starts anything).
 */
async function startFleetInRange(members: number, layout: 'baseline' | 'now'): Promise<TestFleet> {
  for (let base = PORT_BASE; ; base += 1000) {
    try {
      return await startTestFleet({
        members, nodes: NODES, portBase: base, ingressNet: INGRESS_NET, join: false, upTimeoutMs: 1_200_000,
        supervisors: layout === 'baseline' ? 'per-cluster' : 'shared', tuning: layout === 'baseline' ? 'stock' : 'small',
      });
    } catch (err) {
      if (!/ports in use/.test((err as Error).message) || base + 2000 > PORT_BASE + 10_000) throw err;
      console.error(`ports from ${base} taken (${(err as Error).message.slice(0, 120)}...); trying ${base + 1000}`);
    }
  }
}

async function phase(name: string, members: number, layout: 'baseline' | 'now'): Promise<Phase> {
  const started = Date.now();
  console.error(`${name}: bringing up hub + ${members} members (${layout === 'baseline' ? 'one supervisor per cluster, stock flags' : `one supervisor, small-cluster flags, ${startConcurrency()} booting at a time`})`);
  const upLoadSampler = new LoadSampler();
  const fleet = await startFleetInRange(members, layout).finally(() => upLoadSampler.stop());
  try {
    const upS = (Date.now() - started) / 1000;
    const upLoad = upLoadSampler.stop();
    const boots = bootTimes(fleet);
    console.error(`${name}: ready in ${upS.toFixed(0)} s (each cluster's own start ${JSON.stringify(boots)} s, load ${JSON.stringify(upLoad)}); settling ${SETTLE_S} s`);
    await sleep(SETTLE_S * 1000);
    const idle = new LoadSampler();
    let memory: PerMember | undefined;
    const cpu = await cpuPerMember(fleet.spec, CPU_S * 1000, async () => (memory = await memoryPerMember(fleet.spec)));
    const idleLoad = idle.stop();
    if (!memory) throw new Error('no memory sample');
    console.error(`${name}: memory per member ${JSON.stringify(memory)}; CPU per member ${JSON.stringify(cpu)}; load ${JSON.stringify(idleLoad)}`);
    console.error(`${name}: joining ${members} members and running meridian serve`);
    const { installHub } = await import('../../src/clusters/install.js');
    const { joinCluster } = await import('../../src/clusters/join.js');
    await installHub(fleet.hub);
    for (const c of fleet.spec.clusters.filter((x) => x.role === 'member')) {
      await joinCluster(fleet.hub, await fleet.client(c.name), {
        name: c.name, region: c.region, labels: { env: 'production' }, podCIDRs: [c.podCidr], serviceCIDRs: [c.serviceCidr],
        ingressAddresses: [c.ingressAddress], ingressPort: c.ingressPort, privileges: 'least',
      });
    }
    const serve = await runServe(fleet, members);
    const result = { name, members, upS, upLoad, boots, memory, cpu, idleLoad, serve };
    console.error(`${name}: ${JSON.stringify(result)}`);
    return result;
  } finally {
    await fleet.stop();
  }
}

function bootTimes(fleet: TestFleet): Boots {
  const s = fleet.spec.clusters.map((c) => (readStatus(clusterPaths(fleet.spec, c.name).status)?.readyAfterMs ?? NaN) / 1000).sort((a, b) => a - b);
  return { min: s[0], median: s[Math.floor(s.length / 2)], max: s[s.length - 1] };
}

const mib = (n: number) => n.toFixed(1);
const load = (l: Load) => `${l.min.toFixed(1)}-${l.max.toFixed(1)} (mean ${l.mean.toFixed(1)})`;
const phases: Phase[] = [];
if (!values['no-baseline']) phases.push(await phase('baseline', BASE_N, 'baseline'));
phases.push(await phase('now', N, 'now'));

console.log(`\nMemory per member cluster, MiB (RSS / PSS), ${NODES} simulated nodes per member, after ${SETTLE_S} s settled; supervisor memory shared over every cluster it runs`);
console.log(formatTable(['ROLE', ...phases.map((p) => `${p.name} (${p.members} members) RSS`), ...phases.map((p) => `${p.name} PSS`)],
  [...ROLES, 'total' as const].map((r) => [r,
    ...phases.map((p) => mib(r === 'total' ? p.memory.rssTotal : p.memory.rss[r])),
    ...phases.map((p) => mib(r === 'total' ? p.memory.pssTotal : p.memory.pss[r]))])));
console.log(`\nCPU per member cluster while the fleet idles, % of one CPU, over ${CPU_S} s after the settle`);
console.log(formatTable(['ROLE', ...phases.map((p) => `${p.name} (${p.members} members)`)],
  [...ROLES, 'total' as const].map((r) => [r, ...phases.map((p) => (r === 'total' ? p.cpu.total : p.cpu.pct[r]).toFixed(2))])));
console.log(`load average while idling: ${phases.map((p) => `${p.name} ${load(p.idleLoad)}`).join(', ')}`);
console.log(`\nmeridian serve (every controller), after every member was Ready, over ${SERVE_S} s`);
console.log(formatTable(['FLEET', 'MEMBERS', 'READY AFTER', 'STARTUP CPU', 'RSS', 'RSS / MEMBER', `CPU / MEMBER / MIN`],
  phases.map((p) => [p.name, p.members, `${p.serve.readyAfterS.toFixed(0)} s`, `${p.serve.startupCpuS.toFixed(1)} s`, `${mib(p.serve.rssMiB)} MiB`,
    `${mib(p.serve.rssMiB / p.members)} MiB`, `${((p.serve.windowCpuS / p.members) * (60 / SERVE_S)).toFixed(2)} s`])));
console.log(`load average while serve ran: ${phases.map((p) => `${p.name} ${load(p.serve.load)}`).join(', ')}`);
console.log(`\nfleet up: ${phases.map((p) => `${p.name} ${p.members} members ${p.upS.toFixed(0)} s (each cluster's start ${p.boots.min.toFixed(0)}/${p.boots.median.toFixed(0)}/${p.boots.max.toFixed(0)} s min/median/max; load ${load(p.upLoad)})`).join(', ')}`);
process.exit(0);
