import { join } from 'node:path';
import { Counter } from 'prom-client';
import type { Application } from '../../api/application.js';
import type { ApplicationSet } from '../../api/applicationset.js';
import { API_VERSION } from '../../api/schema.js';
import { SYSTEM_NAMESPACE } from '../../clusters/install.js';
import { WorkQueue } from '../../controller/queue.js';
import { Informer, objectKey } from '../../kube/informer.js';
import type { Controller, ControllerContext } from '../../serve/controller.js';
import { GitCache, normalizeUrl } from '../git/cache.js';
import { hubCredentials } from '../git/credentials.js';
import { webhookSecret } from '../git/webhook-signature.js';
import { reconcileApplication, type LastPass } from './applications.js';
import { APPSET_LABEL, reconcileAppSet } from './appsets.js';
import { instrumentReconciler, watchQueueDepth } from '../../metrics/controllers.js';
import { instrumentMemberSync } from '../../metrics/gitops.js';
import { registerGitWebhook } from './webhook.js';
import { MemberChanges } from './member-changes.js';
import { HUB_SHARD } from '../../serve/ownership.js';
import { stageMetrics } from './stage-metrics.js';
import { SourceRenders } from '../sources.js';
import { Limiter } from '../../util/limiter.js';
import type { KubeClient } from '../../kube/client.js';
import { LiveCache } from '../sync/live-cache.js';

/** Applications synced at once: a commit to every Application is taken in one go (the reconciles mostly wait on requests). */
const APP_CONCURRENCY = 64;
/** Reads and applies in flight to one member at once, over all its Applications. */
const MEMBER_REQUESTS = 32;
/** An Application's pass is put off until this long after its last one when nothing it reads from the hub or Git changed (the shortest settling re-check). */
const MIN_PASS_INTERVAL_MS = 1000;
/** A pushed commit's tree is measured for the cache's size bound this long after extraction, once its renders are done. */
const TREE_MEASURE_DELAY_MS = 5000;

/**
 * The gitops controller: ApplicationSets generate Applications, each Application is synced to its
 * member. Two level-based queues (`namespace/name` keys); member changes, Application status and
 * Git webhooks re-queue what depends on them; every key also resyncs on an interval (drift, polling).
 */
export class GitopsController implements Controller {
  private readonly git: GitCache;
  private readonly apps: Informer<Application>;
  private readonly appsets: Informer<ApplicationSet>;
  private readonly appQueue: WorkQueue;
  private readonly setQueue: WorkQueue;
  private readonly writes: Counter;
  /** Aborted on stop (ends the webhook secret's background reads). */
  private readonly stopping = new AbortController();
  /** One request pool per member, shared by its Applications. */
  private readonly pools = new Map<string, Limiter>();
  /** One cache of tracked objects per member, tied to the client it watches with. */
  private readonly caches = new Map<string, { client: KubeClient; cache: LiveCache }>();
  private readonly onShard = (key: string) => {
    if (key === HUB_SHARD) for (const s of this.appsets.list()) this.setQueue.add(objectKey(s));
    this.dropStaleCache(key);
  };
  private readonly memberChanges: MemberChanges;
  private readonly onMember = (cluster: string) => {
    this.dropStaleCache(cluster);
    const impact = this.memberChanges.impact(cluster);
    if (impact.apps) for (const a of this.apps.list()) if (a.spec.destination.name === cluster) this.appQueue.add(objectKey(a));
    if (impact.sets) for (const s of this.appsets.list()) this.setQueue.add(objectKey(s));
  };

