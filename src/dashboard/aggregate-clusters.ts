import type { Cluster } from '../api/cluster.js';
import type { ClusterView, RegionView } from './model.js';
import { clusterCoordinates } from './regions.js';

/** Whether each member is Ready now: the registry's live probe, else the Cluster's Ready condition. */
export type Readiness = (name: string) => boolean | undefined;

/** The Ready state of a Cluster: the live probe wins over the last status written. */
export function clusterReady(c: Cluster, live: Readiness): boolean {
  const now = live(c.metadata?.name ?? '');
  if (now !== undefined) return now;
  return c.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True') ?? false;
}

/** One row per Cluster: readiness with its reason, version, nodes, capacity, CIDRs and findings. */
export function clusterViews(clusters: Cluster[], live: Readiness): ClusterView[] {
  return clusters.map((c) => {
    const s = c.status ?? {};
    const ready = s.conditions?.find((x) => x.type === 'Ready');
    const isReady = clusterReady(c, live);
    const staleTrue = !isReady && ready?.status === 'True';
    return {
      name: c.metadata?.name ?? '', region: c.spec.region, ready: isReady,
      reason: staleTrue ? 'ProbeFailed' : ready?.reason ?? 'Unknown', message: staleTrue ? 'the last probe failed; status not yet rewritten' : ready?.message ?? '',
      version: s.kubernetesVersion, nodes: s.nodeCount === undefined ? undefined : `${s.readyNodeCount ?? 0}/${s.nodeCount}`,
      cpu: s.requested && s.allocatable ? `${s.requested.cpu} / ${s.allocatable.cpu}` : undefined,
      memory: s.requested && s.allocatable ? `${s.requested.memory} / ${s.allocatable.memory}` : undefined,
      podCIDRs: s.podCIDRs ?? c.spec.podCIDRs ?? [], serviceCIDRs: s.serviceCIDRs ?? c.spec.serviceCIDRs ?? [],
      findings: (s.conditions ?? []).filter((x) => x.type !== 'Ready').map((x) => ({ type: x.type, status: x.status, reason: x.reason, message: x.message })),
    };
  }).sort((a, b) => a.name.localeCompare(b.name));
}

/** One map point per region with its clusters and their combined health. */
export function regionViews(clusters: Cluster[], live: Readiness): RegionView[] {
  const byRegion = new Map<string, { clusters: Cluster[] }>();
  for (const c of clusters) {
    const entry = byRegion.get(c.spec.region) ?? { clusters: [] };
    entry.clusters.push(c);
    byRegion.set(c.spec.region, entry);
  }
  return [...byRegion].map(([name, { clusters: list }]) => {
    const ready = list.filter((c) => clusterReady(c, live)).length;
    const at = list.map(clusterCoordinates).find(Boolean);
    return {
      name, ...(at ? { lat: at.lat, lon: at.lon } : {}), clusters: list.map((c) => c.metadata?.name ?? '').sort(),
      health: ready === list.length ? 'healthy' as const : ready === 0 ? 'down' as const : 'degraded' as const,
    };
  }).sort((a, b) => a.name.localeCompare(b.name));
}
