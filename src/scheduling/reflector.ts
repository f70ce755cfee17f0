import type { Node, Pod } from './kinds.js';
import { LIQO_OFFLOADING_API_VERSION, type NamespaceOffloading } from '../api/offloading.js';
import type { ClusterRegistry, MemberCluster } from '../clusters/registry.js';
import { WorkQueue } from '../controller/queue.js';
import { isConflict, isNotFound } from '../kube/errors.js';
import type { Logger } from '../util/log.js';
import { delegatePod, mirroredStatus } from './delegate.js';
import { recordEvent } from './events.js';
import {
  DELEGATE_CLUSTER_ANNOTATION, DELEGATE_NAMESPACE_ANNOTATION, DELEGATE_UID_ANNOTATION, LOST_REASON, PARENT_NAME_LABEL, PARENT_NAMESPACE_LABEL,
  PEER_LABEL, SOURCE_CLUSTER_LABEL, SOURCE_UID_LABEL,
} from './labels.js';
import { remoteNamespace } from './namespace-mapping.js';
import { ensureRemoteNamespace, reflectReferences } from './reflect-objects.js';

type Result = { requeueAfterMs: number } | undefined;

/** A local pod bound to a virtual node, with where its delegate goes. */
interface Target {
  source: MemberCluster;
  local: Pod;
  name: string;
  namespace: string;
  peerName: string;
  /** The peer, when it answers. */
  peer?: MemberCluster;
  remoteNs: string;
}

/** The queue key of a local pod: `source<TAB>namespace/name`. */
export function reflectKey(source: string, namespace: string, name: string): string {
  return `${source}\t${namespace}/${name}`;
}

/**
 * The virtual kubelet's job, done by Meridian: for each local pod bound to a virtual node, a
 * delegate in the peer (mapped namespace, referenced objects reflected), its status mirrored back
 * (so the local pod is Running only once the delegate is), deletions carried both ways, and a
 * delegate lost with its peer reported on the local pod (phase Failed, reason PeerLost) so that its
 * controller replaces it. Garbage collection removes delegates whose local pod is gone.
 */
export class Reflector {
  private readonly queue: WorkQueue;
  /** When each peer was first seen not answering (cleared when it answers). */
  private readonly downSince = new Map<string, number>();

  /**
   * `lostAfterMs`: how long a peer must stay unanswering before its pods are reported lost (one
   * failed probe is not a death). `concurrency`: pods synced at once; each sync is a few API round
   * trips, so a burst of delegates waits on round trips, not CPU.
   */
  constructor(private readonly registry: ClusterRegistry, private readonly log: Logger, private readonly lostAfterMs = 0, concurrency = 32) {
    this.queue = new WorkQueue((key) => this.reconcile(key), { concurrency, ratePerSecond: 400 }, (key, err) => log.warn({ pod: key.replace('\t', ':'), err: (err as Error).message }, 'delegate sync failed; will retry'));
  }

  /** Queues a local pod. */
  add(key: string): void {
    this.queue.add(key);
  }

  /** Queues the parent of a remote (delegate) pod. */
  addRemote(pod: Pod): void {
    const l = pod.metadata?.labels ?? {};
    if (l[SOURCE_CLUSTER_LABEL] && l[PARENT_NAMESPACE_LABEL] && l[PARENT_NAME_LABEL]) this.queue.add(reflectKey(l[SOURCE_CLUSTER_LABEL], l[PARENT_NAMESPACE_LABEL], l[PARENT_NAME_LABEL]));
  }

  /** Stops the queue. */
  stop(): void {
    this.queue.stop();
  }

  /** Resolves when nothing is queued. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  /** Deletes delegates in `peer` whose local pod is gone, finished, or bound elsewhere; returns how many. */
  async collectGarbage(source: MemberCluster, peer: MemberCluster, virtualNode: string): Promise<number> {
    const localPods = source.informer<Pod>('v1', 'Pod');
    const remotePods = peer.informer<Pod>('v1', 'Pod');
    if (!localPods.hasSynced() || !remotePods.hasSynced() || !source.ready || !peer.ready) return 0;
    let deleted = 0;
    for (const remote of remotePods.list()) {
      const l = remote.metadata?.labels ?? {};
      if (l[SOURCE_CLUSTER_LABEL] !== source.name) continue;
      const local = localPods.get(`${l[PARENT_NAMESPACE_LABEL]}/${l[PARENT_NAME_LABEL]}`);
      const keep = local && local.metadata?.uid === l[SOURCE_UID_LABEL] && local.spec?.nodeName === virtualNode && !terminal(local);
      if (keep) continue;
      if (await peer.client.delete('v1', 'Pod', remote.metadata?.name ?? '', remote.metadata?.namespace, { gracePeriodSeconds: 0 })) deleted++;
      if (local) this.queue.add(reflectKey(source.name, local.metadata?.namespace ?? '', local.metadata?.name ?? ''));
    }
    return deleted;
  }

