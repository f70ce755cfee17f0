import { API_VERSION } from '../api/schema.js';
import type { Peering, PeeringStatus } from '../api/peering.js';
import type { Cluster } from '../api/cluster.js';
import type { ClusterRegistry, MemberCluster } from '../clusters/registry.js';
import type { KubeClient } from '../kube/client.js';
import { WorkQueue } from '../controller/queue.js';
import { setCondition } from '../kube/conditions.js';
import { isNotFound } from '../kube/errors.js';
import type { Informer } from '../kube/informer.js';
import type { Condition } from '../kube/types.js';
import type { Logger } from '../util/log.js';
import type { Node, Pod } from './kinds.js';
import { virtualNodeName } from './labels.js';
import { peerOffer } from './offer.js';
import type { SchedulingOptions } from './options.js';
import { removeSourceObjects } from './reflect-objects.js';
import type { Reflector } from './reflector.js';
import { reflectKey } from './reflector.js';
import { cpuQuantity, memoryQuantity, type Resources } from './resources.js';
import type { SourceSetup } from './source-setup.js';
import { virtualNodeObject, virtualNodeStatus } from './virtual-node.js';

/** What the peering controller works with. */
export interface PeeringDeps {
  hub: KubeClient;
  peerings: Informer<Peering>;
  registry: ClusterRegistry;
  setup: SourceSetup;
  reflector: Reflector;
  options: SchedulingOptions;
  log: Logger;
}

const FINALIZER = 'scheduling.meridian.dev/virtual-node';
/** Least time between two Peering status writes that change only counts (offer, offloaded pods). */
const STATUS_COUNTS_MS = 2000;

/**
 * Peerings: for each `Peering` on the hub, a virtual node in the source kept Ready while the peer
 * answers (status heartbeat and Lease renewals), its allocatable the peer's offer, updated when
 * the peer's pods or nodes change. A peer that stops answering turns the node NotReady at the
 * next probe and its pods are reported lost; a deleted Peering removes the node, the local pods
 * on it and everything Meridian created in the peer (finalizer), then the finalizer.
 */
export class PeeringController {
  private readonly queue: WorkQueue;
  private readonly written = new Map<string, { json: string; at: number }>();
  /** When each Peering's status was last written (counts are written at most once per STATUS_COUNTS_MS). */
  private readonly statusWrittenAt = new Map<string, number>();

  private readonly hub: KubeClient;
  private readonly peerings: Informer<Peering>;
  private readonly registry: ClusterRegistry;
  private readonly setup: SourceSetup;
  private readonly reflector: Reflector;
  private readonly options: SchedulingOptions;
  private readonly log: Logger;

  constructor(deps: PeeringDeps) {
    ({ hub: this.hub, peerings: this.peerings, registry: this.registry, setup: this.setup, reflector: this.reflector, options: this.options, log: this.log } = deps);
    const log = this.log;
    this.queue = new WorkQueue((key) => this.reconcile(key), { concurrency: 4, ratePerSecond: 100 }, (key, err) => log.warn({ peering: key, err: (err as Error).message }, 'peering sync failed; will retry'));
  }

  /** Queues a Peering by name. */
  add(name: string): void {
    this.queue.add(name);
  }

  /** Queues every Peering that involves a member. */
  touch(member: string): void {
    for (const p of this.peerings.list()) if (p.spec.from === member || p.spec.to === member) this.queue.add(p.metadata?.name ?? '');
  }

  /** Stops the queue. */
  stop(): void {
    this.queue.stop();
  }

