import { setMaxListeners } from 'node:events';
import { ADMIRALTY_API_VERSION, type Target } from '../api/offloading.js';
import type { ClusterRegistry, MemberCluster } from '../clusters/registry.js';
import { Histogram, type Registry } from 'prom-client';
import type { WorkQueue } from '../controller/queue.js';
import { observedQueue } from '../metrics/controllers.js';
import { isNotFound, KubeApiError } from '../kube/errors.js';
import type { Logger } from '../util/log.js';
import { AssumedPods } from './assumed-pods.js';
import { placeBatch, type BatchDecision, type PendingPod } from './batch.js';
import { ownerOf } from './candidates.js';
import { recordEvent } from './events.js';
import { profile, unschedulableMessage, type Profile } from './framework.js';
import type { Node, Pod } from './kinds.js';
import { PROXY_SCHEDULER_NAME } from './labels.js';
import { Limiter } from '../util/limiter.js';

/** True for a pod Meridian's proxy scheduler must place (elected, not yet bound, not going away). */
export function needsPlacement(pod: Pod): boolean {
  return pod.spec?.schedulerName === PROXY_SCHEDULER_NAME && !pod.spec.nodeName && !pod.metadata?.deletionTimestamp && pod.status?.phase !== 'Failed' && pod.status?.phase !== 'Succeeded';
}

/** Tunables of the proxy scheduler. */
export interface ProxySchedulerOptions {
  /** How long a pod no candidate fits waits before it is tried again. */
  retryMs: number;
  /** Bindings in flight at once, per scheduler. */
  bindConcurrency: number;
  /** Deadline of one binding request. */
  bindTimeoutMs: number;
  /** Delegates made beside their bindings (the reflector); without it, bindings to virtual nodes go out bare. */
  delegates?: DelegateMaker;
}

/** What the scheduler needs of the reflector around a binding to a virtual node. */
export interface DelegateMaker {
  /**
   * Starts making the delegate; the annotations the Binding should carry (where the delegate goes)
   * and the making, which never rejects; undefined when it is made later instead.
   */
  prepare(key: string, node: string): { annotations: Record<string, string>; made: Promise<void> } | undefined;
  /** The server refused the binding (one without an answer may have landed, and is not withdrawn). */
  bindingRefused(key: string): void;
}

/**
 * The multi-cluster scheduler of elected pods (Admiralty's `multicluster.admiralty.io/elect`):
 * the webhook gives them the `admiralty-proxy` scheduler name, and this scheduler runs the
 * registered Filter and Score plugins over the home cluster's physical nodes and the virtual nodes
 * of its peers (narrowed by Target / ClusterTarget), then binds. Pods that fit at home stay home
 * (LocalFirst); a pod nothing fits gets PodScheduled=False with every candidate's reasons and an
 * Event, and is tried again.
 *
 * As kube-scheduler does, deciding and binding are split: pending pods of a source are decided in
 * batches, serially in memory against one snapshot (placeBatch), each decision charged to the
 * assume cache before its binding is sent; bindings then go out in parallel with a deadline each.
 */
export class ProxyScheduler {
  /** Keyed by source cluster: one batch per source at a time. */
  private readonly queue: WorkQueue;
  private readonly pending = new Map<string, Set<string>>();
  readonly assumed = new AssumedPods();
  private readonly binder: Limiter;
  private readonly retryTimers = new Map<string, NodeJS.Timeout>();
  private readonly bindFailures = new Map<string, number>();
  private readonly lastMessage = new Map<string, string>();
  private readonly stopping = new AbortController();
  /** How long each step of a binding took: waiting for a slot, making the delegate, the Binding request. */
  private readonly steps?: Histogram<'step'>;