  private async reconcile(key: string): Promise<Result> {
    const target = this.locate(key);
    if (!target || 'requeueAfterMs' in target) return target;
    const settled = await this.settle(target);
    if (settled !== 'sync') return settled;
    return this.syncDelegate(target);
  }

  /** Finds the local pod, its virtual node's peer and the mapped namespace. */
  private locate(key: string): Target | { requeueAfterMs: number } | undefined {
    const [sourceName, podKey] = key.split('\t');
    const source = this.registry.get(sourceName);
    if (!source) return undefined;
    const pods = source.informer<Pod>('v1', 'Pod');
    if (!pods.hasSynced()) return { requeueAfterMs: 500 };
    const local = pods.get(podKey);
    const nodeName = local?.spec?.nodeName;
    if (!local?.metadata?.name || !nodeName) return undefined;
    const node = source.informer<Node>('v1', 'Node').get(nodeName);
    const peerName = node?.metadata?.labels?.[PEER_LABEL] ?? (nodeName.startsWith('liqo-') ? nodeName.slice(5) : undefined);
    if (!peerName) return undefined;
    const namespace = local.metadata.namespace ?? '';
    const offloading = source.informer<NamespaceOffloading>(LIQO_OFFLOADING_API_VERSION, 'NamespaceOffloading').list().find((o) => o.metadata?.namespace === namespace);
    const remoteNs = local.metadata.annotations?.[DELEGATE_NAMESPACE_ANNOTATION] ?? remoteNamespace(namespace, sourceName, offloading);
    const peer = this.registry.get(peerName);
    if (peer?.ready) this.downSince.delete(peerName);
    else if (!this.downSince.has(peerName)) this.downSince.set(peerName, Date.now());
    return { source, local, name: local.metadata.name, namespace, peerName, peer: peer?.ready ? peer : undefined, remoteNs };
  }

  /** Deletion, finished pods and a peer that does not answer; 'sync' when the delegate should be kept in step. */
  private async settle(t: Target): Promise<Result | 'sync'> {
    const { source, local, name, namespace, peer } = t;
    if (local.metadata?.deletionTimestamp) {
      if (peer) await this.deleteRemote(peer, t.remoteNs, name, local.metadata.uid);
      await source.client.delete('v1', 'Pod', name, namespace, { gracePeriodSeconds: 0 });
      return undefined;
    }
    if (terminal(local)) {
      // A pod reported lost is removed once its peer answers again, after its leftover delegate.
      if (local.status?.reason === LOST_REASON && peer) {
        await this.deleteRemote(peer, t.remoteNs, name, local.metadata?.uid);
        await source.client.delete('v1', 'Pod', name, namespace, { gracePeriodSeconds: 0 });
      }
      return undefined;
    }
    if (peer) return 'sync';
    const waited = Date.now() - (this.downSince.get(t.peerName) ?? Date.now());
    if (waited < this.lostAfterMs) return { requeueAfterMs: this.lostAfterMs - waited };
    if (local.metadata?.annotations?.[DELEGATE_UID_ANNOTATION] || local.status?.phase === 'Running') {
      await this.markLost(source, local, `cluster ${t.peerName} stopped answering; the pod is lost and its controller replaces it`);
      return undefined;
    }
    return { requeueAfterMs: 2000 };
  }