  private async reconcile(name: string): Promise<{ requeueAfterMs: number } | void> {
    const peering = this.peerings.get(name);
    if (!peering) return;
    const { from, to } = peering.spec;
    if (peering.metadata?.deletionTimestamp) return this.finalize(peering);
    if (!peering.metadata?.finalizers?.includes(FINALIZER)) {
      await this.hub.mergePatch(API_VERSION, 'Peering', name, undefined, { metadata: { finalizers: [...(peering.metadata?.finalizers ?? []), FINALIZER] } });
    }
    if (from === to) return this.writeStatus(peering, 'False', 'InvalidSpec', `Peering ${name}: spec.from and spec.to are both "${from}"`, undefined);
    const source = this.registry.get(from);
    const peerCluster = this.registry.clusterObjects().find((c) => c.metadata?.name === to);
    if (!source || !source.ready || !peerCluster) {
      await this.writeStatus(peering, 'False', 'ClusterUnavailable', !peerCluster ? `no Cluster "${to}" on the hub` : `source cluster ${from} is not connected or not Ready`, undefined);
      return { requeueAfterMs: 2000 };
    }
    await this.setup.ensure(source);
    const share = peering.spec.sharePercent ?? this.options.defaultSharePercent;
    const { nodeName, offered, ready, reason } = await this.syncVirtualNode(name, source, peerCluster, share);
    const pods = source.informer<Pod>('v1', 'Pod').list().filter((p) => p.spec?.nodeName === nodeName && p.status?.phase !== 'Failed').length;
    await this.writeStatus(peering, ready ? 'True' : 'False', ready ? 'VirtualNodeReady' : 'PeerNotReady', reason, { virtualNode: nodeName, offer: offered, pods });
    return { requeueAfterMs: Math.min(this.options.heartbeatMs, 5000) };
  }

  /** Applies the virtual node, writes its status when the offer or readiness changed (or a heartbeat is due), renews its Lease. */
  private async syncVirtualNode(name: string, source: MemberCluster, peerCluster: Cluster, share: number): Promise<{ nodeName: string; offered: Resources; ready: boolean; reason: string }> {
    const to = peerCluster.metadata?.name ?? '';
    const from = source.name;
    const nodeName = virtualNodeName(to);
    const desired = virtualNodeObject(peerCluster);
    const existing = source.informer<Node>('v1', 'Node').get(nodeName);
    const labels = (desired.metadata?.labels ?? {}) as Record<string, string>;
    if (!existing || Object.entries(labels).some(([k, v]) => existing.metadata?.labels?.[k] !== v) || !existing.spec?.taints?.length) {
      await source.client.apply(desired, { fieldManager: 'meridian-scheduling', force: true });
    }
    const peer = this.registry.get(to);
    const offer = peer ? this.offer(peer, from, share) : undefined;
    const ready = Boolean(peer?.ready && offer);
    const reason = ready ? `cluster ${to} answers; offering ${share}% of its free capacity` : `cluster ${to} does not answer`;
    const last = this.written.get(name);
    const offered = offer ?? (last ? (JSON.parse(last.json) as { offer: Resources }).offer : { cpu: 0, memory: 0, pods: 0 });
    const json = JSON.stringify({ offer: offered, ready });
    if (!last || last.json !== json || Date.now() - last.at >= this.options.heartbeatMs - 500) {
      await source.client.patchStatus('v1', 'Node', nodeName, undefined, virtualNodeStatus(to, offered, ready, reason));
      if (ready) await this.renewLease(source, nodeName);
      this.written.set(name, { json, at: Date.now() });
      if (last && JSON.parse(last.json).ready !== ready) this.requeuePods(source, nodeName);
    }
    if (ready && peer) {
      await this.reflector.collectGarbage(source, peer, nodeName);
      this.requeuePods(source, nodeName, true);
    }
    return { nodeName, offered, ready, reason };
  }

  private offer(peer: MemberCluster, source: string, share: number): Resources | undefined {
    const nodes = peer.informer<Node>('v1', 'Node');
    const pods = peer.informer<Pod>('v1', 'Pod');
    // Started with the peering, so that the first delegate of a burst finds its namespace in a synced cache rather than asking the server.
    peer.informer('v1', 'Namespace');
    if (!nodes.hasSynced() || !pods.hasSynced()) return undefined;
    return peerOffer(nodes.list(), pods.list(), source, share);
  }

