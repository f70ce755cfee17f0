import { LIQO_TYPE_LABEL, PEER_LABEL, VIRTUAL_NODE_TYPE } from './labels.js';
import type { Node, Pod } from './kinds.js';
import type { Candidate } from './plugins/types.js';
import { nodeAllocatable, requestedByNode, subtractResources, NO_RESOURCES, addResources, type Resources } from './resources.js';

/** What the scheduler knows about a source cluster when it places one pod. */
export interface ClusterView {
  home: string;
  nodes: Node[];
  pods: Pod[];
  /** Bindings made but not yet seen in the cache, by node. */
  assumed: Map<string, Resources>;
  /** Owners of those bindings, by node (spread must count them too). */
  assumedOwners?: Map<string, string[]>;
  /** Peers the pod may go to (Target / ClusterTarget); undefined: every peer. */
  allowedPeers?: Set<string>;
  /** Whether each peer cluster answers. */
  peerReady: (peer: string) => boolean;
}

/** The owner of a pod (its controller's uid), for spread. */
export function ownerOf(pod: Pod): string | undefined {
  return pod.metadata?.ownerReferences?.find((o) => o.controller)?.uid;
}

function siblingsByNode(pod: Pod, pods: Pod[], assumedOwners: Map<string, string[]> = new Map()): Map<string, number> {
  const owner = ownerOf(pod);
  const out = new Map<string, number>();
  if (!owner) return out;
  for (const [node, owners] of assumedOwners) out.set(node, owners.filter((o) => o === owner).length);
  for (const p of pods) {
    const node = p.spec?.nodeName;
    if (node && ownerOf(p) === owner && p.status?.phase !== 'Failed') out.set(node, (out.get(node) ?? 0) + 1);
  }
  return out;
}

function isReady(n: Node): boolean {
  return n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** Turns a cluster's nodes into candidates: schedulable physical nodes, and virtual nodes of allowed peers. */
export function candidatesFor(pod: Pod, view: ClusterView): Candidate[] {
  const requested = requestedByNode(view.pods);
  const siblings = siblingsByNode(pod, view.pods, view.assumedOwners);
  const out: Candidate[] = [];
  for (const n of view.nodes) {
    if (n.spec?.unschedulable) continue;
    const name = n.metadata?.name ?? '';
    const labels = n.metadata?.labels ?? {};
    const virtual = labels[LIQO_TYPE_LABEL] === VIRTUAL_NODE_TYPE;
    const peer = virtual ? labels[PEER_LABEL] ?? name.replace(/^liqo-/, '') : view.home;
    if (virtual && view.allowedPeers && !view.allowedPeers.has(peer)) continue;
    const allocatable = nodeAllocatable(n);
    const used = addResources(requested.get(name) ?? NO_RESOURCES, view.assumed.get(name) ?? NO_RESOURCES);
    out.push({
      name, cluster: peer, virtual, labels, taints: n.spec?.taints ?? [],
      ready: isReady(n) && (!virtual || view.peerReady(peer)),
      allocatable, free: subtractResources(allocatable, used), siblings: siblings.get(name) ?? 0,
    });
  }
  return out;
}
