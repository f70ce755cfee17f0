import { API_VERSION } from '../api/schema.js';
import type { Cluster } from '../api/cluster.js';
import type { KubeClient } from '../kube/client.js';
import type { KubeObject } from '../kube/types.js';
import { checkNetworks, conflictsOf, describeOverlap } from './check.js';
import { clusterNetworks, type ClusterNetworks } from './inventory.js';

/** What the preflight needs from a join request. */
export interface JoiningCluster {
  name: string;
  podCIDRs?: string[];
  serviceCIDRs?: string[];
}

/**
 * `cluster join`'s network preflight: the joining cluster's pod CIDRs (flags and its nodes) and
 * service CIDRs against every Cluster already on the hub. Returns one line per conflict; empty
 * when there is none. Overlaps are reported, not refused: Globalnet and Istio multi-network work
 * with them, Submariner without Globalnet and ClusterMesh do not (`meridian network check`).
 */
export async function joinNetworkConflicts(hub: KubeClient, member: KubeClient, req: JoiningCluster): Promise<string[]> {
  const existing = (await hub.list<Cluster>(API_VERSION, 'Cluster')).items.filter((c) => c.metadata?.name !== req.name);
  const nodes = (await member.list<KubeObject & { spec?: { podCIDR?: string; podCIDRs?: string[] } }>('v1', 'Node')).items;
  const joining = clusterNetworks({
    apiVersion: API_VERSION, kind: 'Cluster', metadata: { name: req.name },
    spec: { server: member.server, secretRef: { name: '', namespace: '' }, region: '', podCIDRs: req.podCIDRs ?? [], serviceCIDRs: req.serviceCIDRs ?? [] },
  }, nodes);
  const all: ClusterNetworks[] = [...existing.map((c) => clusterNetworks(c)), joining];
  const report = checkNetworks(all);
  const lines = conflictsOf(report, req.name).map((o) => `CIDR overlap: ${describeOverlap(o)}`);
  const own = report.overlaps.filter((o) => o.a.cluster === req.name && o.b.cluster === req.name).map((o) => `CIDR overlap inside ${req.name}: ${describeOverlap(o)}`);
  return [...lines, ...own, ...report.problems.filter((p) => p.includes(req.name))];
}
