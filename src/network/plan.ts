import type { ClusterNetworks } from './inventory.js';
import { checkNetworks, type Overlap } from './check.js';
import { minimumVertexCover } from './cover.js';
import { firstFreeBlock, parseNetwork, type Network } from './ipnet.js';

/** A new address for one CIDR of a moved cluster. */
export interface ReIp {
  cluster: string;
  space: 'pod' | 'service';
  from: string;
  to: string;
}

/** The result of `meridian network plan`. */
export interface NetworkPlan {
  supernet: string;
  /** Clusters that keep their CIDRs and those that must re-IP (fewest possible). */
  keep: string[];
  move: string[];
  reIp: ReIp[];
  /** The overlaps the plan resolves. */
  resolves: Overlap[];
  /** Globalnet alternative: one slice of the global CIDR per cluster, no re-IP. */
  globalnet: { globalCIDR: string; clusterSize: number; allocations: Record<string, string> };
  /** Unique ClusterMesh IDs (1-255), existing unique ones kept. */
  clusterIds: Record<string, number>;
}

/** Options of planNetworks. */
export interface PlanOptions {
  /** Where moved clusters get new CIDRs; default 10.0.0.0/8. */
  supernet?: string;
  /** Submariner Globalnet's default global CIDR. */
  globalCIDR?: string;
  /** Prefix length of each cluster's Globalnet slice (Submariner's default cluster size 65536: /16). */
  globalnetPrefix?: number;
  /** ClusterMesh IDs already in use (from the Cluster annotations). */
  existingIds?: Record<string, number>;
  /** Cluster names in join order: when two choices move as few clusters, the later-joined move. */
  order?: string[];
}

/**
 * Plans a re-IP that leaves no overlap: the clusters to move are a minimum vertex cover of the
 * overlap graph (a cluster whose pod and service CIDRs overlap each other must move anyway); each
 * moved CIDR gets the first free block of the same size in the supernet, clear of every kept and
 * already planned CIDR.
 */
export function planNetworks(clusters: ClusterNetworks[], options: PlanOptions = {}): NetworkPlan {
  const supernetText = options.supernet ?? '10.0.0.0/8';
  const supernet = parseNetwork(supernetText, '--supernet');
  const report = checkNetworks(clusters);
  if (report.problems.some((p) => p.includes('invalid CIDR'))) throw new Error(`cannot plan: ${report.problems.join('; ')}`);
  const order = options.order ?? clusters.map((c) => c.name);
  const names = [...clusters.map((c) => c.name)].sort((a, b) => rankOf(order, a) - rankOf(order, b));
  const edges = report.overlaps.filter((o) => o.a.cluster !== o.b.cluster).map((o): [string, string] => [o.a.cluster, o.b.cluster]);
  const forced = [...new Set(report.overlaps.filter((o) => o.a.cluster === o.b.cluster).map((o) => o.a.cluster))];
  const move = minimumVertexCover(names, edges, forced);
  const keep = names.filter((n) => !move.includes(n));
  const taken: Network[] = [];
  for (const c of clusters.filter((x) => keep.includes(x.name))) for (const cidr of [...c.podCIDRs, ...c.serviceCIDRs]) taken.push(parseNetwork(cidr, c.name));
  const reIp: ReIp[] = [];
  for (const name of move) {
    const c = clusters.find((x) => x.name === name) as ClusterNetworks;
    for (const [space, list] of [['pod', c.podCIDRs], ['service', c.serviceCIDRs]] as const) {
      for (const cidr of list) {
        const old = parseNetwork(cidr, `${name} ${space}`);
        if (old.family !== supernet.family) throw new Error(`cannot plan ${name} ${space} ${cidr}: the supernet ${supernetText} is another address family`);
        const block = firstFreeBlock(supernet, old.prefix, taken);
        if (!block) throw new Error(`cannot plan: supernet ${supernetText} has no free /${old.prefix} for ${name} ${space} ${cidr}`);
        taken.push(block);
        reIp.push({ cluster: name, space, from: cidr, to: block.text });
      }
    }
  }
  return {
    supernet: supernetText, keep, move, reIp, resolves: report.overlaps,
    globalnet: planGlobalnet(names, options.globalCIDR ?? '242.0.0.0/8', options.globalnetPrefix ?? 16),
    clusterIds: assignClusterIds(names, options.existingIds ?? {}),
  };
}

function rankOf(order: string[], name: string): number {
  const i = order.indexOf(name);
  return i < 0 ? order.length : i;
}

/** Globalnet-style allocation: consecutive slices of the global CIDR, one per cluster, in order. */
export function planGlobalnet(names: string[], globalCIDR: string, prefix: number): NetworkPlan['globalnet'] {
  const global = parseNetwork(globalCIDR, '--global-cidr');
  const taken: Network[] = [];
  const allocations: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const name of names) {
    const block = firstFreeBlock(global, prefix, taken);
    if (!block) throw new Error(`--global-cidr ${globalCIDR} has room for ${taken.length} slices of /${prefix}, the fleet has ${names.length} clusters`);
    taken.push(block);
    allocations[name] = block.text;
  }
  return { globalCIDR, clusterSize: 2 ** ((global.family === 6 ? 128 : 32) - prefix), allocations };
}

/** ClusterMesh IDs 1-255: a valid ID held by one cluster only is kept; everyone else gets the lowest free one. */
export function assignClusterIds(names: string[], existing: Record<string, number>): Record<string, number> {
  const ids: Record<string, number> = Object.create(null) as Record<string, number>;
  const used = new Set<number>();
  for (const n of names) {
    const id = existing[n];
    if (Number.isInteger(id) && id >= 1 && id <= 255 && !used.has(id)) {
      ids[n] = id;
      used.add(id);
    }
  }
  let next = 1;
  for (const n of names) {
    if (ids[n] !== undefined) continue;
    while (used.has(next)) next++;
    if (next > 255) throw new Error(`ClusterMesh allows cluster IDs 1-255; the fleet has ${names.length} clusters`);
    ids[n] = next;
    used.add(next);
  }
  return ids;
}
