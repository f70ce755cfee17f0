import type { Node as V1Node, Pod as V1Pod } from './kinds.js';
import { parseQuantity } from '../util/quantity.js';

/** CPU (cores), memory (bytes) and pod slots. */
export interface Resources {
  cpu: number;
  memory: number;
  pods: number;
}

/** Zero of everything. */
export const NO_RESOURCES: Resources = { cpu: 0, memory: 0, pods: 0 };

/** What a pod asks of a node, as kube-scheduler counts it: containers summed, init containers maxed, one pod slot. */
export function podRequests(pod: V1Pod): Resources {
  const sum = { cpu: 0, memory: 0 };
  for (const c of pod.spec?.containers ?? []) {
    sum.cpu += parseQuantity(c.resources?.requests?.cpu);
    sum.memory += parseQuantity(c.resources?.requests?.memory);
  }
  for (const c of pod.spec?.initContainers ?? []) {
    sum.cpu = Math.max(sum.cpu, parseQuantity(c.resources?.requests?.cpu));
    sum.memory = Math.max(sum.memory, parseQuantity(c.resources?.requests?.memory));
  }
  return { ...sum, pods: 1 };
}

/** True for pods that hold resources on their node (bound and not finished). */
export function holdsResources(pod: V1Pod): boolean {
  return Boolean(pod.spec?.nodeName) && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';
}

/** A node's allocatable resources. */
export function nodeAllocatable(node: V1Node): Resources {
  const a = node.status?.allocatable ?? {};
  return { cpu: parseQuantity(a.cpu), memory: parseQuantity(a.memory), pods: parseQuantity(a.pods) };
}

/** a + b. */
export function addResources(a: Resources, b: Resources): Resources {
  return { cpu: a.cpu + b.cpu, memory: a.memory + b.memory, pods: a.pods + b.pods };
}

/** a - b, never below zero. */
export function subtractResources(a: Resources, b: Resources): Resources {
  return { cpu: Math.max(0, a.cpu - b.cpu), memory: Math.max(0, a.memory - b.memory), pods: Math.max(0, a.pods - b.pods) };
}

/** Requests of the pods bound to each node, by node name. */
export function requestedByNode(pods: V1Pod[]): Map<string, Resources> {
  const out = new Map<string, Resources>();
  for (const p of pods) {
    if (!holdsResources(p)) continue;
    const node = p.spec?.nodeName as string;
    out.set(node, addResources(out.get(node) ?? NO_RESOURCES, podRequests(p)));
  }
  return out;
}

/** Formats CPU cores as a Kubernetes quantity in millicores. */
export function cpuQuantity(cores: number): string {
  return `${Math.max(0, Math.floor(cores * 1000))}m`;
}

/** Formats bytes as a Kubernetes quantity in Ki. */
export function memoryQuantity(bytes: number): string {
  return `${Math.max(0, Math.floor(bytes / 1024))}Ki`;
}
