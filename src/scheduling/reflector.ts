import type { Node, Pod } from './kinds.js';
import { LIQO_OFFLOADING_API_VERSION, type NamespaceOffloading } from '../api/offloading.js';
import type { ClusterRegistry, MemberCluster } from '../clusters/registry.js';
import type { Registry } from 'prom-client';
import type { WorkQueue } from '../controller/queue.js';
import { observedQueue } from '../metrics/controllers.js';
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
  /** True when the local pod is bound to the virtual node as far as the cache knows (not only expected). */
  bound: boolean;
}

/** How long a binding the scheduler announced is trusted before the cache shows it (the binding's deadline, and then some). */
const EXPECTATION_MS = 60_000;

/** How long a delegate this reflector made is trusted to exist before the peer's cache shows it. */
const MADE_TRUST_MS = 10_000;

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
  /** The status lane: delegates that changed, mirrored without waiting behind creates. */
  private readonly mirrors: WorkQueue;
  /** Delegates being made beside their bindings, by key: a sync of the same pod waits for its making rather than racing it. */
  private readonly making = new Map<string, Promise<void>>();
  /**
   * Delegates made beside their bindings that the peer's cache may not show yet, by key: a sync in
   * that window waits for the cache rather than creating again (a create refused as a conflict, then
   * a GET, for a good part of a burst's pods).
   */
  private readonly made = new Map<string, { peer: string; remoteNs: string; until: number }>();
  /** Bindings to virtual nodes the scheduler has sent and the cache does not show yet, by key. */
  private readonly expected = new Map<string, { node: string; until: number }>();
  /** When each peer was first seen not answering (cleared when it answers). */
  private readonly downSince = new Map<string, number>();

  /**
   * `lostAfterMs`: how long a peer must stay unanswering before its pods are reported lost (one
   * failed probe is not a death). `concurrency`: pods synced at once; each sync is a few API round
   * trips, so a burst of delegates waits on round trips, not CPU.
   */
  constructor(private readonly registry: ClusterRegistry, private readonly log: Logger, private readonly lostAfterMs = 0, concurrency = 32, metrics?: Registry) {
    this.queue = observedQueue(metrics, 'scheduling-reflector', (key) => this.reconcile(key), { concurrency, ratePerSecond: 400 }, (key, err) => log.warn({ pod: key.replace('\t', ':'), err: (err as Error).message }, 'delegate sync failed; will retry'));
    this.mirrors = observedQueue(metrics, 'scheduling-mirror', (key) => this.mirror(key), { concurrency, ratePerSecond: 400 }, (key, err) => log.warn({ pod: key.replace('\t', ':'), err: (err as Error).message }, 'delegate status mirror failed; will retry'));
  }

  /** Queues a local pod. */
  add(key: string): void {
    this.queue.add(key);
  }

  /**
   * The scheduler is about to bind a local pod to a virtual node: its delegate is made now, beside
   * the binding, rather than after the binding has come back through a watch and a queue (Admiralty
   * makes its delegate before it binds the proxy; here neither waits for the other). Returns the
   * annotations that say where the delegate goes (cluster and namespace), for the Binding to carry
   * (the API server copies a Binding's annotations onto the pod, which spares the pod a write of its
   * own), and the delegate's making, which never rejects: a delegate not made now is made by the
   * ordinary sync once the pod is bound. Undefined when the delegate cannot be placed now. The
   * delegate's uid reaches the pod with its first mirrored status; its status is mirrored only once
   * the cache shows the pod bound, and garbage collection keeps the delegate meanwhile.
   */
  prepare(key: string, node: string): { annotations: Record<string, string>; made: Promise<void> } | undefined {
    this.expected.set(key, { node, until: Date.now() + EXPECTATION_MS });
    const t = this.locate(key);
    if (!t || 'requeueAfterMs' in t || !t.peer || t.local.metadata?.annotations?.[DELEGATE_UID_ANNOTATION]) return undefined;
    const made = this.makeDelegate(t, t.peer).then((uid) => {
      if (uid) this.made.set(key, { peer: t.peerName, remoteNs: t.remoteNs, until: Date.now() + MADE_TRUST_MS });
    }, (err: Error) => {
      this.log.debug({ pod: key.replace('\t', ':'), err: err.message }, 'delegate not made beside the binding; the sync makes it once the pod is bound');
    }).finally(() => this.making.delete(key));
    this.making.set(key, made);
    return { annotations: { [DELEGATE_CLUSTER_ANNOTATION]: t.peerName, [DELEGATE_NAMESPACE_ANNOTATION]: t.remoteNs }, made };
  }

  /** The binding `prepare` was for was refused: the delegate, if made, is collected as any whose pod is not bound there. */
  bindingRefused(key: string): void {
    this.expected.delete(key);
  }

  /** A local pod as its watch delivered it: an expected binding the cache now shows (or a pod gone) is settled. */
  observed(key: string, pod: Pod | undefined): void {
    if (!pod || pod.spec?.nodeName || pod.metadata?.deletionTimestamp) this.expected.delete(key);
    if (!pod || pod.metadata?.deletionTimestamp) this.made.delete(key);
  }

  /** Queues the parent of a remote (delegate) pod on the status lane. */
  addRemote(pod: Pod): void {
    const l = pod.metadata?.labels ?? {};
    if (l[SOURCE_CLUSTER_LABEL] && l[PARENT_NAMESPACE_LABEL] && l[PARENT_NAME_LABEL]) this.mirrors.add(reflectKey(l[SOURCE_CLUSTER_LABEL], l[PARENT_NAMESPACE_LABEL], l[PARENT_NAME_LABEL]));
  }

  /** Stops the queues. */
  stop(): void {
    this.queue.stop();
    this.mirrors.stop();
  }

  /** Resolves when nothing is queued. */
  async idle(): Promise<void> {
    await Promise.all([this.queue.idle(), this.mirrors.idle()]);
  }

  /** The node a local pod is bound to, or the virtual node its binding was announced for (not for a pod going away). */
  private nodeOf(key: string, local: Pod): string | undefined {
    return local.spec?.nodeName ?? (local.metadata?.deletionTimestamp ? undefined : this.expectedNode(key));
  }

  /** The virtual node a binding was announced for and the cache does not show yet. */
  private expectedNode(key: string): string | undefined {
    const e = this.expected.get(key);
    if (e && e.until < Date.now()) this.expected.delete(key);
    return e && e.until >= Date.now() ? e.node : undefined;
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
      const key = reflectKey(source.name, l[PARENT_NAMESPACE_LABEL] ?? '', l[PARENT_NAME_LABEL] ?? '');
      const local = localPods.get(key.slice(source.name.length + 1));
      const keep = local && local.metadata?.uid === l[SOURCE_UID_LABEL] && this.nodeOf(key, local) === virtualNode && !terminal(local);
      if (keep) continue;
      if (await peer.client.delete('v1', 'Pod', remote.metadata?.name ?? '', remote.metadata?.namespace, { gracePeriodSeconds: 0 })) deleted++;
      if (local) this.queue.add(reflectKey(source.name, local.metadata?.namespace ?? '', local.metadata?.name ?? ''));
    }
    return deleted;
  }

  private async reconcile(key: string): Promise<Result> {
    await this.making.get(key);
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
    const nodeName = local && this.nodeOf(key, local);
    if (!local?.metadata?.name || !nodeName) return undefined;
    const peerName = peerOf(source, nodeName);
    if (!peerName) return undefined;
    const namespace = local.metadata.namespace ?? '';
    const offloading = source.informer<NamespaceOffloading>(LIQO_OFFLOADING_API_VERSION, 'NamespaceOffloading').list().find((o) => o.metadata?.namespace === namespace);
    const remoteNs = local.metadata.annotations?.[DELEGATE_NAMESPACE_ANNOTATION] ?? remoteNamespace(namespace, sourceName, offloading);
    const peer = this.registry.get(peerName);
    if (peer?.ready) this.downSince.delete(peerName);
    else if (!this.downSince.has(peerName)) this.downSince.set(peerName, Date.now());
    return { source, local, name: local.metadata.name, namespace, peerName, peer: peer?.ready ? peer : undefined, remoteNs, bound: Boolean(local.spec?.nodeName) };
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
    const { source, local, name, remoteNs, peerName } = t;
    const peer = t.peer as MemberCluster;
    const remotePods = peer.informer<Pod>('v1', 'Pod');
    if (!remotePods.hasSynced()) return { requeueAfterMs: 500 };
    const delegated = local.metadata?.annotations?.[DELEGATE_UID_ANNOTATION];
    let remote = remotePods.get(`${remoteNs}/${name}`);
    const key = reflectKey(source.name, t.namespace, name);
    const mine = this.made.get(key);
    if (remote || (mine && Date.now() >= mine.until)) this.made.delete(key);
    // Made beside the binding a moment ago: the peer's watch brings it (and queues its mirror).
    else if (mine && mine.peer === peerName && mine.remoteNs === remoteNs) return { requeueAfterMs: 1000 };
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
    // Mirrored once bound: a pod whose binding is still on its way is not Running anywhere yet.
    if (t.bound) await this.writeStatus(source, local, remote);
    return undefined;
  }

  /**
   * The status lane: a delegate changed; mirror it if its pod is bound, its peer answers and the
   * delegate in the cache is this pod's. Anything else (a delegate gone, a pod going away) is the
   * full sync's, so the key goes there.
   */
  private async mirror(key: string): Promise<Result> {
    const t = this.locate(key);
    if (!t || 'requeueAfterMs' in t) return t;
    const remote = t.peer?.informer<Pod>('v1', 'Pod').get(`${t.remoteNs}/${t.name}`);
    const plain = t.bound && !t.local.metadata?.deletionTimestamp && !terminal(t.local);
    if (!plain || !remote || remote.metadata?.labels?.[SOURCE_UID_LABEL] !== t.local.metadata?.uid) {
      this.queue.add(key);
      return undefined;
    }
    await this.writeStatus(t.source, t.local, remote);
    return undefined;
  }

  /**
   * Writes the delegate's status onto the local pod unless it already says the same, or says
   * nothing yet. The delegate's uid goes with it when the pod does not carry it yet (a delegate made
   * beside its binding): one write, not two. A server that keeps metadata out of pods/status gets
   * the annotation in a write of its own.
   */
  private async writeStatus(source: MemberCluster, local: Pod, remote: Pod): Promise<void> {
    if (!worthMirroring(remote)) return;
    const status = mirroredStatus(remote);
    const uid = remote.metadata?.uid;
    const annotate = uid && local.metadata?.annotations?.[DELEGATE_UID_ANNOTATION] !== uid ? { [DELEGATE_UID_ANNOTATION]: uid } : undefined;
    if (!annotate && sameStatus(local.status as Record<string, unknown> | undefined, status)) return;
    const name = local.metadata?.name ?? '';
    const namespace = local.metadata?.namespace;
    try {
      // High priority: the proxy turns Running with this write, and in a burst it would otherwise
      // wait behind every binding and Event the same wave sends home.
      const written = await source.client.mergePatch<Pod>('v1', 'Pod', name, namespace, annotate ? { metadata: { annotations: annotate }, status } : { status }, { subresource: 'status', priority: 'high' });
      if (annotate && written?.metadata?.annotations?.[DELEGATE_UID_ANNOTATION] !== uid) await source.client.mergePatch('v1', 'Pod', name, namespace, { metadata: { annotations: annotate } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  private async createDelegate(t: Target, peer: MemberCluster): Promise<Result> {
    const { source, local, name, namespace, remoteNs, peerName } = t;
    const uid = await this.makeDelegate(t, peer);
    if (uid === undefined) return { requeueAfterMs: 200 };
    // A pod bound by another scheduler (a Liqo-style offloaded pod) learns here where its delegate
    // is; one whose Binding said so gets the uid with its first mirrored status.
    const a = local.metadata?.annotations ?? {};
    if (a[DELEGATE_CLUSTER_ANNOTATION] === peerName && a[DELEGATE_NAMESPACE_ANNOTATION] === remoteNs) return undefined;
    await source.client.mergePatch('v1', 'Pod', name, namespace, { metadata: { annotations: { [DELEGATE_CLUSTER_ANNOTATION]: peerName, [DELEGATE_NAMESPACE_ANNOTATION]: remoteNs, [DELEGATE_UID_ANNOTATION]: uid } } });
    return undefined;
  }

  /** Creates the delegate with what it references; its uid, also when this pod's delegate was already there; undefined when the name is taken otherwise. */
  private async makeDelegate(t: Target, peer: MemberCluster): Promise<string | undefined> {
    const { source, local, name, remoteNs } = t;
    await ensureRemoteNamespace(peer, remoteNs, source.name);
    await reflectReferences(source, peer, local, remoteNs);
    try {
      return (await peer.client.create(delegatePod(local, source.name, remoteNs))).metadata?.uid ?? '';
    } catch (err) {
      if (!isConflict(err)) throw err;
      const existing = await peer.client.get<Pod>('v1', 'Pod', name, remoteNs);
      return existing?.metadata?.labels?.[SOURCE_UID_LABEL] === local.metadata?.uid ? existing?.metadata?.uid ?? '' : undefined;
    }
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

/** The peer a (virtual) node of `source` stands for. */
function peerOf(source: MemberCluster, nodeName: string): string | undefined {
  const node = source.informer<Node>('v1', 'Node').get(nodeName);
  return node?.metadata?.labels?.[PEER_LABEL] ?? (nodeName.startsWith('liqo-') ? nodeName.slice(5) : undefined);
}

/**
 * A delegate that is merely Pending on its way to Running (just created, or scheduled in the peer)
 * tells the local pod nothing it does not already say: it is not mirrored, which spares its API
 * server two writes per pod of a burst. A Pending delegate that has a reason to give (a condition
 * False, such as Unschedulable in the peer, or a container waiting, such as ImagePullBackOff) is.
 */
function worthMirroring(remote: Pod): boolean {
  const s = remote.status ?? {};
  if ((s.phase ?? 'Pending') !== 'Pending') return true;
  return Boolean(s.conditions?.some((c) => c.status === 'False') || s.containerStatuses?.some((c) => c.state?.waiting?.reason) || s.reason);
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
