import type { KubeObject } from '../kube/types.js';
import { formatCpu, formatMemory, parseQuantity } from '../util/quantity.js';

interface NodeLike extends KubeObject {
  spec?: { podCIDR?: string; podCIDRs?: string[]; unschedulable?: boolean };
  status?: { allocatable?: Record<string, string>; conditions?: Array<{ type: string; status: string }> };
}
interface PodLike extends KubeObject {
  spec?: { nodeName?: string; containers?: Array<{ resources?: { requests?: Record<string, string> } }> };
  status?: { phase?: string };
}

/** A member's capacity summary, as written into Cluster status. */
export interface CapacitySummary {
  nodeCount: number;
  readyNodeCount: number;
  allocatable: { cpu: string; memory: string };
  requested: { cpu: string; memory: string };
  podCIDRs: string[];
}

/** Sums allocatable resources of nodes and requests of scheduled, unfinished pods. */
export function summarizeCapacity(nodes: NodeLike[], pods: PodLike[]): CapacitySummary {
  let cpu = 0;
  let memory = 0;
  for (const n of nodes) {
    cpu += parseQuantity(n.status?.allocatable?.cpu);
    memory += parseQuantity(n.status?.allocatable?.memory);
  }
  let reqCpu = 0;
  let reqMem = 0;
  for (const p of pods) {
    if (!p.spec?.nodeName || p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') continue;
    for (const c of p.spec.containers ?? []) {
      reqCpu += parseQuantity(c.resources?.requests?.cpu);
      reqMem += parseQuantity(c.resources?.requests?.memory);
    }
  }
  const ready = nodes.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
  const podCIDRs = [...new Set(nodes.flatMap((n) => n.spec?.podCIDRs ?? (n.spec?.podCIDR ? [n.spec.podCIDR] : [])))].sort();
  return {
    nodeCount: nodes.length, readyNodeCount: ready,
    allocatable: { cpu: formatCpu(Math.round(cpu * 1000) / 1000), memory: formatMemory(memory) },
    requested: { cpu: formatCpu(Math.round(reqCpu * 1000) / 1000), memory: formatMemory(reqMem) },
    podCIDRs,
  };
}
