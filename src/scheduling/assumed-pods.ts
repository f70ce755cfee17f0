import type { Pod } from './kinds.js';
import { addResources, NO_RESOURCES, type Resources } from './resources.js';

/** Where a binding the cache does not show yet stands. */
export type AssumptionState = 'binding' | 'bound' | 'held';

/** Resources a pod was charged on a node before the cache shows it bound there. */
export interface Assumption {
  node: string;
  requests: Resources;
  /** The pod's controller uid (spread counts assumed siblings too). */
  owner?: string;
  /** binding: request in flight; bound: the API accepted it; held: it failed without a clear answer. */
  state: AssumptionState;
  /** When the state last changed (ms since the epoch); bound and held entries expire ttlMs after it. */
  at: number;
}

/** What the assumptions of one source cluster add to its nodes. */
export interface AssumedTotals {
  assumed: Map<string, Resources>;
  owners: Map<string, string[]>;
}

/**
 * The proxy scheduler's assume cache, as kube-scheduler's: a pod is charged to its node the moment
 * it is decided, before its binding is sent, so decisions taken while bindings are in flight never
 * hand out the same free capacity twice. An entry goes when the watch shows the pod bound or
 * deleted. A binding that failed without a clear answer (timeout, 5xx, 409) may still have landed:
 * its charge is held (the pod may be retried elsewhere meanwhile, counted twice, never zero times)
 * until the watch settles it or ttlMs pass. Keys are `source<TAB>namespace/name`.
 */
export class AssumedPods {
  private readonly byKey = new Map<string, Assumption[]>();

  constructor(private readonly ttlMs = 30_000) {}

  /** True while a binding of the pod is in flight or landed unobserved: the pod must not be placed again. */
  busy(key: string): boolean {
    return this.byKey.get(key)?.some((a) => a.state !== 'held') ?? false;
  }

  /** Charges a decided pod to its node (state binding); a charge it held on that node becomes this one. */
  assume(key: string, node: string, requests: Resources, owner: string | undefined, now: number): void {
    const others = (this.byKey.get(key) ?? []).filter((a) => !(a.state === 'held' && a.node === node));
    this.byKey.set(key, [...others, { node, requests, owner, state: 'binding', at: now }]);
  }

  /** The charges a pod holds from bindings that failed without an answer (its retry may reuse them). */
  heldBy(key: string, now: number): Array<Pick<Assumption, 'node' | 'requests' | 'owner'>> {
    return (this.byKey.get(key) ?? []).filter((a) => a.state === 'held' && now - a.at < this.ttlMs).map(({ node, requests, owner }) => ({ node, requests, owner }));
  }

  /** The binding to `node` was accepted (kept until the watch shows it). */
  bound(key: string, node: string, now: number): void {
    this.transition(key, node, 'bound', now);
  }

  /** The binding to `node` failed without a clear answer: keep its charge, allow a retry. */
  held(key: string, node: string, now: number): void {
    this.transition(key, node, 'held', now);
  }

  /** Drops every charge of the pod (it is gone, or the cache now accounts for it). */
  forget(key: string): void {
    this.byKey.delete(key);
  }

  /** Settles a pod from a watch event: bound or deleted means the cache accounts for it now. */
  observed(key: string, pod: Pod): void {
    if (pod.spec?.nodeName || pod.metadata?.deletionTimestamp) this.byKey.delete(key);
  }

  /** Number of pods with a charge (for tests and metrics). */
  get size(): number {
    return this.byKey.size;
  }

  /** The charges on each node of one source, dropping bound and held entries older than ttlMs. */
  totals(source: string, now: number): AssumedTotals {
    const assumed = new Map<string, Resources>();
    const owners = new Map<string, string[]>();
    const prefix = `${source}\t`;
    for (const [key, list] of this.byKey) {
      const live = list.filter((a) => a.state === 'binding' || now - a.at < this.ttlMs);
      if (live.length === 0) this.byKey.delete(key);
      else if (live.length !== list.length) this.byKey.set(key, live);
      if (!key.startsWith(prefix)) continue;
      for (const a of live) {
        assumed.set(a.node, addResources(assumed.get(a.node) ?? NO_RESOURCES, a.requests));
        if (a.owner) owners.set(a.node, [...(owners.get(a.node) ?? []), a.owner]);
      }
    }
    return { assumed, owners };
  }

  private transition(key: string, node: string, state: AssumptionState, now: number): void {
    const a = this.byKey.get(key)?.find((x) => x.node === node && x.state === 'binding');
    if (a) Object.assign(a, { state, at: now });
  }
}
