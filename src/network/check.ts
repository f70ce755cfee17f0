import type { ClusterNetworks } from './inventory.js';
import { overlaps, parseNetwork, type Network } from './ipnet.js';

/** Which address space of a cluster a CIDR belongs to. */
export type Space = 'pod' | 'service';

/** Two CIDRs of two clusters (or of one cluster's pod and service spaces) that share addresses. */
export interface Overlap {
  a: { cluster: string; space: Space; cidr: string };
  b: { cluster: string; space: Space; cidr: string };
}

/** What a cross-cluster network mode needs, and whether this fleet has it. */
export interface ModeRequirement {
  mode: 'submariner' | 'submariner-globalnet' | 'cilium-clustermesh' | 'istio-multi-network';
  requires: string;
  satisfied: boolean;
  blockers: string[];
}

/** The result of `meridian network check`. */
export interface NetworkReport {
  clusters: ClusterNetworks[];
  overlaps: Overlap[];
  modes: ModeRequirement[];
  /** Malformed CIDRs, clusters whose nodes could not be read. */
  problems: string[];
}

interface Entry { cluster: string; space: Space; cidr: string; net: Network }

/**
 * Lists overlaps pair by pair: every pod and service CIDR of every cluster against every CIDR of
 * every other cluster, and a cluster's pod CIDRs against its own service CIDRs. The same CIDR read
 * from the spec and from a node of one cluster is not an overlap.
 */
export function checkNetworks(clusters: ClusterNetworks[]): NetworkReport {
  const problems: string[] = [];
  const entries: Entry[] = [];
  for (const c of clusters) {
    if (c.error) problems.push(`${c.name}: ${c.error}`);
    for (const [space, list] of [['pod', c.podCIDRs], ['service', c.serviceCIDRs]] as const) {
      list.forEach((cidr, i) => {
        try {
          entries.push({ cluster: c.name, space, cidr, net: parseNetwork(cidr, `Cluster ${c.name} ${space}CIDRs[${i}]`) });
        } catch (err) {
          problems.push((err as Error).message);
        }
      });
    }
  }
  const found: Overlap[] = [];
  for (let i = 0; i < entries.length; i++) {
    for (let j = i + 1; j < entries.length; j++) {
      const [x, y] = [entries[i], entries[j]];
      if (x.cluster === y.cluster && x.space === y.space) continue;
      if (!overlaps(x.net, y.net)) continue;
      found.push({ a: { cluster: x.cluster, space: x.space, cidr: x.cidr }, b: { cluster: y.cluster, space: y.space, cidr: y.cidr } });
    }
  }
  return { clusters, overlaps: found, modes: requirements(found), problems };
}

function requirements(found: Overlap[]): ModeRequirement[] {
  const cross = found.filter((o) => o.a.cluster !== o.b.cluster);
  const text = (o: Overlap) => `${o.a.cluster} ${o.a.space} ${o.a.cidr} overlaps ${o.b.cluster} ${o.b.space} ${o.b.cidr}`;
  const pods = cross.filter((o) => o.a.space === 'pod' && o.b.space === 'pod');
  const own = found.filter((o) => o.a.cluster === o.b.cluster);
  return [
    { mode: 'submariner', requires: 'no pod or service CIDR overlaps between any two clusters', satisfied: cross.length === 0, blockers: cross.map(text) },
    { mode: 'submariner-globalnet', requires: 'a unique global CIDR per cluster out of 242.0.0.0/8; overlapping cluster CIDRs are allowed', satisfied: own.length === 0, blockers: own.map(text) },
    { mode: 'cilium-clustermesh', requires: 'no pod CIDR overlaps between clusters; unique cluster names and IDs 1-255', satisfied: pods.length === 0 && own.length === 0, blockers: [...pods, ...own].map(text) },
    { mode: 'istio-multi-network', requires: 'none: traffic between networks goes through east-west gateways; a pod CIDR must not overlap its own service CIDR', satisfied: own.length === 0, blockers: own.map(text) },
  ];
}

/** The overlaps a joining cluster would bring: those that involve it. */
export function conflictsOf(report: NetworkReport, cluster: string): Overlap[] {
  return report.overlaps.filter((o) => (o.a.cluster === cluster) !== (o.b.cluster === cluster));
}

/** One line per overlap, for humans. */
export function describeOverlap(o: Overlap): string {
  return `${o.a.cluster} ${o.a.space} ${o.a.cidr} <-> ${o.b.cluster} ${o.b.space} ${o.b.cidr}`;
}
