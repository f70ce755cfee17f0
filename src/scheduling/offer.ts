import type { Node as V1Node, Pod as V1Pod } from './kinds.js';
import { LIQO_TYPE_LABEL, SOURCE_CLUSTER_LABEL, VIRTUAL_NODE_TYPE } from './labels.js';
import { addResources, holdsResources, nodeAllocatable, NO_RESOURCES, podRequests, subtractResources, type Resources } from './resources.js';

/**
 * What a peer offers a source cluster: `share` of its free capacity (allocatable of its Ready
 * physical nodes minus what its pods request). Delegates the source already runs there are not
 * counted as used, since they already occupy the source's virtual node; otherwise every
 * delegate would shrink the offer twice.
 */
export function peerOffer(peerNodes: V1Node[], peerPods: V1Pod[], source: string, sharePercent: number): Resources {
  let total = NO_RESOURCES;
  const physical = new Set<string>();
  for (const n of peerNodes) {
    if (n.metadata?.labels?.[LIQO_TYPE_LABEL] === VIRTUAL_NODE_TYPE) continue;
    if (!n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) continue;
    physical.add(n.metadata?.name ?? '');
    total = addResources(total, nodeAllocatable(n));
  }
  let used = NO_RESOURCES;
  for (const p of peerPods) {
    if (!holdsResources(p) || !physical.has(p.spec?.nodeName ?? '')) continue;
    if (p.metadata?.labels?.[SOURCE_CLUSTER_LABEL] === source) continue;
    used = addResources(used, podRequests(p));
  }
  const free = subtractResources(total, used);
  const f = sharePercent / 100;
  return { cpu: Math.floor(free.cpu * f * 1000) / 1000, memory: Math.floor(free.memory * f), pods: Math.floor(free.pods * f) };
}