  /** Creates the delegate, or mirrors its status back. */
  private async syncDelegate(t: Target): Promise<Result> {
    const { source, local, name, namespace, remoteNs, peerName } = t;
    const peer = t.peer as MemberCluster;
    const remotePods = peer.informer<Pod>('v1', 'Pod');
    if (!remotePods.hasSynced()) return { requeueAfterMs: 500 };
    const delegated = local.metadata?.annotations?.[DELEGATE_UID_ANNOTATION];
    let remote = remotePods.get(`${remoteNs}/${name}`);
    // The cache may lag our own create: ask the server before calling a delegate lost.
    if (!remote && delegated) remote = await peer.client.get<Pod>('v1', 'Pod', name, remoteNs);
    if (remote && remote.metadata?.labels?.[SOURCE_UID_LABEL] !== local.metadata?.uid) {
      if (remote.metadata?.labels?.[SOURCE_CLUSTER_LABEL] === source.name) {
        await peer.client.delete('v1', 'Pod', name, remoteNs, { gracePeriodSeconds: 0 });
        return { requeueAfterMs: 500 };
      }
      await recordEvent(source.client, { ...local, kind: 'Pod' }, 'Warning', 'DelegateNameConflict', `pod ${remoteNs}/${name} in ${peerName} exists and is not a delegate of this pod`);
      return { requeueAfterMs: 30_000 };
    }
    if (!remote && delegated) {
      await this.markLost(source, local, `delegate ${remoteNs}/${name} in ${peerName} was deleted`);
      return undefined;
    }
    if (!remote) return this.createDelegate(t, peer);
    const status = mirroredStatus(remote);
    if (sameStatus(local.status as Record<string, unknown> | undefined, status)) return undefined;
    try {
      await source.client.patchStatus('v1', 'Pod', name, namespace, status);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    return undefined;
  }

  private async createDelegate(t: Target, peer: MemberCluster): Promise<Result> {
    const { source, local, name, namespace, remoteNs, peerName } = t;
    await ensureRemoteNamespace(peer, remoteNs, source.name);
    await reflectReferences(source, peer, local, remoteNs);
    let created: Pod;
    try {
      created = await peer.client.create(delegatePod(local, source.name, remoteNs));
    } catch (err) {
      if (isConflict(err)) return { requeueAfterMs: 200 };
      throw err;
    }
    await source.client.mergePatch('v1', 'Pod', name, namespace, { metadata: { annotations: { [DELEGATE_CLUSTER_ANNOTATION]: peerName, [DELEGATE_NAMESPACE_ANNOTATION]: remoteNs, [DELEGATE_UID_ANNOTATION]: created.metadata?.uid ?? '' } } });
    // Best effort, and not worth a round trip of this pod's sync (the delegate is already running).
    void recordEvent(source.client, { ...local, kind: 'Pod' }, 'Normal', 'Delegated', `delegate ${remoteNs}/${name} created in cluster ${peerName}`);
    return undefined;
  }

  private async deleteRemote(peer: MemberCluster, namespace: string, name: string, uid: string | undefined): Promise<void> {
    const remote = peer.informer<Pod>('v1', 'Pod').get(`${namespace}/${name}`) ?? await peer.client.get<Pod>('v1', 'Pod', name, namespace);
    if (remote && remote.metadata?.labels?.[SOURCE_UID_LABEL] === uid) await peer.client.delete('v1', 'Pod', name, namespace, { gracePeriodSeconds: 0 });
  }

  private async markLost(source: MemberCluster, local: Pod, message: string): Promise<void> {
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const conditions = (local.status?.conditions ?? []).map((c) => (c.type === 'Ready' || c.type === 'ContainersReady' ? { ...c, status: 'False', reason: LOST_REASON, lastTransitionTime: now } : c));
    await source.client.patchStatus('v1', 'Pod', local.metadata?.name ?? '', local.metadata?.namespace, { phase: 'Failed', reason: LOST_REASON, message, conditions });
    await recordEvent(source.client, { ...local, kind: 'Pod' }, 'Warning', LOST_REASON, message);
    this.log.info({ pod: `${local.metadata?.namespace}/${local.metadata?.name}`, cluster: source.name }, message);
  }
}

function terminal(pod: Pod): boolean {
  return pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded';
}

function sameStatus(current: Record<string, unknown> | undefined, next: Record<string, unknown>): boolean {
  return Boolean(current) && statusDigest(current ?? {}) === statusDigest(next);
}

/** The parts of a pod status the mirror keeps equal (timestamps aside), so a mirror never loops. */
function statusDigest(s: Record<string, unknown>): string {
  const conds = ((s.conditions ?? []) as Array<{ type: string; status: string }>).map((c) => `${c.type}=${c.status}`).sort();
  const containers = ((s.containerStatuses ?? []) as Array<{ name: string; ready?: boolean; state?: Record<string, unknown> }>).map((c) => `${c.name}:${c.ready}:${Object.keys(c.state ?? {}).join()}`);
  return JSON.stringify([s.phase ?? '', s.podIP ?? '', s.reason ?? '', conds, containers]);
}
