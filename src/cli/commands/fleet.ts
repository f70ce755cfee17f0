import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { locateBinaries, type KubeBinaries } from '../../fleet/binaries.js';
import { fleetStatus } from '../../fleet/health.js';
import { fleetDown, fleetUp, killCluster, runningCluster, startSupervisor, stopCluster, waitReady } from '../../fleet/fleet.js';
import { FleetSupervisor } from '../../fleet/fleet-supervisor.js';
import { fleetKubeconfigPath, type FleetSpec } from '../../fleet/layout.js';
import { requireFleet, resolveFleet } from '../../fleet/state.js';
import { createLogger } from '../../util/log.js';
import { formatMiB, formatTable } from '../../util/table.js';
import { parseFleetUp, type FleetUpFlags } from '../options/fleet.js';
import { resolveStateDir } from '../options/common.js';
import { stopDetached } from '../../serve/detach.js';

const ENSURE_SCRIPT = fileURLToPath(new URL('../../../scripts/ensure-kubernetes.sh', import.meta.url));

/** Finds the cached Kubernetes binaries, building them first (with progress) when missing or corrupt. */
export function ensureBinaries(): KubeBinaries {
  try {
    return locateBinaries(undefined, true);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\nbuilding them now (a first build takes several minutes)\n`);
    const r = spawnSync('bash', [ENSURE_SCRIPT], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`building the Kubernetes binaries failed (exit ${r.status}); see the output above`, { cause: err });
    return locateBinaries(undefined, true);
  }
}

function clusterTable(spec: FleetSpec): string {
  return formatTable(['CLUSTER', 'ROLE', 'REGION', 'API SERVER', 'INGRESS', 'POD CIDR', 'SERVICE CIDR', 'NODES'],
    spec.clusters.map((c) => [c.name, c.role, c.region, `https://127.0.0.1:${c.apiserverPort}`, c.role === 'member' ? `${c.ingressAddress}:${c.ingressPort}` : '-', c.podCidr, c.serviceCidr, c.nodes]));
}

async function up(flags: FleetUpFlags): Promise<void> {
  const opts = parseFleetUp(flags);
  ensureBinaries();
  const spec = resolveFleet(opts.stateDir, opts.shape, opts.shapeGiven);
  const started = Date.now();
  const results = await fleetUp(spec, { mergeKubeconfig: opts.mergeKubeconfig, timeoutMs: opts.timeoutMs, onProgress: (m) => console.log(`  ${m}`) });
  for (const r of results) if (r.action === 'already running') console.log(`${r.cluster.name}: already running`);
  console.log(`\nfleet ready in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
  console.log(clusterTable(spec));
  console.log(`\nkubeconfig: ${fleetKubeconfigPath(spec)}${opts.mergeKubeconfig ? ` (contexts merged into ${opts.mergeKubeconfig})` : ''}`);
}

async function status(flags: { stateDir?: string; json?: boolean }): Promise<void> {
  const spec = requireFleet(resolveStateDir(flags.stateDir));
  const health = await fleetStatus(spec);
  if (flags.json) {
    console.log(JSON.stringify(health.map((h) => ({ ...h, cluster: h.cluster.name })), null, 2));
    return;
  }
  console.log(formatTable(['CLUSTER', 'STATE', 'API SERVER', 'NODES', 'COMPONENT', 'PID', 'STATUS', 'RESTARTS', 'MEMORY', 'LAST EXIT'],
    health.flatMap((h) => {
      const head = [h.cluster.name, h.state, h.apiserver, `${h.nodes.ready}/${h.nodes.total}`];
      const rows = h.components.map((c, i) => [...(i === 0 ? head : ['', '', '', '']), c.name, c.pid ?? '-', c.state, c.restarts, formatMiB(c.rssBytes), c.lastExit ?? '']);
      const sup = [...(rows.length ? ['', '', '', ''] : head), spec.supervisors === 'per-cluster' ? 'supervisor' : 'supervisor (shared)', h.supervisorPid ?? '-', h.state === 'killed' || h.state === 'stopped' ? h.state : 'running', 0, formatMiB(h.supervisorRssBytes), h.message ?? ''];
      return [...rows, sup];
    })));
  const crashed = health.flatMap((h) => h.components.filter((c) => c.lastExit).map((c) => `${h.cluster.name}/${c.name}`));
  if (crashed.length) console.log(`\ncomponents that crashed and were restarted: ${crashed.join(', ')} (see logs under ${spec.stateDir}/clusters/<name>/logs)`);
}

async function down(flags: { stateDir?: string; purge?: boolean }): Promise<void> {
  const spec = requireFleet(resolveStateDir(flags.stateDir));
  if (await stopDetached(spec.stateDir)) console.log('stopped meridian serve');
  const stopped = await fleetDown(spec, flags.purge);
  console.log(stopped.length ? `stopped ${stopped.join(', ')}` : 'nothing was running');
  if (flags.purge) console.log(`removed ${spec.stateDir}`);
}

async function kill(name: string, flags: { stateDir?: string }): Promise<void> {
  const spec = requireFleet(resolveStateDir(flags.stateDir));
  if (!spec.clusters.some((c) => c.name === name)) throw new Error(`no cluster "${name}" in the fleet (clusters: ${spec.clusters.map((c) => c.name).join(', ')})`);
  console.log((await killCluster(spec, name)) ? `killed ${name} (every process of its group, SIGKILL)` : `${name} was not running`);
}

async function revive(name: string, flags: { stateDir?: string; timeout?: string }): Promise<void> {
  const spec = requireFleet(resolveStateDir(flags.stateDir));
  const cluster = spec.clusters.find((c) => c.name === name);
  if (!cluster) throw new Error(`no cluster "${name}" in the fleet`);
  ensureBinaries();
  if (runningCluster(spec, name)) {
    console.log(`${name} is already running`);
    return;
  }
  const started = Date.now();
  startSupervisor(spec, cluster);
  await waitReady(spec, [cluster], Number(flags.timeout ?? 120) * 1000);
  console.log(`revived ${name} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

async function supervise(flags: { stateDir: string; id: string; clusters: string }): Promise<void> {
  const spec = requireFleet(flags.stateDir);
  const names = flags.clusters.split(',').filter(Boolean);
  const unknown = names.find((n) => !spec.clusters.some((c) => c.name === n));
  if (unknown) throw new Error(`no cluster "${unknown}" in ${flags.stateDir}`);
  const log = createLogger('info', `supervisor-${flags.id}`);
  const sup = new FleetSupervisor(spec, flags.id, locateBinaries(), log);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void sup.stop().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop).on('SIGINT', stop);
  sup.start(names);
}

/** `meridian fleet ...`: the local multi-region fleet. */
export function registerFleetCommands(program: Command): void {
  const fleet = program.command('fleet').description('run a real multi-region fleet on loopback');
  fleet.command('up').description('start hub, us-east, eu-west and ap-south (or --clusters) and wait until every node is Ready')
    .option('--state-dir <dir>', 'where the fleet keeps its data (default ~/.meridian/fleet)')
    .option('--clusters <n|names>', 'number of members, or their names (comma-separated)')
    .option('--nodes <n>', 'simulated nodes per member (default 3)')
    .option('--port-base <port>', 'first port: cluster i uses base+10i (API) and base+10i+1..2 (etcd)')
    .option('--ingress-net <n>', 'ingress endpoints listen on 127.0.<n>.<index> (default 1)')
    .option('--ingress-port <port>', 'ingress port (default 8080)')
    .option('--pod-cidrs <name=cidr,...>', 'chosen pod CIDRs (IPv4 /16), overlapping ones allowed, for network tests')
    .option('--service-cidrs <name=cidr,...>', 'chosen service CIDRs')
    .option('--kubeconfig <file>', 'kubeconfig to merge the contexts into (default $KUBECONFIG or ~/.kube/config)')
    .option('--no-merge-kubeconfig', 'only write the fleet\'s own kubeconfig')
    .option('--supervisors <layout>', 'shared (one supervisor process for every cluster, the default) or per-cluster (the layout before, for comparison)')
    .option('--tuning <flags>', 'small (component flags trimmed for a small cluster, the default) or stock')
    .option('--timeout <seconds>', 'how long to wait for the fleet to be ready (default 180, and 60 more for each later wave of clusters booting one per CPU)')
    .action(up);
  fleet.command('status').description('health and memory of every component').option('--state-dir <dir>').option('--json').action(status);
  fleet.command('down').description('stop every cluster; no process is left behind').option('--state-dir <dir>').option('--purge', 'also delete the fleet\'s data').action(down);
  fleet.command('kill <cluster>').description('kill a cluster at once, for outage drills').option('--state-dir <dir>').action(kill);
  fleet.command('revive <cluster>').description('restart a killed cluster with its data').option('--state-dir <dir>').option('--timeout <seconds>').action(revive);
  fleet.command('kubeconfig').description('print the path of the fleet kubeconfig').option('--state-dir <dir>')
    .action((flags: { stateDir?: string }) => console.log(fleetKubeconfigPath(requireFleet(resolveStateDir(flags.stateDir)))));
  fleet.command('supervise', { hidden: true }).requiredOption('--state-dir <dir>').requiredOption('--id <id>').requiredOption('--clusters <names>').action(supervise);
}

export { stopCluster };
