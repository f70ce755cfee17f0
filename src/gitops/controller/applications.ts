import type { Application, ApplicationStatus } from '../../api/application.js';
import { API_VERSION } from '../../api/schema.js';
import type { ClusterRegistry } from '../../clusters/registry.js';
import type { KubeClient } from '../../kube/client.js';
import type { Informer } from '../../kube/informer.js';
import type { ReconcileResult } from '../../controller/queue.js';
import type { Logger } from '../../util/log.js';
import { desiredState, SourceError } from '../desired.js';
import type { GitCache } from '../git/cache.js';
import type { SourceRenders } from '../sources.js';
import { timed, type StageObserver } from '../stages.js';
import type { Limiter } from '../../util/limiter.js';
import { syncApplication, type SyncRequest, type SyncResult } from '../sync/engine.js';
import type { KubeObject } from '../../kube/types.js';
import { planPrune, prune, type KindRef } from '../sync/prune.js';
import type { LiveReader } from '../sync/live-cache.js';
import { hashOf } from '../sync/project.js';
import { emitEvent } from '../../kube/events.js';
import { onlyMessagesDiffer, statusFromSync, statusUnknown, writeStatus } from './status.js';
import { eventOnChange, isTerminal } from '../../controller/terminal.js';
import { findCondition, setCondition } from '../../kube/conditions.js';
import { classifyError } from '../../kube/errors.js';

/** Finalizer that lets an Application remove its resources from the member before it goes. */
export const RESOURCES_FINALIZER = 'meridian.dev/resources-finalizer';
/** Annotation confirming a large prune: its value must be the first 12 characters of the desired hash shown in the condition. */
export const CONFIRM_PRUNE_ANNOTATION = 'meridian.dev/confirm-prune';

/** What the Application reconciler needs. */
export interface ApplicationDeps {
  hub: KubeClient;
  registry: ClusterRegistry;
  git: GitCache;
  apps: Informer<Application>;
  log: Logger;
  resyncMs: number;
  /** What this process last wrote per Application, so a cache that lags our own write is not read as truth. */
  written?: Map<string, { after: Application }>;
  /**
   * When each Application last listed its tracked resources in full (prune's look for leftovers):
   * on its first pass, then once every ten resync intervals, however often health checks run.
   */
  fullChecks?: Map<string, number>;
  /** Consecutive settling passes without a write per Application (their re-check interval doubles). */
  settles?: Map<string, number>;
  /**
   * When this process last wrote each Application's status. A status that differs from the one held
   * only in its messages is written at most once per resync interval (see syncStatusWrite).
   */
  statusWrittenAt?: Map<string, number>;
  /**
   * A pass that would start within this long of the end of the Application's last clean pass, with
   * the Application, its repository's refresh count and its member's client as they were then, is put
   * off until the interval has passed (default: never put off). Such a pass comes from a resync timer
   * that fired while the previous pass ran, and would find what that pass just found; in the fleet
   * bench some 15 of them ran right after their commit's pass, beside the last Applications' syncs.
   */
  minPassIntervalMs?: number;
  /** What each Application's last clean pass saw and when it ended (see minPassIntervalMs). */
  lastPasses?: Map<string, LastPass>;
  /** Called after each sync pass (metrics). */
  onSynced?: (app: Application, cluster: string, result: SyncResult) => void;
  /** Renders shared by every Application (one per source path and commit). */
  renders?: SourceRenders;
  /** Receives the duration of each stage of a sync (metrics). */
  onStage?: StageObserver;
  /** The request pool of a member, shared by its Applications (bounds what all of them send at once). */
  memberPool?: (cluster: string) => Limiter;
  /** The watched tracked objects of a member (its current client), shared by its Applications; without it every object is read with a GET. */
  memberCache?: (cluster: string, client: KubeClient) => LiveReader;
}

/** The end of an Application's last clean pass and the inputs it ran with. */
export interface LastPass { endedAt: number; inputs: string; member: KubeClient }

