import type { Application } from '../../api/application.js';
import { PAUSED_ANNOTATION, type ApplicationSet, type ApplicationSetStatus } from '../../api/applicationset.js';
import { API_VERSION } from '../../api/schema.js';
import type { ClusterRegistry } from '../../clusters/registry.js';
import type { KubeClient } from '../../kube/client.js';
import { findCondition, setCondition } from '../../kube/conditions.js';
import { eventOnChange, isTerminal } from '../../controller/terminal.js';
import type { Informer } from '../../kube/informer.js';
import type { Condition } from '../../kube/types.js';
import type { ReconcileResult } from '../../controller/queue.js';
import type { Logger } from '../../util/log.js';
import { generateTemplatedParams } from '../generators/index.js';
import type { ClusterInfo } from '../generators/types.js';
import type { GitCache } from '../git/cache.js';
import { planRollout, type RolloutApp } from '../rollout.js';
import { canonical } from '../sync/project.js';
import { emitEvent, newRolloutEvents } from '../../kube/events.js';
import { renderApplicationTemplate } from '../template/index.js';

/** Label on each generated Application naming its ApplicationSet. */
export const APPSET_LABEL = 'meridian.dev/applicationset';
/** Annotation that allows an ApplicationSet whose generators return nothing to delete all its Applications. */
export const ALLOW_EMPTY_ANNOTATION = 'meridian.dev/allow-empty';
const FIELD_MANAGER = 'meridian-applicationset';

/** What the ApplicationSet reconciler needs. */
export interface AppSetDeps {
  hub: KubeClient;
  registry: ClusterRegistry;
  git: GitCache;
  appsets: Informer<ApplicationSet>;
  apps: Informer<Application>;
  log: Logger;
  resyncMs: number;
  /**
   * Objects this process wrote (the set's status, the Applications it applied), by namespace/name:
   * a reconcile that comes before the informers delivered them uses these instead of the older cached
   * copies. Without it a reconcile right after a rollback read the rollout as it stood before (still
   * Progressing) and pinned the bad revision again. Kept by the caller across reconciles.
   */
  written?: { sets: Map<string, ApplicationSet>; apps: Map<string, Application> };
}

/** The newer of a cached object and one this process wrote (by resourceVersion, an etcd revision here). */
function newer<T extends { metadata?: { resourceVersion?: string } }>(cached: T | undefined, mine: T | undefined): T | undefined {
  if (!cached || !mine) return cached;
  const have = Number(cached.metadata?.resourceVersion);
  const wrote = Number(mine.metadata?.resourceVersion);
  return Number.isFinite(have) && Number.isFinite(wrote) && have < wrote ? mine : cached;
}

/** The set and its Applications as the caches hold them, or as this process last wrote them where that is newer. */
function currentState(deps: AppSetDeps, key: string): { set?: ApplicationSet; existing: Application[] } {
  const cached = deps.appsets.get(key);
  if (!cached) deps.written?.sets.delete(key);
  const set = newer(cached, deps.written?.sets.get(key));
  if (!set) return { existing: [] };
  const mine = (a: Application) => newer(a, deps.written?.apps.get(`${a.metadata?.namespace}/${a.metadata?.name}`)) as Application;
  return { set, existing: deps.apps.list().filter((a) => a.metadata?.namespace === set.metadata?.namespace && a.metadata?.labels?.[APPSET_LABEL] === set.metadata?.name).map(mine) };
}

/** Members as the clusters generator sees them (every registered Cluster, connected or not). */
export function clusterInfos(registry: Pick<ClusterRegistry, 'clusterObjects'>): ClusterInfo[] {
  return registry.clusterObjects().map((c) => ({ name: c.metadata?.name ?? '', server: c.spec.server, labels: c.metadata?.labels ?? {}, annotations: c.metadata?.annotations ?? {} }));
}

/** Generates the Applications of an ApplicationSet (without rollout pins), each top-level generator with its own template. */
export async function generateApplications(set: ApplicationSet, clusters: ClusterInfo[], git: GitCache): Promise<Application[]> {
  const mode = { goTemplate: Boolean(set.spec.goTemplate), options: set.spec.goTemplateOptions };
  const generated = await generateTemplatedParams(set.spec.generators, { clusters, mode, checkout: (url, rev) => git.checkout(url, rev) }, set.spec.template);
  const ns = set.metadata?.namespace ?? '';
  return generated.flatMap(({ params, template }) => params.map((p) => {
    const t = renderApplicationTemplate(template, set.spec.templatePatch, p, mode) as { metadata?: { name?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: Application['spec'] };
    const name = t.metadata?.name;
    if (!name || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name)) throw new Error(`spec.template.metadata.name: "${name ?? ''}" is not a valid name`);
    if (!t.spec?.source?.repoURL || !t.spec.destination?.name) throw new Error(`spec.template.spec: application ${name} needs source.repoURL and destination.name`);
    // A field templated to null (`automated:` with nothing under it) means "not set", as in ArgoCD;
    // sent as null it fails the Application schema (422) on every pass.
    const spec = dropNulls(structuredClone(t.spec)) as Application['spec'];
    if (set.spec.syncPolicy?.preserveResourcesOnDeletion) spec.syncPolicy = { ...spec.syncPolicy, preserveResourcesOnDeletion: true };
    return {
      apiVersion: API_VERSION, kind: 'Application',
      metadata: {
        name, namespace: ns, labels: { ...(t.metadata?.labels ?? {}), [APPSET_LABEL]: set.metadata?.name ?? '' }, annotations: t.metadata?.annotations ?? {},
        ownerReferences: [{ apiVersion: API_VERSION, kind: 'ApplicationSet', name: set.metadata?.name ?? '', uid: set.metadata?.uid ?? '', controller: true }],
      },
      spec,
    };
  }));
}

