import { WorkQueue } from '../controller/queue.js';
import { Informer } from '../kube/informer.js';
import type { KubeObject } from '../kube/types.js';
import type { Logger } from '../util/log.js';
import { ESO_API_VERSION, reconcileExternalSecret, type SecretsMember } from './reconcile.js';

/** Where the controller gets its members from (the cluster registry in `meridian serve`, fixed lists in tests). */
export interface SecretsMemberSource {
  list(): Promise<SecretsMember[]>;
  /** Calls back when members change; returns an unsubscribe function. */
  subscribe(onChange: () => void): () => void;
}

/**
 * The `secrets` controller: ExternalSecrets whose store uses the Kubernetes provider, in every
 * member. One informer per member; keys are `cluster/namespace/name`. Work starts for a member only
 * after its informer synced; each key comes back on its refreshInterval. Status writes do not
 * re-trigger it (only a new generation or new metadata does).
 */
export class SecretsController {
  private readonly queue: WorkQueue;
  private readonly informers = new Map<string, { informer: Informer; member: SecretsMember }>();
  private unsubscribe?: () => void;

  constructor(private readonly source: SecretsMemberSource, private readonly log: Logger) {
    this.queue = new WorkQueue((key) => this.reconcile(key), { concurrency: 8, ratePerSecond: 50, deadlineMs: 30_000 }, (key, err) => log.warn({ key, err: (err as Error).message }, 'external secret reconcile failed'));
  }

  /** Starts watching every member. */
  async start(): Promise<void> {
    this.unsubscribe = this.source.subscribe(() => void this.refreshMembers().catch((err: Error) => this.log.warn({ err: err.message }, 'secrets: member refresh failed')));
    await this.refreshMembers();
  }

  /** Stops informers and the queue. */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    for (const { informer } of this.informers.values()) informer.stop();
    this.informers.clear();
    this.queue.stop();
  }

  private async refreshMembers(): Promise<void> {
    const members = await this.source.list();
    for (const [name, entry] of this.informers) {
      if (members.some((m) => m.name === name && m.client === entry.member.client)) continue;
      entry.informer.stop();
      this.informers.delete(name);
    }
    for (const m of members) {
      if (this.informers.has(m.name)) continue;
      const informer = new Informer(m.client, { apiVersion: ESO_API_VERSION, kind: 'ExternalSecret' });
      const key = (o: KubeObject) => `${m.name}/${o.metadata?.namespace}/${o.metadata?.name}`;
      const enqueue = (o: KubeObject) => informer.hasSynced() && this.queue.add(key(o));
      informer.on('add', enqueue).on('update', (o: KubeObject, prev: KubeObject) => {
        const meta = (x: KubeObject) => JSON.stringify([x.metadata?.generation, x.metadata?.labels, x.metadata?.annotations]);
        if (meta(o) !== meta(prev)) enqueue(o);
      }).on('synced', () => informer.list().forEach((o) => this.queue.add(key(o)))).on('error', (err: Error) => this.log.debug({ cluster: m.name, err: err.message }, 'ExternalSecret watch error'));
      this.informers.set(m.name, { informer, member: m });
      informer.start();
    }
  }

  private async reconcile(key: string): Promise<{ requeueAfterMs: number } | void> {
    const [cluster, namespace, name] = key.split('/');
    const entry = this.informers.get(cluster);
    if (!entry || !entry.informer.get(`${namespace}/${name}`)) return;
    const after = await reconcileExternalSecret(entry.member, namespace, name, this.log);
    return after === undefined ? undefined : { requeueAfterMs: after };
  }
}