/** The kinds an Application managed last time, so a kind it no longer renders is still pruned. */
export function previousKinds(app: Application): KindRef[] {
  const fromResources = (app.status?.resources ?? []).map((r) => ({ apiVersion: r.group ? `${r.group}/${r.version}` : r.version, kind: r.kind }));
  const managed = (app.status?.managedKinds ?? []).map((k) => ({ apiVersion: k.slice(0, k.lastIndexOf('/')), kind: k.slice(k.lastIndexOf('/') + 1) }));
  return [...fromResources, ...managed];
}

/**
 * Reconciles one Application (`namespace/name`): get -> deletion and finalizer -> member reachable ->
 * render -> sync -> status. A member that is down or a source that fails leaves everything in the
 * member as it is: status goes Unknown with a condition, and nothing is applied or pruned.
 */
export async function reconcileApplication(deps: ApplicationDeps, key: string, signal?: AbortSignal): Promise<ReconcileResult> {
  if (!deps.apps.hasSynced()) throw new Error(`application ${key}: cache not synced yet`);
  try {
    return await reconcileOnce(deps, key, signal);
  } catch (err) {
    if (classifyError(err) === 'gone' && !deps.apps.get(key)) return; // deleted meanwhile: done
    if (!isTerminal(err)) throw err;
    return recordTerminal(deps, key, err as Error);
  }
}

/** A terminal hub error (400/401/403/422): a Reconciled=False condition and one Warning Event on the Application; no hot retry. */
async function recordTerminal(deps: ApplicationDeps, key: string, err: Error): Promise<ReconcileResult> {
  const app = deps.apps.get(key);
  if (!app) return;
  const next = { type: 'Reconciled', status: 'False' as const, reason: 'TerminalError', message: err.message.slice(0, 1000), observedGeneration: app.metadata?.generation };
  await eventOnChange(deps.hub, app, findCondition(app.status?.conditions, 'Reconciled'), next, 'gitops');
  await writeStatus(deps.hub, app, { ...(app.status ?? {}), conditions: setCondition(app.status?.conditions, next) }).catch((e: Error) => deps.log.warn({ application: key, err: e.message }, 'recording a terminal error failed'));
  return { requeueAfterMs: deps.resyncMs };
}

async function reconcileOnce(deps: ApplicationDeps, key: string, signal?: AbortSignal): Promise<ReconcileResult> {
  const app = freshest(deps, key);
  if (!app) return;
  if (app.metadata?.deletionTimestamp) return finalize(deps, app);
  await ensureFinalizer(deps, app);
  const cluster = app.spec.destination.name;
  const member = deps.registry.get(cluster);
  if (!member || !member.ready) {
    remember(deps, key, await writeStatus(deps.hub, app, statusUnknown(app, 'ClusterUnreachable', `member ${cluster} is ${member ? 'not ready' : 'not registered'}; nothing is applied or pruned there`)));
    return { requeueAfterMs: Math.min(deps.resyncMs, 10_000) };
  }
  const inputs = passInputs(deps, app);
  const wait = deferBy(deps, key, inputs, member.client);
  if (wait > 0) return { requeueAfterMs: wait };
  let desired;
  try {
    desired = await desiredState(app, deps.git, member.client, { renders: deps.renders, onStage: deps.onStage, signal });
  } catch (err) {
    const reason = err instanceof SourceError ? (err.stage === 'source' ? 'SourceError' : 'RenderError') : 'ClusterUnreachable';
    remember(deps, key, await writeStatus(deps.hub, app, statusUnknown(app, reason, (err as Error).message)));
    return { requeueAfterMs: Math.min(deps.resyncMs, 15_000) };
  }
  let result: SyncResult;
  try {
    const last = deps.fullChecks?.get(key);
    const fullPruneCheck = !deps.fullChecks || last === undefined || Date.now() - last >= 10 * deps.resyncMs;
    result = await syncApplication({ ...syncRequest(app, member.client, desired.objects), fullPruneCheck, onStage: deps.onStage, pool: deps.memberPool?.(cluster), cache: deps.memberCache?.(cluster, member.client) });
    if (fullPruneCheck) deps.fullChecks?.set(key, Date.now());
  } catch (err) {
    remember(deps, key, await writeStatus(deps.hub, app, statusUnknown(app, 'ClusterUnreachable', `member ${cluster}: ${(err as Error).message}`)));
    return { requeueAfterMs: 5000 };
  }
  return finishPass(deps, key, app, { cluster, revision: desired.revision, result, last: { endedAt: 0, inputs, member: member.client } });
}

