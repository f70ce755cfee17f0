import { ADMIRALTY_API_VERSION, type Target } from '../api/offloading.js';
import type { ClusterRegistry, MemberCluster } from '../clusters/registry.js';
import { WorkQueue } from '../controller/queue.js';
import { isNotFound } from '../kube/errors.js';
import type { Logger } from '../util/log.js';
import { candidatesFor, ownerOf } from './candidates.js';
import { recordEvent } from './events.js';
import { place, profile, unschedulableMessage, type Profile } from './framework.js';
import type { Node, Pod } from './kinds.js';
import { PROXY_SCHEDULER_NAME } from './labels.js';
import { addResources, NO_RESOURCES, podRequests, type Resources } from './resources.js';

/** True for a pod Meridian's proxy scheduler must place (elected, not yet bound, not going away). */
export function needsPlacement(pod: Pod): boolean {
  return pod.spec?.schedulerName === PROXY_SCHEDULER_NAME && !pod.spec.nodeName && !pod.metadata?.deletionTimestamp && pod.status?.phase !== 'Failed' && pod.status?.phase !== 'Succeeded';
}

/**
 * The multi-cluster scheduler of elected pods (Admiralty's `multicluster.admiralty.io/elect`):
 * the webhook gives them the `admiralty-proxy` scheduler name, and this scheduler runs the
 * registered Filter and Score plugins over the home cluster's physical nodes and the virtual nodes
 * of its peers (narrowed by Target / ClusterTarget), then binds. Pods that fit at home stay home
 * (LocalFirst); a pod nothing fits gets PodScheduled=False with every candidate's reasons and an
 * Event, and is tried again.
 */
export class ProxyScheduler {
  private readonly queue: WorkQueue;
  private readonly assumed = new Map<string, { node: string; requests: Resources; owner?: string }>();
  private readonly lastMessage = new Map<string, string>();

  constructor(private readonly registry: ClusterRegistry, private readonly log: Logger, private readonly retryMs: number, private readonly plugins: Profile = profile()) {
    // One placement at a time: each decision sees the bindings of the one before.
    this.queue = new WorkQueue((key) => this.reconcile(key), { concurrency: 1, ratePerSecond: 500 }, (key, err) => log.warn({ pod: key.replace('\t', ':'), err: (err as Error).message }, 'placement failed; will retry'));
  }

  /** Queues a pod (`source<TAB>namespace/name`). */
  add(key: string): void {
    this.queue.add(key);
  }

  /** Forgets an assumption once the cache shows the pod bound. */
  observed(key: string, pod: Pod): void {
    if (pod.spec?.nodeName || pod.metadata?.deletionTimestamp) this.assumed.delete(key);
    if (pod.spec?.nodeName) this.lastMessage.delete(key);
  }

  /** Stops the queue. */
  stop(): void {
    this.queue.stop();
  }

  private async reconcile(key: string): Promise<{ requeueAfterMs: number } | void> {
    const [sourceName, podKey] = key.split('\t');
    const source = this.registry.get(sourceName);
    if (!source) return;
    const podInformer = source.informer<Pod>('v1', 'Pod');
    const nodeInformer = source.informer<Node>('v1', 'Node');
    if (!podInformer.hasSynced() || !nodeInformer.hasSynced()) return { requeueAfterMs: 500 };
    const pod = podInformer.get(podKey);
    if (!pod || !needsPlacement(pod) || this.assumed.has(key)) return;
    const assumed = new Map<string, Resources>();
    const assumedOwners = new Map<string, string[]>();
    for (const [k, a] of this.assumed) {
      if (!k.startsWith(`${sourceName}\t`)) continue;
      assumed.set(a.node, addResources(assumed.get(a.node) ?? NO_RESOURCES, a.requests));
      if (a.owner) assumedOwners.set(a.node, [...(assumedOwners.get(a.node) ?? []), a.owner]);
    }
    const view = { home: sourceName, nodes: nodeInformer.list(), pods: podInformer.list(), assumed, assumedOwners, allowedPeers: allowedPeers(source, pod), peerReady: (p: string) => this.registry.get(p)?.ready ?? false };
    const candidates = candidatesFor(pod, view);
    const requests = podRequests(pod);
    const placement = place({ pod, requests }, candidates, this.plugins);
    if (placement.errors.length) throw new Error(placement.errors.join('; '));
    const { name = '', namespace = '' } = pod.metadata ?? {};
    if (!placement.chosen) {
      await this.reportUnschedulable(source, key, pod, unschedulableMessage(placement, candidates.length));
      return { requeueAfterMs: this.retryMs };
    }
    const node = placement.chosen.name;
    try {
      await source.client.request('POST', `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}/binding`, {
        body: { apiVersion: 'v1', kind: 'Binding', metadata: { name, namespace }, target: { apiVersion: 'v1', kind: 'Node', name: node } },
      });
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    this.assumed.set(key, { node, requests, owner: ownerOf(pod) });
    setTimeout(() => this.assumed.delete(key), 30_000).unref();
    const where = placement.chosen.virtual ? `cluster ${placement.chosen.cluster} (virtual node ${node})` : `node ${node} at home`;
    // Not awaited: placement is serial (one key at a time, for the assumed-resources accounting), and
    // waiting for a best-effort Event doubled the time each pod held the queue.
    void recordEvent(source.client, { ...pod, kind: 'Pod' }, 'Normal', 'Scheduled', `Successfully assigned ${namespace}/${name} to ${where}`);
  }

  private async reportUnschedulable(source: MemberCluster, key: string, pod: Pod, message: string): Promise<void> {
    if (this.lastMessage.get(key) === message) return;
    this.lastMessage.set(key, message);
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const conditions = [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null, lastTransitionTime: now }];
    try {
      await source.client.patchStatus('v1', 'Pod', pod.metadata?.name ?? '', pod.metadata?.namespace, { conditions });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    await recordEvent(source.client, { ...pod, kind: 'Pod' }, 'Warning', 'FailedScheduling', message);
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
