import type { Command } from 'commander';
import { API_VERSION } from '../../api/schema.js';
import type { Cluster } from '../../api/cluster.js';
import { memberClientFromSecret } from '../../clusters/join.js';
import { serviceTableRows, servicesReport } from '../../discovery/report.js';
import { clusterReady, loadMembers, StandaloneMember } from '../../discovery/standalone.js';
import { formatTable } from '../../util/table.js';
import { clientFor } from '../options/common.js';
import { parseServicesFlags, type ServicesFlags } from '../options/services.js';

async function list(flags: ServicesFlags): Promise<void> {
  const opts = parseServicesFlags(flags);
  const hub = await clientFor(opts.kubeconfig, opts.context);
  const clusters = (await hub.list<Cluster>(API_VERSION, 'Cluster')).items;
  const connected = await Promise.allSettled(clusters.map(async (c) => new StandaloneMember(c.metadata?.name ?? '', await memberClientFromSecret(hub, c, opts.timeoutMs), clusterReady(c))));
  const members = connected.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const { states, failed } = await loadMembers(members, opts.timeoutMs);
  connected.forEach((r, i) => r.status === 'rejected' && failed.push({ cluster: clusters[i].metadata?.name ?? '', error: (r.reason as Error).message }));
  const rows = servicesReport(states);
  for (const m of members) m.close();
  hub.close();
  if (opts.json) {
    console.log(JSON.stringify({ services: rows, unreachable: failed }, null, 2));
    return;
  }
  console.log(rows.length ? formatTable(['NAMESPACE', 'NAME', 'TYPE', 'CLUSTERSET-IP', 'CLUSTERS', 'ENDPOINTS (ready/all)', 'HEALTH'], serviceTableRows(rows)) : 'no exported services');
  for (const f of failed) console.error(`warning: cluster ${f.cluster} could not be read: ${f.error}`);
}

/** `meridian services`: exported services across the clusterset. */
export function registerServicesCommands(program: Command): void {
  program.command('services').description('exported services (ServiceExport or service.cilium.io/global) with their clusters, endpoints and health')
    .option('--kubeconfig <file>').option('--context <name>', 'hub context', 'hub')
    .option('--timeout <seconds>', 'how long to wait for each member', '10')
    .option('--json', 'print JSON')
    .action(list);
}
