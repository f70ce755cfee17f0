import type { Command } from 'commander';
import { API_VERSION } from '../../api/schema.js';
import type { Cluster } from '../../api/cluster.js';
import { statusFreshness } from '../../clusters/freshness.js';
import { installHub } from '../../clusters/install.js';
import { joinCluster } from '../../clusters/join.js';
import { formatAge, formatTable } from '../../util/table.js';
import { clientFor } from '../options/common.js';
import { parseJoin, type JoinFlags } from '../options/cluster.js';

async function install(flags: { kubeconfig?: string; context: string }): Promise<void> {
  const hub = await clientFor(flags.kubeconfig, flags.context);
  const crds = await installHub(hub);
  console.log(`installed on ${flags.context}: namespace meridian-system, CRDs ${crds.join(', ')}`);
  hub.close();
}

async function join(flags: JoinFlags): Promise<void> {
  const req = parseJoin(flags);
  const hub = await clientFor(flags.kubeconfig, req.hubContext);
  const member = await clientFor(flags.kubeconfig, req.context);
  const cluster = await joinCluster(hub, member, req);
  console.log(`cluster ${cluster.metadata?.name} joined (region ${req.region}${req.zone ? `, zone ${req.zone}` : ''}, server ${member.server}, privileges ${req.privileges})`);
  hub.close();
  member.close();
}

/** Rows of `meridian cluster list`. */
export function clusterRows(clusters: Cluster[], now = Date.now()): string[][] {
  return [...clusters].sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '')).map((c) => {
    const ready = c.status?.conditions?.find((x) => x.type === 'Ready');
    const cpu = c.status?.allocatable ? `${c.status.requested?.cpu ?? '0'}/${c.status.allocatable.cpu}` : '-';
    const fresh = statusFreshness(c, now);
    // A status nobody refreshes says nothing about the member now: show Unknown with the probe's age.
    const readiness = !ready ? 'Unknown'
      : fresh.stale ? `Unknown (last probe ${fresh.ageMs === undefined ? 'never' : `${formatAge(new Date(now - fresh.ageMs).toISOString(), now)} ago`})`
        : `${ready.status}${ready.status === 'True' ? '' : ` (${ready.reason})`}`;
    return [c.metadata?.name ?? '', c.spec.region, c.status?.kubernetesVersion ?? '-', String(c.status?.nodeCount ?? '-'), cpu, readiness, formatAge(c.metadata?.creationTimestamp, now)];
  });
}

async function list(flags: { kubeconfig?: string; context: string; json?: boolean }): Promise<void> {
  const hub = await clientFor(flags.kubeconfig, flags.context);
  const clusters = (await hub.list<Cluster>(API_VERSION, 'Cluster')).items;
  hub.close();
  if (flags.json) {
    console.log(JSON.stringify(clusters, null, 2));
    return;
  }
  console.log(formatTable(['NAME', 'REGION', 'VERSION', 'NODES', 'CPU', 'READY', 'AGE'], clusterRows(clusters)));
}

async function remove(name: string, flags: { kubeconfig?: string; context: string }): Promise<void> {
  const hub = await clientFor(flags.kubeconfig, flags.context);
  const gone = await hub.delete(API_VERSION, 'Cluster', name);
  await hub.delete('v1', 'Secret', `cluster-${name}`, 'meridian-system');
  console.log(gone ? `cluster ${name} removed from the registry` : `no cluster ${name}`);
  hub.close();
}

/** `meridian install` and `meridian cluster ...`: the member-cluster registry. */
export function registerClusterCommands(program: Command): void {
  program.command('install').description('install Meridian\'s CRDs on the hub')
    .option('--kubeconfig <file>').option('--context <name>', 'hub context', 'hub').action(install);
  const cluster = program.command('cluster').description('member clusters');
  cluster.command('join').description('register a member: least-privilege ServiceAccount in it, credentials and Cluster on the hub')
    .requiredOption('--context <name>', 'kubeconfig context of the member')
    .option('--name <name>', 'cluster name (default: the context name)')
    .option('--region <region>', 'region label (default: the fleet\'s region, or the name)')
    .option('--zone <zone>')
    .option('--labels <k=v,...>', 'labels for ApplicationSet selectors, e.g. env=production')
    .option('--pod-cidr <cidrs>').option('--service-cidr <cidrs>')
    .option('--ingress-address <addrs>', 'addresses of the region ingress').option('--ingress-port <port>')
    .option('--privileges <least|cluster-admin>', 'what Meridian may do in the member', 'least')
    .option('--hub-context <name>', 'kubeconfig context of the hub', 'hub')
    .option('--state-dir <dir>', 'local fleet state, to fill CIDRs and ingress for fleet clusters')
    .option('--kubeconfig <file>')
    .action(join);
  cluster.command('list').description('members with version, nodes, CPU and readiness')
    .option('--kubeconfig <file>').option('--context <name>', 'hub context', 'hub').option('--json').action(list);
  cluster.command('remove <name>').description('unregister a member')
    .option('--kubeconfig <file>').option('--context <name>', 'hub context', 'hub').action(remove);
}