/** After a sync pass: metrics, the prune Event, the status write, the record of a clean pass, and when to look again. */
async function finishPass(deps: ApplicationDeps, key: string, app: Application, pass: { cluster: string; revision: string; result: SyncResult; last: LastPass }): Promise<ReconcileResult> {
  const { cluster, result } = pass;
  deps.onSynced?.(app, cluster, result);
  if (result.pruned.length) emitEvent(deps.hub, app, { type: 'Normal', reason: 'Pruned', message: `pruned from ${cluster}: ${result.pruned.slice(0, 10).join(', ')}`, component: 'gitops' });
  await syncStatusWrite(deps, key, app, statusFromSync(app, pass.revision, result), result.writes);
  if (!result.errors.length) deps.lastPasses?.set(key, { ...pass.last, endedAt: Date.now() });
  const settling = result.health.status === 'Progressing' || result.errors.length > 0 || result.writes > 0;
  // Health settles within seconds of an apply (pods start, deployments roll): look again soon.
  return { requeueAfterMs: settling ? settleDelay(deps, key, result.writes > 0) : forgetSettle(deps, key) };
}

/**
 * Writes the status of a sync pass. A pass that wrote nothing to the member and changed only messages
 * (a rollout's progress, the pass's counts) is not written when this process wrote the status less
 * than a resync interval ago: each settling re-check of a rollout otherwise cost a hub write, and in
 * a commit to many Applications those writes queued on the hub with the ones that report Synced.
 * Any change of a status, revision, fingerprint or resource list is written at once.
 */
async function syncStatusWrite(deps: ApplicationDeps, key: string, app: Application, next: ApplicationStatus, memberWrites: number): Promise<void> {
  const last = deps.statusWrittenAt?.get(key);
  if (memberWrites === 0 && last !== undefined && Date.now() - last < deps.resyncMs && onlyMessagesDiffer(app.status, next)) return;
  const after = await timed(deps.onStage, 'status_write', () => writeStatus(deps.hub, app, next));
  if (after) deps.statusWrittenAt?.set(key, Date.now());
  remember(deps, key, after);
}

/** What a pass reads besides the member's objects: the Application's spec and metadata, and its repository's refresh count (webhooks). */
function passInputs(deps: ApplicationDeps, app: Application): string {
  const m = app.metadata;
  return JSON.stringify([m?.generation, m?.annotations, m?.labels, m?.finalizers, deps.git.generation(app.spec.source.repoURL)]);
}

/** How long to put this pass off (0: run it now, forgetting the last pass until this one ends clean): see ApplicationDeps.minPassIntervalMs. */
function deferBy(deps: ApplicationDeps, key: string, inputs: string, member: KubeClient): number {
  const last = deps.lastPasses?.get(key);
  const wait = last && last.inputs === inputs && last.member === member ? last.endedAt + (deps.minPassIntervalMs ?? 0) - Date.now() : 0;
  if (wait <= 0) deps.lastPasses?.delete(key);
  return Math.max(0, wait);
}

/**
 * When to look again at an Application that is settling: 1 s after a pass that wrote, then twice as
 * long after each pass that only waited (2, 4, 8 s, up to the resync interval). A commit to many
 * Applications otherwise re-read every one of them each second while the others still synced: in
 * the fleet bench re-checks and resyncs sent 305 of the 425 reads in the commit's window.
 */
function settleDelay(deps: ApplicationDeps, key: string, wrote: boolean): number {
  const waited = wrote ? 0 : (deps.settles?.get(key) ?? 0) + 1;
  deps.settles?.set(key, waited);
  return Math.min(deps.resyncMs, 1000 * 2 ** waited);
}