async function writeSetStatus(deps: AppSetDeps, set: ApplicationSet, next: ApplicationSetStatus): Promise<void> {
  if (canonical(set.status ?? {}) === canonical(next)) return;
  const after = await deps.hub.patchStatus<ApplicationSet>(API_VERSION, 'ApplicationSet', set.metadata?.name ?? '', set.metadata?.namespace, next);
  if (after) deps.written?.sets.set(`${set.metadata?.namespace}/${set.metadata?.name}`, after);
  for (const e of newRolloutEvents(set.status?.rollout, next.rollout)) emitEvent(deps.hub, set, e);
}

/**
 * Reconciles one ApplicationSet: generate -> (on error: condition, no Application touched) -> rollout
 * pins -> create/update/delete Applications as applicationsSync allows -> status. An empty result is
 * not taken as a reason to delete every Application unless the set is annotated to allow it.
 */
export async function reconcileAppSet(deps: AppSetDeps, key: string): Promise<ReconcileResult> {
  // An unsynced Application cache looks like a first deployment: every Application would be pinned
  // to the newest revision at once (RollingSync skipped, a rollback undone). Wait for the caches.
  if (!deps.apps.hasSynced() || !deps.appsets.hasSynced()) throw new Error(`applicationset ${key}: caches not synced yet`);
  const { set, existing } = currentState(deps, key);
  if (!set || set.metadata?.deletionTimestamp) return;
  let desired: Application[];
  try {
    desired = await generateApplications(set, clusterInfos(deps.registry), deps.git);
  } catch (err) {
    const conditions = setCondition(set.status?.conditions, { type: 'ParametersGenerated', status: 'False', reason: 'ErrorOccurred', message: `${(err as Error).message}; existing applications are left as they are`.slice(0, 1000), observedGeneration: set.metadata?.generation });
    await writeSetStatus(deps, set, { ...(set.status ?? {}), conditions });
    return { requeueAfterMs: deps.resyncMs };
  }
  // As in ArgoCD, Applications that share a name are none of them written (nor deleted), and reported.
  const { unique, duplicated } = splitDuplicateNames(set, desired);
  const rollout = set.spec.strategy?.type === 'RollingSync' ? await pinRevisions(deps, set, unique, existing) : undefined;
  const policy = set.spec.syncPolicy?.applicationsSync ?? 'sync';
  const rejected = [...duplicated, ...(await upsertApplications(deps, policy, unique, existing))];
  const guard = await deleteStale(deps, set, policy, desired, existing, rejected);
  const names = new Set(desired.map((a) => a.metadata?.name));
  let conditions = setCondition(set.status?.conditions, { type: 'ParametersGenerated', status: 'True', reason: 'Generated', message: `${desired.length} applications`, observedGeneration: set.metadata?.generation });
  conditions = setCondition(conditions, { type: 'DeletionGuard', status: guard ? 'True' : 'False', reason: guard ? 'EmptyGeneration' : 'None', message: guard || 'no applications held back' });
  conditions = setCondition(conditions, await rejectedCondition(deps, set, rejected));
  await writeSetStatus(deps, set, {
    conditions, applications: [...names].map(String).sort(), observedGeneration: set.metadata?.generation,
    ...(rollout ? { rollout: rollout.status, applicationStatus: rollout.applications } : {}),
  });
  return { requeueAfterMs: rollout && rollout.status.phase !== 'Completed' ? 3000 : deps.resyncMs };
}

/** The Applications whose name no other generated Application has, and a message for each name that is shared. */
function splitDuplicateNames(set: ApplicationSet, desired: Application[]): { unique: Application[]; duplicated: string[] } {
  const count = new Map<string | undefined, number>();
  for (const a of desired) count.set(a.metadata?.name, (count.get(a.metadata?.name) ?? 0) + 1);
  const duplicated = [...count].filter(([, n]) => n > 1).map(([name]) => `ApplicationSet ${set.metadata?.name} contains applications with duplicate name: ${name}`);
  return { unique: desired.filter((a) => count.get(a.metadata?.name) === 1), duplicated };
}

