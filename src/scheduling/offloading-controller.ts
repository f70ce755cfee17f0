import { LIQO_OFFLOADING_API_VERSION, type NamespaceOffloading } from '../api/offloading.js';
import type { ClusterRegistry, MemberCluster } from '../clusters/registry.js';
import { WorkQueue } from '../controller/queue.js';
import { isNotFound } from '../kube/errors.js';
import type { Logger } from '../util/log.js';
import type { Node, Pod } from './kinds.js';
import { LIQO_TYPE_LABEL, OFFLOADED_NAMESPACE_LABEL, PEER_LABEL, VIRTUAL_NODE_TYPE } from './labels.js';
import { remoteNamespace } from './namespace-mapping.js';
import { matchesNodeSelectorTerms } from './node-affinity.js';
import { ensureRemoteNamespace, removeSourceObjects } from './reflect-objects.js';

/**
 * NamespaceOffloading, as Liqo defines it: the namespace is labelled so the webhook tolerates
 * virtual nodes for its pods, the mapped namespace is created in every selected peer, and status
 * says the phase and the remote name. When the object goes away the namespace stops being
 * offloaded: its pods on virtual nodes are removed (their controllers recreate them at home) and
 * so is everything Meridian created for it in the peers.
 */
export class OffloadingController {
  private readonly queue: WorkQueue;
  /** Remote namespace per offloaded `source<TAB>namespace`, to clean up after a deletion. */
  private readonly known = new Map<string, string>();

  constructor(private readonly registry: ClusterRegistry, private readonly log: Logger) {
    this.queue = new WorkQueue((key) => this.reconcile(key), { concurrency: 2, ratePerSecond: 50 }, (key, err) => log.warn({ offloading: key.replace('\t', ':'), err: (err as Error).message }, 'namespace offloading sync failed; will retry'));
  }

  /** Queues the offloading of a namespace: `source<TAB>namespace`. */
  add(key: string): void {
    this.queue.add(key);
  }

  /** Stops the queue. */
  stop(): void {
    this.queue.stop();
  }

  private async reconcile(key: string): Promise<{ requeueAfterMs: number } | void> {
    const [sourceName, namespace] = key.split('\t');
    const source = this.registry.get(sourceName);
    if (!source) return;
    const informer = source.informer<NamespaceOffloading>(LIQO_OFFLOADING_API_VERSION, 'NamespaceOffloading');
    if (!informer.hasSynced()) return { requeueAfterMs: 1000 };
    const nso = informer.list().find((o) => o.metadata?.namespace === namespace && !o.metadata?.deletionTimestamp);
    if (!nso) return this.stopOffloading(source, namespace, key);
    let remote: string;
    try {
      remote = remoteNamespace(namespace, sourceName, nso);
    } catch (err) {
      await this.writeStatus(source, nso, { offloadingPhase: 'AllFailed', remoteNamespaceName: '', remoteNamespacesConditions: { [sourceName]: [{ type: 'Ready', status: 'False', reason: 'InvalidSpec', message: (err as Error).message }] } });
      return;
    }
    this.known.set(key, remote);
    await source.client.mergePatch('v1', 'Namespace', namespace, undefined, { metadata: { labels: { [OFFLOADED_NAMESPACE_LABEL]: 'true' } } });
    const strategy = nso.spec.podOffloadingStrategy ?? 'LocalAndRemote';
    const terms = nso.spec.clusterSelector?.nodeSelectorTerms?.filter((t) => (t.matchExpressions ?? []).length > 0) ?? [];
    const peers = source.informer<Node>('v1', 'Node').list()
      .filter((n) => n.metadata?.labels?.[LIQO_TYPE_LABEL] === VIRTUAL_NODE_TYPE)
      .filter((n) => terms.length === 0 || matchesNodeSelectorTerms(n.metadata?.labels ?? {}, terms as never))
      .map((n) => n.metadata?.labels?.[PEER_LABEL] ?? '');
    const conditions: Record<string, Array<{ type: string; status: string; reason?: string; message?: string }>> = {};
    let ok = 0;
    for (const p of strategy === 'Local' ? [] : peers) {
      const peer = this.registry.get(p);
      try {
        if (!peer?.ready) throw new Error(`cluster ${p} does not answer`);
        await ensureRemoteNamespace(peer, remote, sourceName);
        conditions[p] = [{ type: 'Ready', status: 'True', reason: 'NamespaceCreated', message: `namespace ${remote} exists in ${p}` }];
        ok++;
      } catch (err) {
        conditions[p] = [{ type: 'Ready', status: 'False', reason: 'CreationFailed', message: (err as Error).message }];
      }
    }
    const phase = peers.length === 0 || strategy === 'Local' ? 'NoClusterSelected' : ok === peers.length ? 'Ready' : ok === 0 ? 'AllFailed' : 'SomeFailed';
    await this.writeStatus(source, nso, { offloadingPhase: phase, remoteNamespaceName: remote, remoteNamespacesConditions: conditions });
    return { requeueAfterMs: 15_000 };
  }

  private async stopOffloading(source: MemberCluster, namespace: string, key: string): Promise<void> {
    const remote = this.known.get(key);
    try {
      await source.client.mergePatch('v1', 'Namespace', namespace, undefined, { metadata: { labels: { [OFFLOADED_NAMESPACE_LABEL]: null } } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    if (remote === undefined) return;
    const virtual = new Set(source.informer<Node>('v1', 'Node').list().filter((n) => n.metadata?.labels?.[LIQO_TYPE_LABEL] === VIRTUAL_NODE_TYPE).map((n) => n.metadata?.name ?? ''));
    for (const p of source.informer<Pod>('v1', 'Pod').list()) {
      if (p.metadata?.namespace === namespace && virtual.has(p.spec?.nodeName ?? '')) await source.client.delete('v1', 'Pod', p.metadata?.name ?? '', namespace, { gracePeriodSeconds: 0 });
    }
    for (const peer of this.registry.list()) {
      if (peer.name === source.name) continue;
      if (!peer.ready) throw new Error(`namespace ${namespace} is no longer offloaded but cluster ${peer.name} does not answer; retrying its clean-up`);
      await removeSourceObjects(peer, source.name, remote);
      const ns = await peer.client.get('v1', 'Namespace', remote);
      if (ns?.metadata?.labels?.['meridian.dev/source-cluster'] === source.name) await peer.client.delete('v1', 'Namespace', remote);
    }
    this.known.delete(key);
    this.log.info({ cluster: source.name, namespace }, 'namespace no longer offloaded; remote objects removed');
  }

  private async writeStatus(source: MemberCluster, nso: NamespaceOffloading, status: Record<string, unknown>): Promise<void> {
    const next = { ...status, observedGeneration: nso.metadata?.generation };
    if (JSON.stringify({ ...nso.status, ...next }) === JSON.stringify(nso.status)) return;
    try {
      await source.client.patchStatus(LIQO_OFFLOADING_API_VERSION, 'NamespaceOffloading', nso.metadata?.name ?? '', nso.metadata?.namespace, next);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