function forgetSettle(deps: ApplicationDeps, key: string): number {
  deps.settles?.delete(key);
  return deps.resyncMs;
}

/**
 * The informer's Application, unless it predates a status this process wrote (its watch event may
 * not have arrived yet). Resource versions are etcd revisions here; opaque ones fall back to the cache.
 */
function freshest(deps: ApplicationDeps, key: string): Application | undefined {
  const cached = deps.apps.get(key);
  const mine = deps.written?.get(key);
  if (!cached || !mine) return cached;
  const have = Number(cached.metadata?.resourceVersion);
  const wrote = Number(mine.after.metadata?.resourceVersion);
  if (Number.isFinite(have) && Number.isFinite(wrote) && have < wrote) return { ...cached, status: mine.after.status };
  deps.written?.delete(key);
  return cached;
}

function remember(deps: ApplicationDeps, key: string, after: Application | undefined): void {
  if (after && deps.written) deps.written.set(key, { after });
}

async function ensureFinalizer(deps: ApplicationDeps, app: Application): Promise<void> {
  const finalizers = app.metadata?.finalizers ?? [];
  if (app.spec.syncPolicy?.preserveResourcesOnDeletion || finalizers.includes(RESOURCES_FINALIZER)) return;
  await deps.hub.mergePatch(API_VERSION, 'Application', app.metadata?.name ?? '', app.metadata?.namespace, { metadata: { finalizers: [...finalizers, RESOURCES_FINALIZER] } });
}

/** The sync request the Application's policy asks for (automated: apply; selfHeal; prune). */
export function syncRequest(app: Application, member: KubeClient, desired: KubeObject[]): SyncRequest {
  const policy = app.spec.syncPolicy ?? {};
  const automated = policy.automated;
  return {
    appName: app.metadata?.name ?? '', appNamespace: app.metadata?.namespace ?? '', member, desired, previous: app.status?.fingerprints ?? {}, previousKinds: previousKinds(app),
    apply: Boolean(automated), selfHeal: Boolean(automated?.selfHeal), prune: Boolean(automated?.prune),
    pruneConfirmShare: policy.pruneConfirmShare ?? 0.5, pruneConfirmed: isPruneConfirmed(app, desired),
  };
}

function isPruneConfirmed(app: Application, desired: unknown[]): boolean {
  const given = app.metadata?.annotations?.[CONFIRM_PRUNE_ANNOTATION];
  return Boolean(given) && given === pruneConfirmationToken(desired);
}

/** The token a large prune is confirmed with (shown in the PruneBlocked condition and used by meridian sync --confirm-prune). */
export function pruneConfirmationToken(desired: unknown[]): string {
  return hashOf(desired).slice(0, 12);
}

async function finalize(deps: ApplicationDeps, app: Application): Promise<ReconcileResult> {
  const finalizers = app.metadata?.finalizers ?? [];
  if (!finalizers.includes(RESOURCES_FINALIZER)) return;
  if (!app.spec.syncPolicy?.preserveResourcesOnDeletion) {
    const member = deps.registry.get(app.spec.destination.name);
    // The resources cannot be removed from a member that does not answer: keep the finalizer and retry.
    if (!member || !member.ready) return { requeueAfterMs: 10_000 };
    const plan = await planPrune(member.client, { name: app.metadata?.name ?? '', namespace: app.metadata?.namespace ?? '' }, previousKinds(app), []);
    if (!plan.ok) throw new Error(`application ${app.metadata?.name}: ${plan.reason}`);
    const done = await prune(member.client, plan.candidates);
    if (done.errors.length) throw new Error(`application ${app.metadata?.name}: deleting resources: ${done.errors.join('; ')}`);
  }
  await deps.hub.mergePatch(API_VERSION, 'Application', app.metadata?.name ?? '', app.metadata?.namespace, { metadata: { finalizers: finalizers.filter((f) => f !== RESOURCES_FINALIZER), resourceVersion: app.metadata?.resourceVersion } });
}
