import type { Command } from 'commander';
import { API_VERSION } from '../../api/schema.js';
import type { Cluster } from '../../api/cluster.js';
import { statusFreshness } from '../../clusters/freshness.js';
import { installHub, SYSTEM_NAMESPACE } from '../../clusters/install.js';
import type { KubeObject } from '../../kube/types.js';
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

interface MemberLease extends KubeObject {
  spec?: { holderIdentity?: string; leaseDurationSeconds?: number; renewTime?: string };
}

/**
 * Which `serve --shards` replica holds each member, from the member Leases on the hub: the holder,
 * `- (released)` while a member changes hands, or the holder with `(lease expired ...)` when it has
 * not renewed for a lease duration (a dead replica whose members are about to be taken over).
 */
export function memberHolders(leases: MemberLease[], now = Date.now()): Map<string, string> {
  const out = new Map<string, string>();
  for (const l of leases) {
    const key = l.metadata?.annotations?.['meridian.dev/shard-key'];
    if (!key) continue;
    const holder = l.spec?.holderIdentity;
    const renewed = Date.parse(l.spec?.renewTime ?? '');
    const expiredFor = Number.isFinite(renewed) ? now - renewed - (l.spec?.leaseDurationSeconds ?? 0) * 1000 : 0;
    out.set(key, !holder ? '- (released)' : expiredFor > 0 ? `${holder} (lease expired ${formatAge(new Date(now - expiredFor).toISOString(), now)} ago)` : holder);
  }
  return out;
}

async function list(flags: { kubeconfig?: string; context: string; json?: boolean }): Promise<void> {
  const hub = await clientFor(flags.kubeconfig, flags.context);
  const clusters = (await hub.list<Cluster>(API_VERSION, 'Cluster')).items;
  const leases = (await hub.list<MemberLease>('coordination.k8s.io/v1', 'Lease', { namespace: SYSTEM_NAMESPACE, labelSelector: 'meridian.dev/shard-role=member' })).items;
  hub.close();
  if (flags.json) {
    console.log(JSON.stringify(clusters, null, 2));
    return;
  }
  const holders = memberHolders(leases);
  const rows = clusterRows(clusters);
  // The HOLDER column appears when replicas share the members (`serve --shards`).
  if (holders.size === 0) console.log(formatTable(['NAME', 'REGION', 'VERSION', 'NODES', 'CPU', 'READY', 'AGE'], rows));
  else console.log(formatTable(['NAME', 'REGION', 'VERSION', 'NODES', 'CPU', 'READY', 'AGE', 'HOLDER'], rows.map((r) => [...r, holders.get(r[0]) ?? '-'])));
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