  constructor(private readonly ctx: ControllerContext) {
    const opts = ctx.options;
    this.git = new GitCache({ dir: opts.gitopsCacheDir ?? join(process.cwd(), '.meridian-gitops'), pollIntervalMs: opts.gitopsPollIntervalMs ?? 30_000, credentials: hubCredentials(ctx.hub, SYSTEM_NAMESPACE, { watchUntil: this.stopping.signal }),
      allowFileRepos: opts.gitopsAllowFileRepos ?? false, maxTreeBytes: opts.gitopsTreeCacheMaxBytes, treeMeasureDelayMs: TREE_MEASURE_DELAY_MS });
    this.apps = new Informer<Application>(ctx.hub, { apiVersion: API_VERSION, kind: 'Application' });
    this.appsets = new Informer<ApplicationSet>(ctx.hub, { apiVersion: API_VERSION, kind: 'ApplicationSet' });
    this.memberChanges = new MemberChanges(ctx.registry, (member) => ctx.shards.owns(member));
    const log = ctx.log.child({ controller: 'gitops' });
    const resyncMs = opts.gitopsResyncMs ?? 20_000;
    const onStage = stageMetrics(ctx.metrics);
    const appDeps = { hub: ctx.hub, registry: ctx.registry, git: this.git, apps: this.apps, log, resyncMs, written: new Map(), fullChecks: new Map(), settles: new Map<string, number>(), statusWrittenAt: new Map<string, number>(), minPassIntervalMs: MIN_PASS_INTERVAL_MS, lastPasses: new Map<string, LastPass>(), onSynced: (_a: Application, cluster: string, r: { writes: number }) => this.writes.inc({ cluster }, r.writes),
      renders: new SourceRenders(), onStage, memberPool: (cluster: string) => this.pools.get(cluster) ?? this.pools.set(cluster, new Limiter(MEMBER_REQUESTS)).get(cluster) as Limiter,
      memberCache: (cluster: string, client: KubeClient) => this.memberCache(cluster, client) };
    // Per-Application memory goes with the Application, or these maps grow with every one ever seen.
    this.apps.on('delete', (a: Application) => { appDeps.written.delete(objectKey(a)); appDeps.fullChecks.delete(objectKey(a)); appDeps.settles.delete(objectKey(a)); appDeps.statusWrittenAt.delete(objectKey(a)); appDeps.lastPasses.delete(objectKey(a)); });
    const stuck = new Counter({ name: 'meridian_gitops_reconcile_stuck_total', help: 'Reconciles that ran past their deadline and ignored cancellation (the key was freed and retried)', labelNames: ['queue'], registers: [ctx.metrics] });
    const onStuck = (queue: string) => (key: string, ms: number) => {
      stuck.inc({ queue });
      log.error({ queue, key, runningMs: ms }, 'reconcile stuck past its deadline; retrying the key');
    };
    this.appQueue = new WorkQueue(instrumentReconciler(ctx.metrics, 'gitops-applications', instrumentMemberSync(ctx.metrics, (key) => this.apps.get(key)?.spec.destination.name, (key, signal) => this.owned(key, () => reconcileApplication(appDeps, key, signal)))), { concurrency: APP_CONCURRENCY, ratePerSecond: 100, deadlineMs: 120_000, onStuck: onStuck('applications'), onStart: (_key, ms) => onStage('queue_wait', ms) }, (key, err) => log.warn({ application: key, err: (err as Error).message }, 'application sync failed'));
    const setsWritten = { sets: new Map<string, ApplicationSet>(), apps: new Map<string, Application>() };
    this.appsets.on('delete', (s: ApplicationSet) => setsWritten.sets.delete(objectKey(s)));
    this.apps.on('delete', (a: Application) => setsWritten.apps.delete(objectKey(a)));
    this.setQueue = new WorkQueue(instrumentReconciler(ctx.metrics, 'gitops-applicationsets', (key) => this.ownedHub(() => reconcileAppSet({ hub: ctx.hub, registry: ctx.registry, git: this.git, appsets: this.appsets, apps: this.apps, log, resyncMs, written: setsWritten }, key))), { concurrency: 2, deadlineMs: 120_000, onStuck: onStuck('applicationsets') }, (key, err) => log.warn({ applicationset: key, err: (err as Error).message }, 'applicationset reconcile failed'));
    this.writes = new Counter({ name: 'meridian_gitops_member_writes_total', help: 'Write requests (apply, delete) the gitops controller sent to members', labelNames: ['cluster'], registers: [ctx.metrics] });
    watchQueueDepth(ctx.metrics, 'gitops-applications', () => this.appQueue.length);
    watchQueueDepth(ctx.metrics, 'gitops-applicationsets', () => this.setQueue.length);
    registerGitWebhook(ctx.http, (urls) => this.refresh(urls), webhookSecret({ file: opts.gitopsWebhookSecretFile, hub: ctx.hub, namespace: SYSTEM_NAMESPACE, keepFresh: this.stopping.signal }));
  }

  /** Refreshes repositories (webhook) and queues everything that reads them; returns how many keys were queued. */
  refresh(repoURLs: string[]): number {
    const wanted = new Set(repoURLs.map(normalizeUrl));
    for (const u of repoURLs) this.git.refresh(u);
    let n = 0;
    for (const a of this.apps.list()) if (wanted.has(normalizeUrl(a.spec.source.repoURL))) { this.appQueue.add(objectKey(a)); n++; }
    for (const s of this.appsets.list()) if (JSON.stringify(s.spec).split('"repoURL":"').slice(1).some((x) => wanted.has(normalizeUrl(x.split('"')[0])))) { this.setQueue.add(objectKey(s)); n++; }
    return n;
  }

