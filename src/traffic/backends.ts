import type { GlobalService } from '../api/globalservice.js';
import type { MemberCluster } from '../clusters/registry.js';
import { addressSource, type AddressSource } from './published-addresses.js';
import { matchesSelector } from './selector.js';

/** One address of one member cluster that a GlobalService answers with. */
export interface Backend {
  cluster: string;
  region: string;
  address: string;
  /** Port the health check connects to. */
  port: number;
}

/** A member the GlobalService selects but cannot address yet, and why. */
export interface Unresolved {
  cluster: string;
  message: string;
}

/**
 * The backends of a GlobalService: every member whose labels match the cluster selector, at the
 * Cluster's ingress addresses or at the load-balancer addresses of a named Ingress or Service in
 * the member (`lookup`: the member's shared informer, or what its holder published under
 * `serve --shards`). Members without an address are reported, not dropped silently.
 */
export function resolveBackends(gs: GlobalService, members: MemberCluster[], lookup: (m: MemberCluster, s: AddressSource) => string[]): { backends: Backend[]; unresolved: Unresolved[] } {
  const backends: Backend[] = [];
  const unresolved: Unresolved[] = [];
  const source = gs.spec.address ?? { from: 'Cluster' as const };
  const defaultPort = gs.spec.healthCheck?.protocol === 'https' ? 443 : 80;
  for (const m of members.filter((x) => matchesSelector(gs.spec.clusterSelector, x.labels)).sort((a, b) => a.name.localeCompare(b.name))) {
    const port = gs.spec.healthCheck?.port ?? m.cluster.spec.ingressPort ?? defaultPort;
    const from = addressSource(gs);
    const addresses = source.from === 'Cluster' ? m.cluster.spec.ingressAddresses ?? [] : from ? lookup(m, from) : [];
    if (addresses.length === 0) {
      unresolved.push({ cluster: m.name, message: describeMissing(m.name, source.from, source.name, source.namespace ?? gs.metadata?.namespace) });
      continue;
    }
    for (const address of addresses) backends.push({ cluster: m.name, region: m.cluster.spec.region, address, port });
  }
  return { backends, unresolved };
}

function describeMissing(cluster: string, from: string, name: string | undefined, namespace: string | undefined): string {
  if (from === 'Cluster') return `Cluster ${cluster}: spec.ingressAddresses is empty`;
  if (!name) return `spec.address.name is required when spec.address.from is ${from}`;
  return `${from} ${namespace}/${name} in ${cluster} has no status.loadBalancer.ingress[].ip`;
}
