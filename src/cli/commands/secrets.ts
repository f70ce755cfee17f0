import type { Command } from 'commander';
import { API_VERSION } from '../../api/schema.js';
import type { Cluster } from '../../api/cluster.js';
import type { SecretStorePlan } from '../../api/secretstoreplan.js';
import { applyPlanToMember } from '../../secrets/apply-plan.js';
import { formatTable } from '../../util/table.js';
import { clientFor } from '../options/common.js';

interface StoresFlags { kubeconfig?: string; context: string; plan: string; json?: boolean }

/** Applies a SecretStorePlan to every member (each member's own kubeconfig context: it creates CRDs and a Role). */
async function stores(flags: StoresFlags): Promise<void> {
  const hub = await clientFor(flags.kubeconfig, flags.context);
  try {
    const plan = await hub.get<SecretStorePlan>(API_VERSION, 'SecretStorePlan', flags.plan);
    if (!plan) throw new Error(`no SecretStorePlan ${flags.plan} on the hub`);
    const clusters = (await hub.list<Cluster>(API_VERSION, 'Cluster')).items;
    const results = await Promise.allSettled(clusters.map(async (c) => {
      const member = await clientFor(flags.kubeconfig, c.metadata?.name ?? '');
      try {
        return (await applyPlanToMember(member, plan, c.spec.region)).provider;
      } finally {
        member.close();
      }
    }));
    const rows = clusters.map((c, i) => ({ cluster: c.metadata?.name ?? '', region: c.spec.region, provider: results[i].status === 'fulfilled' ? (results[i] as PromiseFulfilledResult<string>).value : '', error: results[i].status === 'rejected' ? ((results[i] as PromiseRejectedResult).reason as Error).message : '' }));
    await hub.patchStatus(API_VERSION, 'SecretStorePlan', flags.plan, undefined, { clusters: rows.filter((r) => !r.error).map(({ cluster, region, provider }) => ({ cluster, region, provider })) });
    if (flags.json) console.log(JSON.stringify(rows, null, 2));
    else console.log(formatTable(['CLUSTER', 'REGION', 'PROVIDER', 'ERROR'], rows.map((r) => [r.cluster, r.region, r.provider || '-', r.error || '-'])));
    if (rows.some((r) => r.error)) process.exitCode = 1;
  } finally {
    hub.close();
  }
}

/** `meridian secrets stores --plan NAME`: each region's SecretStore from the fleet's plan. */
export function registerSecretsCommands(program: Command): void {
  const secrets = program.command('secrets').description('per-region External Secrets stores');
  secrets.command('stores').description('put a SecretStorePlan\'s store for its region into every member (ESO CRDs, SecretStore/ClusterSecretStore, scoped reader for the Kubernetes provider)')
    .requiredOption('--plan <name>', 'SecretStorePlan on the hub').option('--kubeconfig <file>').option('--context <name>', 'hub context', 'hub').option('--json').action(stores);
}
