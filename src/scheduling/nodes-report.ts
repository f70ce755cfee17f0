import type { KubeClient } from '../kube/client.js';
import type { Node, Pod } from './kinds.js';
import { DELEGATE_CLUSTER_ANNOTATION, DELEGATE_NAMESPACE_ANNOTATION, LIQO_TYPE_LABEL, PEER_LABEL, VIRTUAL_NODE_TYPE } from './labels.js';
import { cpuQuantity, memoryQuantity, nodeAllocatable, requestedByNode, NO_RESOURCES } from './resources.js';

/** One row of `meridian nodes`. */
export interface NodeRow {
  cluster: string;
  node: string;
  type: 'physical' | 'virtual';
  /** For a virtual node, the peer cluster that runs its pods. */
  peer?: string;
  ready: boolean;
  cpu: { requested: string; allocatable: string };
  memory: { requested: string; allocatable: string };
  pods: number;
  /** For a virtual node: each pod on it and where its delegate runs (`cluster/namespace`). */
  offloaded: Array<{ pod: string; phase: string; runsIn: string }>;
}

/** Reads a member's nodes and pods and describes each node. */
export async function nodeRows(cluster: string, client: KubeClient): Promise<NodeRow[]> {
  const [nodes, pods] = await Promise.all([client.list<Node>('v1', 'Node'), client.list<Pod>('v1', 'Pod')]);
  const requested = requestedByNode(pods.items);
  return nodes.items.map((n): NodeRow => {
    const name = n.metadata?.name ?? '';
    const virtual = n.metadata?.labels?.[LIQO_TYPE_LABEL] === VIRTUAL_NODE_TYPE;
    const alloc = nodeAllocatable(n);
    const req = requested.get(name) ?? NO_RESOURCES;
    const onNode = pods.items.filter((p) => p.spec?.nodeName === name);
    return {
      cluster, node: name, type: virtual ? 'virtual' : 'physical', peer: virtual ? n.metadata?.labels?.[PEER_LABEL] : undefined,
      ready: n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
      cpu: { requested: cpuQuantity(req.cpu), allocatable: cpuQuantity(alloc.cpu) },
      memory: { requested: memoryQuantity(req.memory), allocatable: memoryQuantity(alloc.memory) },
      pods: onNode.filter((p) => p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded').length,
      offloaded: virtual ? onNode.map((p) => ({
        pod: `${p.metadata?.namespace}/${p.metadata?.name}`, phase: p.status?.phase ?? 'Pending',
        runsIn: p.metadata?.annotations?.[DELEGATE_CLUSTER_ANNOTATION] ? `${p.metadata.annotations[DELEGATE_CLUSTER_ANNOTATION]}/${p.metadata.annotations[DELEGATE_NAMESPACE_ANNOTATION] ?? ''}` : '(not yet delegated)',
      })) : [],
    };
  }).sort((a, b) => a.cluster.localeCompare(b.cluster) || a.type.localeCompare(b.type) || a.node.localeCompare(b.node));
}

/** Table rows for `meridian nodes`. */
export function nodeTableRows(rows: NodeRow[]): string[][] {
  return rows.map((r) => [r.cluster, r.node, r.type === 'virtual' ? `virtual -> ${r.peer ?? '?'}` : 'physical', r.ready ? 'Ready' : 'NotReady', `${r.cpu.requested}/${r.cpu.allocatable}`, `${r.memory.requested}/${r.memory.allocatable}`, String(r.pods)]);
}