  private requeuePods(source: MemberCluster, nodeName: string, lostOnly = false): void {
    for (const p of source.informer<Pod>('v1', 'Pod').list()) {
      if (p.spec?.nodeName !== nodeName) continue;
      if (lostOnly && p.status?.phase !== 'Failed') continue;
      this.reflector.add(reflectKey(source.name, p.metadata?.namespace ?? '', p.metadata?.name ?? ''));
    }
  }

  private async renewLease(source: MemberCluster, nodeName: string): Promise<void> {
    await source.client.apply({
      apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: nodeName, namespace: 'kube-node-lease' },
      spec: { holderIdentity: nodeName, leaseDurationSeconds: 40, renewTime: new Date().toISOString().replace('Z', '000Z') },
    }, { fieldManager: 'meridian-scheduling' });
  }

  private async finalize(peering: Peering): Promise<void> {
    const { from, to } = peering.spec;
    const name = peering.metadata?.name ?? '';
    const source = this.registry.get(from);
    const peer = this.registry.get(to);
    const nodeName = virtualNodeName(to);
    if (source) {
      await source.client.delete('v1', 'Node', nodeName);
      await source.client.delete('coordination.k8s.io/v1', 'Lease', nodeName, 'kube-node-lease');
      for (const p of (await source.client.list<Pod>('v1', 'Pod', { fieldSelector: `spec.nodeName=${nodeName}` })).items) {
        await source.client.delete('v1', 'Pod', p.metadata?.name ?? '', p.metadata?.namespace, { gracePeriodSeconds: 0 });
      }
      if (!this.peerings.list().some((p) => p.spec.from === from && p.metadata?.name !== name && !p.metadata?.deletionTimestamp)) await this.setup.teardown(source);
    }
    if (peer) {
      if (!peer.ready) throw new Error(`unpeer ${name}: cluster ${to} does not answer; its delegates are removed once it does`);
      const removed = await removeSourceObjects(peer, from);
      this.log.info({ peering: name, removed }, 'peering removed; objects in the peer deleted');
    }
    this.written.delete(name);
    const finalizers = (peering.metadata?.finalizers ?? []).filter((f) => f !== FINALIZER);
    try {
      await this.hub.mergePatch(API_VERSION, 'Peering', name, undefined, { metadata: { finalizers, resourceVersion: peering.metadata?.resourceVersion } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  private async writeStatus(peering: Peering, status: Condition['status'], reason: string, message: string, state: { virtualNode: string; offer: Resources; pods: number } | undefined): Promise<void> {
    const next: PeeringStatus = {
      ...peering.status, observedGeneration: peering.metadata?.generation,
      conditions: setCondition(peering.status?.conditions as Condition[] | undefined, { type: 'Ready', status, reason, message, observedGeneration: peering.metadata?.generation }),
    };
    if (state) {
      next.virtualNode = state.virtualNode;
      next.allocatable = { cpu: cpuQuantity(state.offer.cpu), memory: memoryQuantity(state.offer.memory), pods: String(state.offer.pods) };
      next.offloadedPods = state.pods;
    }
    if (JSON.stringify(next) === JSON.stringify(peering.status)) return;
    // Counts alone (offer, offloaded pods) change with every pod of a burst: written at most once per
    // STATUS_COUNTS_MS, the last change caught by a requeue. The virtual node itself follows at once.
    const name = peering.metadata?.name ?? '';
    const sameCondition = JSON.stringify(next.conditions) === JSON.stringify(peering.status?.conditions);
    const wait = (this.statusWrittenAt.get(name) ?? 0) + STATUS_COUNTS_MS - Date.now();
    if (sameCondition && wait > 0) {
      this.queue.addAfter(name, wait);
      return;
    }
    this.statusWrittenAt.set(name, Date.now());
    try {
      await this.hub.patchStatus(API_VERSION, 'Peering', peering.metadata?.name ?? '', undefined, next);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