  /**
   * Starts the caches and waits until both have synced before any reconcile runs: an empty
   * Application cache would look like a first deployment and pin every Application to the newest
   * revision at once, skipping RollingSync. Then queues every object it found.
   */
  async start(signal?: AbortSignal): Promise<void> {
    this.apps.start();
    this.appsets.start();
    await Promise.all([this.apps.waitForSync(signal), this.appsets.waitForSync(signal)]);
    const onApp = (a: Application, previous?: Application) => {
      // A status write of our own changes nothing to sync: only spec and metadata changes re-queue the Application.
      const changed = !previous || specOrMetaChanged(a, previous);
      if (changed) this.appQueue.add(objectKey(a));
      const set = a.metadata?.labels?.[APPSET_LABEL];
      // Only a RollingSync set reads its Applications' status (to step its rollout); every other set
      // would regenerate every Application for nothing on each status write of a sync wave.
      const key = `${a.metadata?.namespace}/${set}`;
      if (set && (changed || this.readsStatus(key))) this.setQueue.add(key);
    };
    this.apps.on('add', (a: Application) => onApp(a)).on('update', onApp).on('delete', (a: Application) => onApp(a));
    const onSet = (s: ApplicationSet) => this.setQueue.add(objectKey(s));
    this.appsets.on('add', onSet).on('update', onSet);
    // Every key is queued below: members as they are now are known, only later changes re-queue.
    for (const name of new Set([...this.ctx.registry.list().map((m) => m.name), ...this.ctx.registry.clusterObjects().map((c) => c.metadata?.name ?? '')])) this.memberChanges.impact(name);
    this.ctx.registry.on('change', this.onMember);
    for (const a of this.apps.list()) this.appQueue.add(objectKey(a));
    for (const s of this.appsets.list()) this.setQueue.add(objectKey(s));
    this.ctx.shards.on('change', this.onShard);
  }

  /** With serve --shards an Application is synced only by the replica holding its member, its hub writes fenced by that member's shard. */
  private owned<T>(key: string, run: () => Promise<T>): Promise<T | void> {
    const member = this.apps.get(key)?.spec.destination.name ?? '';
    return this.ctx.shards.owns(member) ? this.ctx.shards.within(member, run) : Promise.resolve();
  }

  /** ApplicationSets (and RollingSync) belong to the hub shard: one replica steps every rollout. */
  private ownedHub<T>(run: () => Promise<T>): Promise<T | void> {
    return this.ctx.shards.ownsHub() ? run() : Promise.resolve();
  }

  /** The member's cache of tracked objects for this client; a new client (new credentials, reconnect) gets a new cache. */
  private memberCache(cluster: string, client: KubeClient): LiveCache {
    // A pass still running after its member moved to another replica starts no watch there: nothing would stop it.
    if (!this.ctx.shards.owns(cluster)) return LiveCache.off();
    const entry = this.caches.get(cluster);
    if (entry?.client === client) return entry.cache;
    entry?.cache.stop();
    const cache = LiveCache.forMember(client);
    this.caches.set(cluster, { client, cache });
    return cache;
  }

  /** Stops the watches of a member that is gone, reconnected with another client, or synced by another replica now. */
  private dropStaleCache(cluster: string): void {
    const entry = this.caches.get(cluster);
    if (!entry || (this.ctx.registry.get(cluster)?.client === entry.client && this.ctx.shards.owns(cluster))) return;
    entry.cache.stop();
    this.caches.delete(cluster);
  }

  /** True when the ApplicationSet steps a rollout on its Applications' status (or is not cached yet: assume it does). */
  private readsStatus(setKey: string): boolean {
    const set = this.appsets.get(setKey);
    return !set || set.spec.strategy?.type === 'RollingSync';
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    this.ctx.registry.off('change', this.onMember);
    this.ctx.shards.off('change', this.onShard);
    this.apps.stop();
    this.appsets.stop();
    this.appQueue.stop();
    this.setQueue.stop();
    for (const { cache } of this.caches.values()) cache.stop();
    this.caches.clear();
  }
}

function specOrMetaChanged(a: Application, b: Application): boolean {
  const m = (x: Application) => JSON.stringify([x.metadata?.generation, x.metadata?.deletionTimestamp, x.metadata?.finalizers, x.metadata?.annotations, x.metadata?.labels]);
  return m(a) !== m(b);
}
