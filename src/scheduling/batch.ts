import { candidatesFor, ownerOf, type ClusterView } from './candidates.js';
import { place, profile, type Placement, type Profile } from './framework.js';
import type { Pod } from './kinds.js';
import { addResources, NO_RESOURCES, podRequests, subtractResources, type Resources } from './resources.js';

/** A pod waiting for placement, with its queue key (`source<TAB>namespace/name`). */
export interface PendingPod {
  key: string;
  pod: Pod;
}

/** The decision for one pod of a batch. */
export interface BatchDecision extends PendingPod {
  requests: Resources;
  placement: Placement;
  /** How many candidates were considered (for the unschedulable message). */
  candidates: number;
}

/** A charge of the assume cache: a pod's requests on a node. */
export interface Charge {
  node: string;
  requests: Resources;
  owner?: string;
}

/**
 * A cluster snapshot for a batch; the peers a pod may use depend on its namespace's targets.
 * `ownCharges`: what the pod itself still holds from a binding that failed without an answer (it
 * may take that slot again; nobody else may).
 */
export type BatchView = Omit<ClusterView, 'allowedPeers'> & { allowedPeers: (pod: Pod) => Set<string> | undefined; ownCharges?: (key: string) => Charge[] };

/** Queue order, as kube-scheduler's: higher priority first, then older, then by key (deterministic). */
export function byQueueOrder(a: PendingPod, b: PendingPod): number {
  const prio = (b.pod.spec?.priority ?? 0) - (a.pod.spec?.priority ?? 0);
  if (prio) return prio;
  const ta = a.pod.metadata?.creationTimestamp ? new Date(a.pod.metadata.creationTimestamp).getTime() : 0;
  const tb = b.pod.metadata?.creationTimestamp ? new Date(b.pod.metadata.creationTimestamp).getTime() : 0;
  return ta - tb || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/**
 * Places a batch of pods against one snapshot of their cluster, one after another in queue order,
 * charging each decision to the snapshot before the next is taken: two pods of a batch never both
 * take the last free slot, and spread counts the siblings placed earlier in the batch. Pure: the
 * caller sends the bindings (in parallel) and records the charges in its assume cache. The view's
 * maps are not modified.
 */
export function placeBatch(pending: readonly PendingPod[], view: BatchView, plugins: Profile = profile()): BatchDecision[] {
  const assumed = new Map(view.assumed);
  const assumedOwners = new Map<string, string[]>();
  for (const [node, owners] of view.assumedOwners ?? []) assumedOwners.set(node, [...owners]);
  const out: BatchDecision[] = [];
  for (const item of [...pending].sort(byQueueOrder)) {
    const own = view.ownCharges?.(item.key) ?? [];
    const mine = own.length ? withoutCharges(assumed, assumedOwners, own) : { assumed, assumedOwners };
    const candidates = candidatesFor(item.pod, { ...view, ...mine, allowedPeers: view.allowedPeers(item.pod) });
    const requests = podRequests(item.pod);
    const placement = place({ pod: item.pod, requests }, candidates, plugins);
    out.push({ ...item, requests, placement, candidates: candidates.length });
    const node = placement.chosen?.name;
    if (!node) continue;
    assumed.set(node, addResources(assumed.get(node) ?? NO_RESOURCES, requests));
    const owner = ownerOf(item.pod);
    if (owner) assumedOwners.set(node, [...(assumedOwners.get(node) ?? []), owner]);
  }
  return out;
}

/** Copies of the charge maps without the given charges (one owner occurrence per charge). */
function withoutCharges(assumed: Map<string, Resources>, owners: Map<string, string[]>, charges: Charge[]): { assumed: Map<string, Resources>; assumedOwners: Map<string, string[]> } {
  const a = new Map(assumed);
  const o = new Map(owners);
  for (const c of charges) {
    a.set(c.node, subtractResources(a.get(c.node) ?? NO_RESOURCES, c.requests));
    const list = [...(o.get(c.node) ?? [])];
    const i = c.owner ? list.indexOf(c.owner) : -1;
    if (i >= 0) list.splice(i, 1);
    o.set(c.node, list);
  }
  return { assumed: a, assumedOwners: o };
}