/**
 * Terminal API errors (the hub refused an Application: 400/403/422, 404 on create) become a
 * condition and a Warning Event on the ApplicationSet, and are not retried in a loop.
 */
async function rejectedCondition(deps: AppSetDeps, set: ApplicationSet, rejected: string[]): Promise<Omit<Condition, 'lastTransitionTime'>> {
  const observedGeneration = set.metadata?.generation;
  if (!rejected.length) return { type: 'ResourcesUpToDate', status: 'True', reason: 'ApplicationSetUpToDate', message: 'all applications are up to date', observedGeneration };
  const next = { type: 'ResourcesUpToDate', status: 'False' as const, reason: 'ApplicationRejected', message: rejected.join('; ').slice(0, 1000), observedGeneration };
  await eventOnChange(deps.hub, set, findCondition(set.status?.conditions, 'ResourcesUpToDate'), next, 'gitops');
  return next;
}

type Policy = NonNullable<NonNullable<ApplicationSet['spec']['syncPolicy']>['applicationsSync']>;

/** Creates or updates Applications; returns `name: error` for each the hub refused for good (others throw, to be retried). */
async function upsertApplications(deps: AppSetDeps, policy: Policy, desired: Application[], existing: Application[]): Promise<string[]> {
  const byName = new Map(existing.map((a) => [a.metadata?.name, a]));
  const rejected: string[] = [];
  for (const app of desired) {
    const current = byName.get(app.metadata?.name);
    if (current && (policy === 'create-only' || policy === 'create-delete')) continue;
    if (current && canonical(pick(current)) === canonical(pick(app))) continue;
    try {
      const after = await deps.hub.apply(app, { fieldManager: FIELD_MANAGER, force: true });
      if (after) deps.written?.apps.set(`${app.metadata?.namespace}/${app.metadata?.name}`, after);
    } catch (err) {
      if (!isTerminal(err, !current)) throw err;
      rejected.push(`application ${app.metadata?.name}: ${(err as Error).message}`);
    }
  }
  return rejected;
}

/** Deletes Applications no longer generated, when the policy allows; returns the guard message when it refused. */
async function deleteStale(deps: AppSetDeps, set: ApplicationSet, policy: Policy, desired: Application[], existing: Application[], rejected: string[]): Promise<string> {
  const names = new Set(desired.map((a) => a.metadata?.name));
  const stale = existing.filter((a) => !names.has(a.metadata?.name));
  if (!stale.length || (policy !== 'sync' && policy !== 'create-delete')) return '';
  if (desired.length === 0 && set.metadata?.annotations?.[ALLOW_EMPTY_ANNOTATION] !== 'true') {
    return `generators returned no applications; keeping ${stale.length} (annotate ${ALLOW_EMPTY_ANNOTATION}=true to allow)`;
  }
  for (const a of stale) {
    try {
      await deps.hub.delete(API_VERSION, 'Application', a.metadata?.name ?? '', a.metadata?.namespace);
    } catch (err) {
      if (!isTerminal(err)) throw err;
      rejected.push(`deleting application ${a.metadata?.name}: ${(err as Error).message}`);
    }
  }
  return '';
}

/** A copy without null values in objects (at any depth); arrays keep their length. */
export function dropNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropNulls);
  if (!v || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = dropNulls(x);
  return out;
}

function pick(a: Application): unknown {
  return { labels: a.metadata?.labels, annotations: a.metadata?.annotations ?? {}, spec: a.spec };
}

async function pinRevisions(deps: AppSetDeps, set: ApplicationSet, desired: Application[], existing: Application[]) {
  const byName = new Map(existing.map((a) => [a.metadata?.name, a]));
  const apps: RolloutApp[] = [];
  for (const a of desired) {
    const target = await deps.git.resolve(a.spec.source.repoURL, a.spec.source.targetRevision || 'HEAD');
    apps.push(rolloutApp(a, byName.get(a.metadata?.name), target));
  }
  const plan = planRollout({
    apps, steps: set.spec.strategy?.rollingSync?.steps ?? [], previous: set.status?.rollout,
    paused: set.metadata?.annotations?.[PAUSED_ANNOTATION] === 'true', autoRollback: Boolean(set.spec.strategy?.autoRollback),
  });
  for (const a of desired) a.spec.source.targetRevision = plan.pins[a.metadata?.name ?? ''];
  return plan;
}

function rolloutApp(a: Application, cur: Application | undefined, target: string): RolloutApp {
  const status = cur?.status ?? {};
  return {
    name: a.metadata?.name ?? '', labels: a.metadata?.labels ?? {}, pin: cur?.spec.source.targetRevision, target,
    syncedRevision: status.sync?.revision, synced: status.sync?.status === 'Synced', health: status.health?.status,
    lastHealthy: status.healthyRevisions?.[0],
  };
}
