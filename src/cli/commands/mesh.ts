import type { Command } from 'commander';
import { API_VERSION } from '../../api/schema.js';
import type { Cluster } from '../../api/cluster.js';
import { assignClusterIds } from '../../network/plan.js';
import { checkNetworks } from '../../network/check.js';
import { collectNetworks } from '../../network/inventory.js';
import { memberClientFromSecret } from '../../clusters/join.js';
import { readClusterIds, writeClusterIds } from '../../mesh/cluster-ids.js';
import { bootstrapCilium } from '../../mesh/cilium.js';
import { bootstrapIstio } from '../../mesh/istio.js';
import { checkMemberName, meshMembers, type MeshMember } from '../../mesh/members.js';
import { ISTIO_EXCLUDED_LABEL, readmitToIstio, removeFromIstio } from '../../mesh/removal.js';
import { formatTable } from '../../util/table.js';
import { clientFor, parseList } from '../options/common.js';
import { runDoctorCommand, type DoctorFlags } from './doctor.js';

interface MeshFlags { kubeconfig?: string; context: string; clusters?: string; json?: boolean }
interface IstioFlags extends MeshFlags { meshId: string; rotate?: boolean }

async function withMembers<T>(flags: MeshFlags, pick: (all: Cluster[]) => string[], fn: (hub: Awaited<ReturnType<typeof clientFor>>, members: MeshMember[]) => Promise<T>): Promise<T> {
  const hub = await clientFor(flags.kubeconfig, flags.context);
  const members: MeshMember[] = [];
  try {
    const names = flags.clusters ? parseList(flags.clusters).map(checkMemberName) : pick((await hub.list<Cluster>(API_VERSION, 'Cluster')).items);
    // Installing CRDs and RBAC needs more than Meridian's member account: the member's own context, as istioctl uses.
    members.push(...await meshMembers(hub, (name) => clientFor(flags.kubeconfig, name), names));
    return await fn(hub, members);
  } finally {
    for (const m of members) m.client.close();
    hub.close();
  }
}

function checkMeshId(id: string): string {
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(id)) throw new Error(`--mesh-id: "${id}" is not a DNS label`);
  return id;
}

async function istio(flags: IstioFlags): Promise<void> {
  const meshId = checkMeshId(flags.meshId);
  const results = await withMembers(flags, (all) => all.filter((c) => c.metadata?.labels?.[ISTIO_EXCLUDED_LABEL] !== 'true').map((c) => c.metadata?.name ?? ''), (hub, members) => bootstrapIstio(hub, members, { meshId, rotate: flags.rotate }));
  if (flags.json) return void console.log(JSON.stringify(results, null, 2));
  console.log(`mesh ${meshId}: root CA in meridian-system/mesh-istio-root-ca on the hub`);
  console.log(formatTable(['CLUSTER', 'NETWORK', 'INTERMEDIATE', 'REMOTE SECRETS FOR', 'REMOVED'], results.map((r) => [r.cluster, r.network, r.intermediateIssued ? 'issued' : 'kept', r.remoteSecrets.join(',') || '-', r.removedRemoteSecrets.join(',') || '-'])));
}

async function istioRemove(name: string, flags: MeshFlags): Promise<void> {
  checkMemberName(name);
  const touched = await withMembers(flags, (all) => all.map((c) => c.metadata?.name ?? ''), (hub, members) => removeFromIstio(hub, name, members));
  console.log(`${name} left the Istio mesh; its remote secret was deleted from ${touched.join(', ') || 'no member'}`);
}

async function istioAdd(name: string, flags: IstioFlags): Promise<void> {
  const hub = await clientFor(flags.kubeconfig, flags.context);
  await readmitToIstio(hub, checkMemberName(name)).finally(() => hub.close());
  await istio({ ...flags, clusters: undefined });
}

async function cilium(flags: MeshFlags & { port?: string; allowOverlap?: boolean }): Promise<void> {
  const results = await withMembers(flags, (all) => all.map((c) => c.metadata?.name ?? ''), async (hub, members) => {
    const clusters = (await hub.list<Cluster>(API_VERSION, 'Cluster')).items;
    const report = checkNetworks((await collectNetworks(hub, (c) => memberClientFromSecret(hub, c, 5000))).filter((n) => members.some((m) => m.name === n.name)));
    const mode = report.modes.find((m) => m.mode === 'cilium-clustermesh');
    if (mode && !mode.satisfied && !flags.allowOverlap) throw new Error(`ClusterMesh needs non-overlapping pod CIDRs: ${mode.blockers.join('; ')} (meridian network plan; --allow-overlap to go on)`);
    const ids = assignClusterIds(members.map((m) => m.name), await readClusterIds(hub));
    await writeClusterIds(hub, ids);
    const addresses = Object.fromEntries(clusters.map((c) => [c.metadata?.name ?? '', c.spec.ingressAddresses ?? []]));
    return bootstrapCilium(hub, members, { ids, addresses, port: flags.port ? Number(flags.port) : undefined });
  });
  if (flags.json) return void console.log(JSON.stringify(results, null, 2));
  console.log(formatTable(['CLUSTER', 'ID', 'PEERS'], results.map((r) => [r.cluster, String(r.id), r.peers.join(',') || '-'])));
  console.log('cilium-clustermesh and clustermesh-apiserver certificates in kube-system; Helm values in ConfigMap kube-system/meridian-cilium-values');
}

/** `meridian mesh istio|cilium|status`: bootstrap and check the meshes. */
export function registerMeshCommands(program: Command): void {
  const mesh = program.command('mesh').description('Istio multi-primary and Cilium ClusterMesh across the fleet');
  const common = (c: Command) => c.option('--clusters <names>', 'members (default: every Cluster)').option('--kubeconfig <file>').option('--context <name>', 'hub context', 'hub').option('--json');
  const istioCmd = common(mesh.command('istio').description('multi-primary, multi-network Istio: root CA on the hub, cacerts, IstioOperators, east-west gateway, remote secrets both ways'))
    .option('--mesh-id <id>', 'Istio meshID', 'production-mesh').option('--rotate', 'issue new intermediates (the root stays)').action(istio);
  istioCmd.command('remove <cluster>').description('take a cluster out of the mesh (remote secrets deleted everywhere)').option('--kubeconfig <file>').option('--context <name>', 'hub context', 'hub').action(istioRemove);
  istioCmd.command('add <cluster>').description('let a removed or new cluster (back) in').option('--mesh-id <id>', 'Istio meshID', 'production-mesh').option('--kubeconfig <file>').option('--context <name>', 'hub context', 'hub').action(istioAdd);
  common(mesh.command('cilium').description('ClusterMesh: unique IDs, shared CA, cilium-clustermesh Secret per member, Helm values'))
    .option('--port <port>', 'clustermesh-apiserver port', '2379').option('--allow-overlap', 'go on despite pod CIDR overlaps').action(cilium);
  mesh.command('status').description('the doctor\'s mesh and network checks')
    .option('--kubeconfig <file>').option('--context <name>', 'hub context', 'hub').option('--json').option('--no-write-status', 'do not record conditions on the Clusters')
    .action((flags: DoctorFlags) => runDoctorCommand(flags));
}
