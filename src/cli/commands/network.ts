import type { Command } from 'commander';
import { memberClientFromSecret } from '../../clusters/join.js';
import { checkNetworks, describeOverlap } from '../../network/check.js';
import { collectNetworks } from '../../network/inventory.js';
import { planNetworks } from '../../network/plan.js';
import { readClusterIds } from '../../mesh/cluster-ids.js';
import { formatTable } from '../../util/table.js';
import { clientFor } from '../options/common.js';

interface NetworkFlags { kubeconfig?: string; context: string; json?: boolean; supernet?: string; globalCidr?: string; globalnetPrefix?: string }

async function inventory(flags: NetworkFlags) {
  const hub = await clientFor(flags.kubeconfig, flags.context);
  try {
    const clusters = await collectNetworks(hub, (c) => memberClientFromSecret(hub, c, 5000));
    return { clusters, ids: await readClusterIds(hub) };
  } finally {
    hub.close();
  }
}

async function check(flags: NetworkFlags): Promise<void> {
  const { clusters } = await inventory(flags);
  const report = checkNetworks(clusters);
  if (flags.json) {
    console.log(JSON.stringify(report, null, 2));
  } else {
    console.log(formatTable(['CLUSTER', 'POD CIDRS', 'SERVICE CIDRS'], report.clusters.map((c) => [c.name, c.podCIDRs.join(',') || '-', c.serviceCIDRs.join(',') || '-'])));
    console.log(report.overlaps.length ? `\n${report.overlaps.length} overlap(s):\n${report.overlaps.map((o) => `  ${describeOverlap(o)}`).join('\n')}` : '\nno overlaps');
    console.log(`\n${formatTable(['MODE', 'OK', 'REQUIRES'], report.modes.map((m) => [m.mode, m.satisfied ? 'yes' : `no (${m.blockers.length})`, m.requires]))}`);
    for (const p of report.problems) console.log(`warning: ${p}`);
  }
  if (report.overlaps.length) process.exitCode = 2;
}

async function plan(flags: NetworkFlags): Promise<void> {
  const { clusters, ids } = await inventory(flags);
  const prefix = flags.globalnetPrefix === undefined ? undefined : Number(flags.globalnetPrefix);
  if (prefix !== undefined && (!Number.isInteger(prefix) || prefix < 9 || prefix > 30)) throw new Error(`--globalnet-prefix: expected 9-30, got "${flags.globalnetPrefix}"`);
  const result = planNetworks(clusters, { supernet: flags.supernet, globalCIDR: flags.globalCidr, globalnetPrefix: prefix, existingIds: ids });
  if (flags.json) {
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  console.log(`${result.resolves.length} overlap(s); re-IP ${result.move.length} of ${clusters.length} cluster(s) from supernet ${result.supernet} (keep: ${result.keep.join(', ') || '-'})`);
  if (result.reIp.length) console.log(formatTable(['CLUSTER', 'SPACE', 'FROM', 'TO'], result.reIp.map((r) => [r.cluster, r.space, r.from, r.to])));
  console.log(`\nor, without re-IP, Globalnet (${result.globalnet.globalCIDR}, ${result.globalnet.clusterSize} addresses per cluster):`);
  console.log(formatTable(['CLUSTER', 'GLOBAL CIDR', 'CLUSTERMESH ID'], Object.entries(result.globalnet.allocations).map(([n, g]) => [n, g, String(result.clusterIds[n])])));
}

/** `meridian network check|plan`: pod and service CIDRs across the fleet. */
export function registerNetworkCommands(program: Command): void {
  const network = program.command('network').description('pod and service CIDRs across the fleet');
  network.command('check').description('every member\'s pod and service CIDRs, overlaps pair by pair, what each mesh mode requires (exit 2 on overlap)')
    .option('--kubeconfig <file>').option('--context <name>', 'hub context', 'hub').option('--json').action(check);
  network.command('plan').description('a re-IP plan moving the fewest clusters, a Globalnet allocation, unique ClusterMesh IDs')
    .option('--supernet <cidr>', 'where moved clusters get new CIDRs', '10.0.0.0/8')
    .option('--global-cidr <cidr>', 'Globalnet global CIDR', '242.0.0.0/8').option('--globalnet-prefix <n>', 'prefix length of each cluster\'s slice', '16')
    .option('--kubeconfig <file>').option('--context <name>', 'hub context', 'hub').option('--json').action(plan);
}