  constructor(private readonly registry: ClusterRegistry, private readonly log: Logger, private readonly options: ProxySchedulerOptions, private readonly plugins: Profile = profile(), metrics?: Registry) {
    this.binder = new Limiter(options.bindConcurrency);
    // Every binding in flight listens on it (bindConcurrency of them, plus those waiting for a slot).
    setMaxListeners(0, this.stopping.signal);
    if (metrics) this.steps = new Histogram({ name: 'meridian_scheduling_binding_step_seconds', help: 'Time each step of a proxy scheduler binding took: slot (decided until a binding slot was free), then side by side delegate (the delegate made in the peer) and bind (the Binding request).', labelNames: ['step'], buckets: [0.005, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [metrics] });
    this.queue = observedQueue(metrics, 'scheduling-placement', (source) => this.reconcile(source), { concurrency: 4, ratePerSecond: 200 }, (source, err) => log.warn({ cluster: source, err: (err as Error).message }, 'placement batch failed; will retry'));
  }

  /** Queues a pod (`source<TAB>namespace/name`). */
  add(key: string): void {
    const source = key.split('\t')[0];
    let set = this.pending.get(source);
    if (!set) this.pending.set(source, (set = new Set()));
    set.add(key);
    this.queue.add(source);
  }

  /** Settles the assume cache from a watch event (bound or deleted pods are the cache's to count). */
  observed(key: string, pod: Pod): void {
    this.assumed.observed(key, pod);
    if (pod.spec?.nodeName || pod.metadata?.deletionTimestamp) {
      this.lastMessage.delete(key);
      this.bindFailures.delete(key);
    }
  }

  /** Stops the queue, the retry timers and the bindings in flight. */
  stop(): void {
    this.queue.stop();
    this.stopping.abort(new Error('proxy scheduler stopped'));
    for (const t of this.retryTimers.values()) clearTimeout(t);
    this.retryTimers.clear();
  }

  private reconcile(sourceName: string): Promise<{ requeueAfterMs: number } | void> {
    return Promise.resolve(this.placePending(sourceName));
  }

  /** Decides every pending pod of a source and sends the bindings; never waits for an API call. */
  private placePending(sourceName: string): { requeueAfterMs: number } | void {
    const source = this.registry.get(sourceName);
    if (!source) {
      this.pending.delete(sourceName);
      return;
    }
    const podInformer = source.informer<Pod>('v1', 'Pod');
    const nodeInformer = source.informer<Node>('v1', 'Node');
    if (!podInformer.hasSynced() || !nodeInformer.hasSynced()) return { requeueAfterMs: 500 };
    const keys = [...(this.pending.get(sourceName) ?? [])];
    this.pending.delete(sourceName);
    const batch: PendingPod[] = [];
    for (const key of keys) {
      const pod = podInformer.get(key.slice(sourceName.length + 1));
      if (pod && needsPlacement(pod) && !this.assumed.busy(key)) batch.push({ key, pod });
    }
    if (batch.length === 0) return;
    const now = Date.now();
    const { assumed, owners } = this.assumed.totals(sourceName, now);
    const view = {
      home: sourceName, nodes: nodeInformer.list(), pods: podInformer.list(), assumed, assumedOwners: owners,
      allowedPeers: (p: Pod) => allowedPeers(source, p), peerReady: (p: string) => this.registry.get(p)?.ready ?? false, ownCharges: (key: string) => this.assumed.heldBy(key, now),
    };
    const unschedulable: BatchDecision[] = [];
    for (const d of placeBatch(batch, view, this.plugins)) {
      if (d.placement.errors.length) {
        this.log.warn({ pod: d.key.replace('\t', ':'), err: d.placement.errors.join('; ') }, 'placement failed; will retry');
        this.retryLater(d.key, this.options.retryMs);
      } else if (!d.placement.chosen) {
        unschedulable.push(d);
      } else {
        this.assumed.assume(d.key, d.placement.chosen.name, d.requests, ownerOf(d.pod), Date.now());
        void this.bind(source, d);
      }
    }
    // Reported after the bindings are on their way, bounded like them; the next batch does not wait.
    for (const d of unschedulable) {
      void this.binder.run(() => this.reportUnschedulable(source, d)).catch((err: Error) => {
        this.log.warn({ pod: d.key.replace('\t', ':'), err: err.message }, 'could not report an unschedulable pod');
      }).finally(() => this.retryLater(d.key, this.options.retryMs));
    }
  }

  /** Sends one binding; on failure the pod is retried with backoff (its charge held if the answer was unclear). */
  private async bind(source: MemberCluster, d: BatchDecision): Promise<void> {
    const { name = '', namespace = '' } = d.pod.metadata ?? {};
    const chosen = d.placement.chosen!;
    const node = chosen.name;
    const delegates = chosen.virtual ? this.options.delegates : undefined;
    const decided = performance.now();
    const step = (name: string, since: number) => {
      const now = performance.now();
      this.steps?.observe({ step: name }, (now - since) / 1000);
      return now;
    };
    try {
      // The delegate is made beside the binding, in the same slot: neither waits for the other.
      await this.binder.run(async () => {
        const slot = step('slot', decided);
        const prepared = delegates?.prepare(d.key, node);
        const made = prepared?.made.finally(() => step('delegate', slot));
        const binding = source.client.request('POST', `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}/binding`, {
          body: { apiVersion: 'v1', kind: 'Binding', metadata: { name, namespace, uid: d.pod.metadata?.uid, annotations: prepared?.annotations }, target: { apiVersion: 'v1', kind: 'Node', name: node } },
          timeoutMs: this.options.bindTimeoutMs, signal: this.stopping.signal,
        }).finally(() => step('bind', slot));
        const [bound] = await Promise.allSettled([binding, made]);
        if (bound.status === 'rejected') throw bound.reason;
      });
    } catch (err) {
      if (err instanceof KubeApiError && err.status > 0) delegates?.bindingRefused(d.key);
      if (isNotFound(err)) {
        this.assumed.forget(d.key);
        return;
      }
      this.assumed.held(d.key, node, Date.now());
      if (this.stopping.signal.aborted) return;
      const n = (this.bindFailures.get(d.key) ?? 0) + 1;
      this.bindFailures.set(d.key, n);
      this.log.warn({ pod: d.key.replace('\t', ':'), node, err: (err as Error).message }, 'binding failed; will retry');
      this.retryLater(d.key, Math.min(10_000, 200 * 2 ** (n - 1)));
      return;
    }
    this.assumed.bound(d.key, node, Date.now());
    this.bindFailures.delete(d.key);
    const where = chosen.virtual ? `cluster ${chosen.cluster} (virtual node ${node})` : `node ${node} at home`;
    void recordEvent(source.client, { ...d.pod, kind: 'Pod' }, 'Normal', 'Scheduled', `Successfully assigned ${namespace}/${name} to ${where}`);
  }

  private retryLater(key: string, ms: number): void {
    if (this.stopping.signal.aborted || this.retryTimers.has(key)) return;
    this.retryTimers.set(key, setTimeout(() => {
      this.retryTimers.delete(key);
      this.add(key);
    }, ms).unref());
  }

  private async reportUnschedulable(source: MemberCluster, d: BatchDecision): Promise<void> {
    const message = unschedulableMessage(d.placement, d.candidates);
    if (this.lastMessage.get(d.key) === message) return;
    this.lastMessage.set(d.key, message);
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const conditions = [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null, lastTransitionTime: now }];
    try {
      await source.client.patchStatus('v1', 'Pod', d.pod.metadata?.name ?? '', d.pod.metadata?.namespace, { conditions });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    await recordEvent(source.client, { ...d.pod, kind: 'Pod' }, 'Warning', 'FailedScheduling', message);
  }
}

/** The peers Admiralty targets allow: ClusterTargets plus Targets of the pod's namespace; none defined means every peer. */
export function allowedPeers(source: MemberCluster, pod: Pod): Set<string> | undefined {
  const cluster = source.informer<Target>(ADMIRALTY_API_VERSION, 'ClusterTarget');
  const namespaced = source.informer<Target>(ADMIRALTY_API_VERSION, 'Target');
  const targets = [...cluster.list(), ...namespaced.list().filter((t) => t.metadata?.namespace === pod.metadata?.namespace)].filter((t) => !t.spec?.self);
  if (targets.length === 0) return undefined;
  return new Set(targets.map((t) => t.metadata?.name ?? ''));
}
