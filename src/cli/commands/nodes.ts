import type { Command } from 'commander';
import { API_VERSION } from '../../api/schema.js';
import type { Cluster } from '../../api/cluster.js';
import { memberClientFromSecret } from '../../clusters/join.js';
import { nodeRows, nodeTableRows, type NodeRow } from '../../scheduling/nodes-report.js';
import { formatTable } from '../../util/table.js';
import { clientFor } from '../options/common.js';
import { parseNodesFlags, type NodesFlags } from '../options/scheduling.js';

async function nodes(flags: NodesFlags): Promise<void> {
  const o = parseNodesFlags(flags);
  const hub = await clientFor(o.kubeconfig, o.context);
  const clusters = (await hub.list<Cluster>(API_VERSION, 'Cluster')).items.filter((c) => !o.cluster || c.metadata?.name === o.cluster);
  if (o.cluster && clusters.length === 0) throw new Error(`--cluster: no Cluster "${o.cluster}" on the hub`);
  const results = await Promise.allSettled(clusters.map(async (c) => {
    const client = await memberClientFromSecret(hub, c, o.timeoutMs);
    try {
      return await nodeRows(c.metadata?.name ?? '', client);
    } finally {
      client.close();
    }
  }));
  hub.close();
  const rows: NodeRow[] = results.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
  const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [{ cluster: clusters[i].metadata?.name ?? '', error: (r.reason as Error).message }] : []));
  if (o.json) {
    console.log(JSON.stringify({ nodes: rows, unreachable: failed }, null, 2));
    return;
  }
  console.log(formatTable(['CLUSTER', 'NODE', 'TYPE', 'STATUS', 'CPU (req/alloc)', 'MEMORY (req/alloc)', 'PODS'], nodeTableRows(rows)));
  const offloaded = rows.flatMap((r) => r.offloaded.map((p) => [r.cluster, r.node, p.pod, p.phase, p.runsIn]));
  if (offloaded.length) console.log(`\n${formatTable(['CLUSTER', 'VIRTUAL NODE', 'POD', 'PHASE', 'RUNS IN'], offloaded)}`);
  for (const f of failed) console.error(`warning: cluster ${f.cluster} could not be read: ${f.error}`);
}

/** `meridian nodes`: physical and virtual nodes of every member, with capacity and where offloaded pods run. */
export function registerNodesCommand(program: Command): void {
  program.command('nodes').description('physical and virtual nodes with capacity, and where offloaded pods run')
    .option('--kubeconfig <file>').option('--context <name>', 'hub context', 'hub').option('--cluster <name>', 'one member only')
    .option('--timeout <seconds>', 'how long to wait for each member', '10').option('--json', 'print JSON')
    .action(nodes);
}
