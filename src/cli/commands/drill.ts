import type { Command } from 'commander';
import type { GlobalService } from '../../api/globalservice.js';
import { API_VERSION } from '../../api/schema.js';
import type { KubeClient } from '../../kube/client.js';
import { fleetKubeconfigPath } from '../../fleet/layout.js';
import { requireFleet } from '../../fleet/state.js';
import { runDrill, type DrillReport } from '../../traffic/drill.js';
import { formatTable } from '../../util/table.js';
import { parseDrillFlags, type DrillFlags } from '../options/drill.js';
import { clientFor, resolveStateDir } from '../options/common.js';

function seconds(ms: number | undefined): string {
  return ms === undefined ? 'n/a' : `${(ms / 1000).toFixed(2)}s`;
}

/** The report as a table, one measured interval per row. */
export function formatDrill(r: DrillReport): string {
  const head = `${r.mode === 'cluster' ? 'killed cluster' : 'took down the ingress of'} ${r.cluster}; ${r.hostname} (TTL ${r.ttlSeconds}s): [${r.answerBefore.join(', ')}] -> [${r.answerDuring.join(', ')}]`;
  return `${head}\n\n${formatTable(['MEASURE', 'TIME', 'FROM'], [
    ['time to detect (backend marked Unhealthy)', seconds(r.timeToDetectMs), 'kill'],
    ['time until the DNS answer changed', seconds(r.timeToAnswerChangeMs), 'kill'],
    ['time until a TTL-honouring client moved', seconds(r.timeToClientMoveMs), 'kill'],
    ['region ingress back', seconds(r.regionBackMs), 'restore'],
    ['time to fail back', seconds(r.timeToFailBackMs), 'restore'],
  ])}`;
}

async function hostnameFor(hub: KubeClient, cluster: string): Promise<string> {
  const list = await hub.list<GlobalService>(API_VERSION, 'GlobalService');
  const gs = list.items.find((g) => g.status?.backends?.some((b) => b.cluster === cluster));
  if (!gs) throw new Error(`no GlobalService has a backend in ${cluster}; pass --hostname`);
  return gs.spec.hostnames[0].toLowerCase();
}

async function outage(cluster: string, flags: DrillFlags): Promise<void> {
  const o = parseDrillFlags(flags);
  const spec = requireFleet(resolveStateDir(o.stateDir));
  const hub = await clientFor(o.kubeconfig ?? fleetKubeconfigPath(spec), o.hubContext, 5000).catch(() => undefined);
  try {
    const hostname = o.hostname ?? (hub ? await hostnameFor(hub, cluster) : undefined);
    if (!hostname) throw new Error('cannot reach the hub to find the hostname; pass --hostname');
    const report = await runDrill({ spec, cluster, hostname, dns: o.dns, mode: o.mode, hub, timeoutMs: o.timeoutMs, onProgress: o.json ? undefined : (m) => console.log(`  ${m}`) });
    console.log(o.json ? JSON.stringify(report, null, 2) : `\n${formatDrill(report)}`);
  } finally {
    hub?.close();
  }
}

/** `meridian drill outage <region>`: kill a region of the local fleet and measure how traffic moved. */
export function registerDrillCommands(program: Command): void {
  const drill = program.command('drill').description('failover drills on the local fleet');
  drill.command('outage <cluster>').description('kill a region (or only its ingress), measure detection, DNS change, client move and fail-back')
    .option('--hostname <name>', 'the GlobalService hostname to watch (default: the first one with a backend in the region)')
    .option('--dns <host:port>', 'the DNS server answering the GSLB zone', '127.0.0.1:5353')
    .option('--ingress-only', 'take down only the region\'s ingress; the cluster keeps running')
    .option('--json', 'print the report as JSON')
    .option('--timeout <seconds>', 'give up after this long', '180')
    .option('--state-dir <dir>').option('--kubeconfig <file>').option('--context <name>', 'hub context', 'hub')
    .action(outage);
}
