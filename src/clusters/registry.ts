import { EventEmitter } from 'node:events';
import { API_VERSION } from '../api/schema.js';
import type { Cluster } from '../api/cluster.js';
import type { KubeClient, WriteFence } from '../kube/client.js';
import { Informer } from '../kube/informer.js';
import { InformerSet } from '../kube/informer-set.js';
import type { KubeObject } from '../kube/types.js';
import type { Logger } from '../util/log.js';
import { memberClientFromSecret } from './join.js';

/** A member cluster as controllers see it: its Cluster object, a client, and whether it answers. */
export interface MemberCluster {
  name: string;
  cluster: Cluster;
  labels: Record<string, string>;
  client: KubeClient;
  /** True while the last probe succeeded (the cluster manager keeps it current). */
  ready: boolean;
  /** A shared informer of a kind in this member, started on first use. */
  informer<T extends KubeObject = KubeObject>(apiVersion: string, kind: string, namespace?: string): Informer<T>;
}

/**
 * The member-cluster registry: watches `Cluster` objects on the hub and keeps one connection and
 * one set of shared informers per member. Emits 'change' with the member name whenever a member
 * is added, removed, or turns ready or not ready; controllers re-queue what depends on it.
 */
export class ClusterRegistry extends EventEmitter {
  private readonly members = new Map<string, MemberEntry>();
  /** One connection attempt per member at a time: start() and the informer's 'add' raced into two connections. */
  private readonly syncing = new Map<string, Promise<void>>();
  private readonly clusters: Informer<Cluster>;

  /**
   * `fenceFor`, when given, guards every write of a member's client (with `meridian serve --shards`,
   * writes to a member go out only while this replica holds the member's shard).
   */
  constructor(private readonly hub: KubeClient, private readonly log: Logger, private readonly memberTimeoutMs = 5000, private readonly fenceFor?: (member: string) => WriteFence) {
    super();
    this.clusters = new Informer<Cluster>(hub, { apiVersion: API_VERSION, kind: 'Cluster' });
  }

  /** Starts watching Cluster objects; resolves once the first list has landed. */
  async start(): Promise<void> {
    const sync = (c: Cluster) => void this.syncMember(c).catch((err: Error) => this.log.error({ cluster: c.metadata?.name, err: err.message }, 'cannot connect to member'));
    this.clusters.on('add', sync).on('update', sync).on('delete', (c: Cluster) => this.removeMember(c.metadata?.name ?? ''));
    this.clusters.start();
    await new Promise<void>((resolve) => (this.clusters.hasSynced() ? resolve() : this.clusters.once('synced', resolve)));
    await Promise.allSettled(this.clusters.list().map((c) => this.syncMember(c)));
  }

  /** Stops every informer and closes member connections. */
  stop(): void {
    this.clusters.stop();
    for (const name of [...this.members.keys()]) this.removeMember(name);
  }

  /** Every connected member. */
  list(): MemberCluster[] {
    return [...this.members.values()];
  }

  /** One member by name. */
  get(name: string): MemberCluster | undefined {
    return this.members.get(name);
  }

  /** Cluster objects on the hub, connected or not. */
  clusterObjects(): Cluster[] {
    return this.clusters.list();
  }

  /** Marks a member ready or not (the cluster manager's probe); emits 'change' on a flip. */
  setReady(name: string, ready: boolean): void {
    const m = this.members.get(name);
    if (!m || m.ready === ready) return;
    m.ready = ready;
    this.emit('change', name);
  }

  private syncMember(cluster: Cluster): Promise<void> {
    const name = cluster.metadata?.name ?? '';
    const previous = this.syncing.get(name) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.connectMember(cluster));
    this.syncing.set(name, next);
    const forget = () => {
      if (this.syncing.get(name) === next) this.syncing.delete(name);
    };
    next.then(forget, forget);
    return next;
  }

  /** Connects (or reconnects) one member; callers go through syncMember, one at a time per member. */
  private async connectMember(cluster: Cluster): Promise<void> {
    const name = cluster.metadata?.name ?? '';
    const existing = this.members.get(name);
    if (existing && existing.cluster.spec.server === cluster.spec.server && existing.secretVersion === (await this.secretVersion(cluster))) {
      existing.cluster = cluster;
      existing.labels = cluster.metadata?.labels ?? {};
      this.emit('change', name);
      return;
    }
    const client = await memberClientFromSecret(this.hub, cluster, this.memberTimeoutMs);
    if (this.fenceFor) client.fenceWrites(this.fenceFor(name));
    this.removeMember(name, false); // not `existing`: a concurrent sync (start() and the 'add' event) may have connected meanwhile
    const entry = new MemberEntry(name, cluster, client, await this.secretVersion(cluster));
    this.members.set(name, entry);
    this.log.info({ cluster: name, server: cluster.spec.server }, 'member connected');
    this.emit('change', name);
  }

  private async secretVersion(cluster: Cluster): Promise<string> {
    const ref = cluster.spec.secretRef;
    const s = await this.hub.get('v1', 'Secret', ref.name, ref.namespace);
    return s?.metadata?.resourceVersion ?? '';
  }

  /**
   * Stops the watches of a member this replica no longer holds (`serve --shards`): what the others
   * need of it comes from what its holder publishes. A controller that asks again starts afresh.
   */
  releaseInformers(name: string): void {
    this.members.get(name)?.releaseInformers();
  }

  private removeMember(name: string, emit = true): void {
    const m = this.members.get(name);
    if (!m) return;
    m.close();
    this.members.delete(name);
    if (emit) this.emit('change', name);
  }
}

class MemberEntry implements MemberCluster {
  ready = false;
  labels: Record<string, string>;
  private readonly informers: InformerSet;

  constructor(readonly name: string, public cluster: Cluster, readonly client: KubeClient, readonly secretVersion: string) {
    this.labels = cluster.metadata?.labels ?? {};
    this.informers = new InformerSet(client);
  }

  informer<T extends KubeObject = KubeObject>(apiVersion: string, kind: string, namespace?: string): Informer<T> {
    return this.informers.get<T>(apiVersion, kind, namespace);
  }

  /** Stops every informer of the member; one asked for later starts afresh. */
  releaseInformers(): void {
    this.informers.stop();
  }

  close(): void {
    this.informers.stop();
    this.client.close();
  }
}
