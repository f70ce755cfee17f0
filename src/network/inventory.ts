import { API_VERSION } from '../api/schema.js';
import type { Cluster } from '../api/cluster.js';
import type { KubeClient } from '../kube/client.js';
import type { KubeObject } from '../kube/types.js';
import { parseCidr } from '../traffic/cidr.js';
import { within } from './ipnet.js';

/** One cluster's address space as Meridian sees it. */
export interface ClusterNetworks {
  name: string;
  /** Pod CIDRs: the Cluster spec's, else its status, plus every node's spec.podCIDRs. */
  podCIDRs: string[];
  serviceCIDRs: string[];
  /** Where each CIDR was read, for messages (`spec.podCIDRs`, `node n1`). */
  sources: Record<string, string[]>;
  /** Set when the member could not be read (its nodes are then missing from podCIDRs). */
  error?: string;
}

interface NodeObject extends KubeObject {
  spec?: { podCIDR?: string; podCIDRs?: string[] };
}

/** Pure: the networks of one cluster from its Cluster object and its nodes. */
export function clusterNetworks(cluster: Cluster, nodes: NodeObject[] = []): ClusterNetworks {
  const sources: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  const add = (cidr: string, where: string) => ((sources[cidr] ??= []).includes(where) ? undefined : sources[cidr].push(where));
  const declared = cluster.spec.podCIDRs ?? cluster.status?.podCIDRs ?? [];
  for (const c of declared) add(c, cluster.spec.podCIDRs ? 'spec.podCIDRs' : 'status.podCIDRs');
  const fromNodes = new Set<string>();
  for (const n of nodes) {
    for (const c of n.spec?.podCIDRs ?? (n.spec?.podCIDR ? [n.spec.podCIDR] : [])) {
      add(c, `node ${n.metadata?.name}`);
      // A node's slice of a declared cluster CIDR adds nothing (and would double every overlap).
      if (!declared.some((d) => inside(c, d))) fromNodes.add(c);
    }
  }
  const services = cluster.spec.serviceCIDRs ?? cluster.status?.serviceCIDRs ?? [];
  for (const c of services) add(c, cluster.spec.serviceCIDRs ? 'spec.serviceCIDRs' : 'status.serviceCIDRs');
  return { name: cluster.metadata?.name ?? '', podCIDRs: [...new Set([...declared, ...fromNodes])], serviceCIDRs: [...services], sources };
}

/** Reads every Cluster from the hub and each member's nodes (members that fail are reported, not fatal). */
export async function collectNetworks(hub: KubeClient, memberClient: (c: Cluster) => Promise<KubeClient>): Promise<ClusterNetworks[]> {
  const clusters = (await hub.list<Cluster>(API_VERSION, 'Cluster')).items;
  const results = await Promise.allSettled(clusters.map(async (c) => {
    const client = await memberClient(c);
    try {
      return (await client.list<NodeObject>('v1', 'Node')).items;
    } finally {
      client.close();
    }
  }));
  return clusters.map((c, i) => {
    const r = results[i];
    if (r.status === 'fulfilled') return clusterNetworks(c, r.value);
    return { ...clusterNetworks(c), error: `nodes not read: ${(r.reason as Error).message}` };
  }).sort((a, b) => a.name.localeCompare(b.name));
}

function inside(inner: string, outer: string): boolean {
  try {
    return within(parseCidr(inner), parseCidr(outer));
  } catch {
    return false;
  }
}
