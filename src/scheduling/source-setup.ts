import { sourceClusterCrdObjects } from '../api/offloading.js';
import { applyCrds, ensureNamespace } from '../clusters/install.js';
import type { MemberCluster } from '../clusters/registry.js';
import { isNotFound } from '../kube/errors.js';
import { WEBHOOK_CONFIGURATION_NAME, webhookConfiguration } from './webhook-config.js';

/**
 * Prepares a source cluster once per connection: Liqo's and Admiralty's CRDs (so the API server
 * validates NamespaceOffloading, Target and ClusterTarget), the node-lease namespace, and the
 * webhook configuration pointing at this process. Concurrent callers share one attempt; a failed
 * attempt is forgotten so the next reconcile tries again.
 */
export class SourceSetup {
  private readonly done = new WeakMap<MemberCluster, Promise<void>>();

  constructor(private readonly webhook: () => { url: string; caPem: string }, private readonly onReady: (source: MemberCluster) => void = () => undefined) {}

  /** Resolves once the source is prepared. */
  ensure(source: MemberCluster): Promise<void> {
    let p = this.done.get(source);
    if (!p) {
      p = this.run(source);
      this.done.set(source, p);
      p.catch(() => this.done.delete(source));
    }
    return p;
  }

  /** Removes the webhook configuration (the source has no peering left). */
  async teardown(source: MemberCluster): Promise<void> {
    this.done.delete(source);
    try {
      await source.client.delete('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', WEBHOOK_CONFIGURATION_NAME);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  private async run(source: MemberCluster): Promise<void> {
    try {
      await applyCrds(source.client, sourceClusterCrdObjects());
      await ensureNamespace(source.client, 'kube-node-lease');
      const { url, caPem } = this.webhook();
      await source.client.apply(webhookConfiguration(source.name, url, caPem), { fieldManager: 'meridian-scheduling' });
      this.onReady(source);
    } catch (err) {
      throw new Error(`prepare source cluster ${source.name} for bursting: ${(err as Error).message}`, { cause: err });
    }
  }
}
