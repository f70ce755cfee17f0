import { API_VERSION } from '../api/schema.js';
import type { SecretStorePlan } from '../api/secretstoreplan.js';
import { WorkQueue } from '../controller/queue.js';
import { eventOnChange } from '../controller/terminal.js';
import type { KubeClient } from '../kube/client.js';
import { findCondition, setCondition } from '../kube/conditions.js';
import { Informer } from '../kube/informer.js';
import type { Logger } from '../util/log.js';
import { removePlanFromMember, syncPlanToMember, type PlanMember } from './plan-member.js';

/** Finalizer that keeps a deleted plan until its stores are gone from every member. */
export const PLAN_FINALIZER = 'secrets.meridian.dev/stores';

/** Where the plan controller gets its members from (the cluster registry in serve, fixed lists in tests). */
export interface PlanMemberSource {
  list(): Promise<PlanMember[]>;
  /** Calls back when members change; returns an unsubscribe function. */
  subscribe(onChange: () => void): () => void;
}

/**
 * The `secretstores` controller: every SecretStorePlan on the hub, kept in every member (ESO CRDs,
 * the region's SecretStore/ClusterSecretStore, the Kubernetes provider's scoped reader), re-applied
 * every resync so a hand edit or a deleted store comes back. Status: the members served and a Ready
 * condition naming each member that is not (with a Warning Event when it changes). A deleted plan
 * is removed from every member before its finalizer goes; a member whose region has no entry gets
 * its stores removed.
 */
export class SecretStorePlanController {
  private readonly queue: WorkQueue;
  private readonly plans: Informer<SecretStorePlan>;
  private unsubscribe?: () => void;
  /** Member clients that already have ESO's CRDs from this process (large; applied once, not every resync). */
  private readonly crdsIn = new WeakSet<object>();

  constructor(private readonly hub: KubeClient, private readonly source: PlanMemberSource, private readonly log: Logger, private readonly resyncMs = 60_000) {
    this.plans = new Informer<SecretStorePlan>(hub, { apiVersion: API_VERSION, kind: 'SecretStorePlan' });
    this.queue = new WorkQueue((key) => this.reconcile(key), { concurrency: 2, ratePerSecond: 10, deadlineMs: 600_000 }, (key, err) => log.warn({ plan: key, err: (err as Error).message }, 'secret store plan reconcile failed'));
  }

  /** Starts the plan informer; work starts once it has synced. */
  async start(): Promise<void> {
    const all = () => { if (this.plans.hasSynced()) for (const p of this.plans.list()) this.queue.add(p.metadata?.name ?? ''); };
    const one = (p: SecretStorePlan) => this.plans.hasSynced() && this.queue.add(p.metadata?.name ?? '');
    this.plans.on('add', one).on('update', one).on('synced', all).on('error', (err: Error) => this.log.debug({ err: err.message }, 'SecretStorePlan watch error'));
    this.unsubscribe = this.source.subscribe(all);
    this.plans.start();
  }

  /** Stops the informer and the queue. */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.plans.stop();
    this.queue.stop();
  }

  private async reconcile(name: string): Promise<{ requeueAfterMs: number } | void> {
    const plan = await this.hub.get<SecretStorePlan>(API_VERSION, 'SecretStorePlan', name);
    if (!plan) return;
    const finalizers = plan.metadata?.finalizers ?? [];
    if (plan.metadata?.deletionTimestamp) {
      if (!finalizers.includes(PLAN_FINALIZER)) return;
      const members = await this.source.list();
      const results = await Promise.allSettled(members.map((m) => removePlanFromMember(m.client, name)));
      const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [`${members[i].name}: ${(r.reason as Error).message}`] : []));
      if (failed.length) throw new Error(`SecretStorePlan ${name}: stores not removed from ${failed.join('; ')}`);
      await this.hub.mergePatch(API_VERSION, 'SecretStorePlan', name, undefined, { metadata: { resourceVersion: plan.metadata.resourceVersion, finalizers: finalizers.filter((f) => f !== PLAN_FINALIZER) } });
      this.log.info({ plan: name, members: members.length }, 'secret store plan removed from members');
      return;
    }
    if (!finalizers.includes(PLAN_FINALIZER)) {
      await this.hub.mergePatch(API_VERSION, 'SecretStorePlan', name, undefined, { metadata: { resourceVersion: plan.metadata?.resourceVersion, finalizers: [...finalizers, PLAN_FINALIZER] } });
    }
    const results = await Promise.all((await this.source.list()).map(async (m) => {
      const r = await syncPlanToMember(m, plan, this.crdsIn.has(m.client));
      if (!r.error) this.crdsIn.add(m.client);
      return r;
    }));
    const served = results.filter((r) => !r.error && !r.uncovered);
    const problems = results.filter((r) => r.error).map((r) => `${r.cluster} (${r.region}): ${r.error}`);
    const next = problems.length
      ? { type: 'Ready', status: 'False' as const, reason: 'MembersNotServed', message: problems.join('; ').slice(0, 1000), observedGeneration: plan.metadata?.generation }
      : { type: 'Ready', status: 'True' as const, reason: 'StoresApplied', message: `stores in ${served.length} member(s)${results.some((r) => r.uncovered) ? `; no entry for ${results.filter((r) => r.uncovered).map((r) => `${r.cluster} (${r.region})`).join(', ')}` : ''}`, observedGeneration: plan.metadata?.generation };
    const previous = findCondition(plan.status?.conditions, 'Ready');
    if (next.status === 'False') await eventOnChange(this.hub, plan, previous?.status === 'False' ? previous : undefined, next, 'secretstores');
    await this.hub.mergePatch(API_VERSION, 'SecretStorePlan', name, undefined, { status: { clusters: served.map(({ cluster, region, provider }) => ({ cluster, region, provider: provider ?? '' })), conditions: setCondition(plan.status?.conditions, next) } }, 'status');
    this.log.info({ plan: name, served: served.length, problems: problems.length }, 'secret store plan applied');
    return { requeueAfterMs: this.resyncMs };
  }
}
