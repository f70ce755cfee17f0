import type { ResourceStatus } from '../../api/application.js';
import type { KubeClient } from '../../kube/client.js';
import type { KubeObject } from '../../kube/types.js';
import { applyInOrder } from './apply.js';
import { assessHealth, worstHealth, type Health } from './health.js';
import { objectId } from './order.js';
import { FingerprintMemo, hashOf } from './project.js';
import { planPrune, prune, type KindRef } from './prune.js';
import { timed, type StageObserver } from '../stages.js';
import { limited, type Limiter } from '../../util/limiter.js';
import type { LiveReader } from './live-cache.js';

/** What a sync is asked to do. */
export interface SyncRequest {
  appName: string;
  /** The Application's hub namespace: prune leaves alone what a same-named Application elsewhere applied. */
  appNamespace?: string;
  member: KubeClient;
  /** Prepared desired objects (prepareObjects). */
  desired: KubeObject[];
  /** Fingerprints recorded by the previous sync (status.fingerprints). */
  previous: Record<string, string>;
  /** Kinds the previous sync managed (from status.resources), so removed kinds are pruned too. */
  previousKinds: KindRef[];
  /** Apply resources whose desired state changed. */
  apply: boolean;
  /** Re-apply resources that drifted while their desired state did not change. */
  selfHeal: boolean;
  prune: boolean;
  /** Share of tracked resources one sync may delete without confirmation. */
  pruneConfirmShare: number;
  /** True when a confirmation for this desired state was given. */
  pruneConfirmed: boolean;
  dryRun?: boolean;
  /**
   * List tracked resources even when nothing the previous sync recorded has left the desired set
   * (the controller does this every few passes and on first sync; the CLI always does).
   */
  fullPruneCheck?: boolean;
  onProgress?: (message: string) => void;
  /** Receives the durations of the live_read, apply and prune stages. */
  onStage?: StageObserver;
  /** Bounds the reads and applies sent to the member at once (shared by every Application of the member). */
  pool?: Limiter;
  /** The member's tracked objects as watched (the controller's): a hit replaces the GET of an unchanged object. */
  cache?: LiveReader;
}

/** What a sync did and found. */
export interface SyncResult {
  hash: string;
  synced: boolean;
  health: Health;
  resources: ResourceStatus[];
  fingerprints: Record<string, string>;
  /** Write requests sent to the member (applies and deletes). */
  writes: number;
  applied: string[];
  pruned: string[];
  /** Resources that would be pruned (dry run) or wait for confirmation. */
  pendingPrune: string[];
  errors: string[];
  /** Why prune did not run, when it did not. */
  pruneBlocked?: string;
  /** Kinds to look in next time: the desired ones, plus the previous ones while a prune is outstanding. */
  kinds: KindRef[];
}

const LIMIT = 8;

async function getLive(member: KubeClient, desired: KubeObject[], pool?: Limiter, cache?: LiveReader): Promise<Map<string, KubeObject | undefined>> {
  const live = new Map<string, KubeObject | undefined>();
  const unknown: KubeObject[] = [];
  for (const o of desired) {
    const hit = cache?.cached(o);
    if (hit) live.set(objectId(o), hit);
    else unknown.push(o);
  }
  for (let i = 0; i < unknown.length; i += LIMIT) {
    const batch = unknown.slice(i, i + LIMIT);
    // A failed read throws: without live state nothing is decided (and nothing pruned).
    const got = await Promise.all(batch.map((o) => limited(pool, () => member.get(o.apiVersion ?? '', o.kind ?? '', o.metadata?.name ?? '', o.metadata?.namespace)).catch((err: Error) => {
      if (/does not serve/.test(err.message)) return undefined; // a CRD this sync installs
      throw err;
    })));
    batch.forEach((o, j) => live.set(objectId(o), got[j]));
  }
  return live;
}

function resourceStatus(o: KubeObject, status: ResourceStatus['status'], health: Health | undefined, message?: string): ResourceStatus {
  const [group, version] = (o.apiVersion ?? '').includes('/') ? (o.apiVersion ?? '').split('/') : ['', o.apiVersion ?? ''];
  // Kubernetes 1.20 turns "" into null in merge patches (and then rejects it): absent fields, never empty strings.
  return { ...(group ? { group } : {}), version, kind: o.kind ?? '', ...(o.metadata?.namespace ? { namespace: o.metadata.namespace } : {}),name: o.metadata?.name ?? '', status, ...(health ? { health: health.status } : {}), ...(message ? { message } : {}) };
}

/**
 * One sync of one Application in one member: read live state, compare per-resource fingerprints
 * (desired hash + live projection on the managed fields), apply only what differs (in order), then
 * prune tracked leftovers when allowed. Unchanged desired state and no drift means zero writes.
 */
export async function syncApplication(req: SyncRequest): Promise<SyncResult> {
  const hash = hashOf(req.desired);
  const fps = new FingerprintMemo();
  // An object whose desired state changed is applied whatever the member holds, so reading it first
  // decides nothing: the apply's answer is its live state. Only the others are read (drift, no-ops).
  const changed = new Set(req.desired.filter((o) => desiredChanged(req.previous[objectId(o)], fps.desiredHash(o))));
  const applyUnread = (o: KubeObject) => req.apply && !req.dryRun && changed.has(o);
  const live = await timed(req.onStage, 'live_read', () => getLive(req.member, req.desired.filter((o) => !applyUnread(o)), req.pool, req.cache));
  const fingerprints: Record<string, string> = {};
  const toApply: KubeObject[] = [];
  for (const o of req.desired) {
    const id = objectId(o);
    const current = live.get(id);
    const fp = current ? fps.of(o, current) : '';
    const prev = req.previous[id];
    if (fp && prev === fp) { fingerprints[id] = fp; continue; }
    if ((changed.has(o) && req.apply) || (!changed.has(o) && req.selfHeal)) toApply.push(o);
    else if (prev) fingerprints[id] = prev;
  }
  const result: SyncResult = { hash, synced: false, health: { status: 'Healthy' }, resources: [], fingerprints, writes: 0, applied: [], pruned: [], pendingPrune: [], errors: [], kinds: [] };
  if (toApply.length && !req.dryRun) {
    const outcomes = await timed(req.onStage, 'apply', () => applyInOrder(req.member, toApply, { onProgress: req.onProgress, pool: req.pool }));
    result.writes += outcomes.length;
    for (const out of outcomes) {
      const o = toApply.find((x) => objectId(x) === out.id) as KubeObject;
      if (out.result) { live.set(out.id, out.result); req.cache?.wrote(out.result); fingerprints[out.id] = fps.of(o, out.result); result.applied.push(out.id); } else result.errors.push(`${out.id}: ${out.error}`);
    }
    // A CRD's answer predates its Established condition, which applyInOrder waited for: read it again.
    // So is an unread object whose apply failed or never ran (an earlier group failed): status and
    // health then show what the member holds, as when every object was read first.
    const reread = toApply.filter((o) => (o.kind === 'CustomResourceDefinition' && result.applied.includes(objectId(o))) || (applyUnread(o) && !live.has(objectId(o))));
    for (const [id, obj] of (await getLive(req.member, reread, req.pool)).entries()) live.set(id, obj);
  }
  await timed(req.onStage, 'prune', () => prunePass(req, result));
  const desiredKinds = req.desired.map((o) => ({ apiVersion: o.apiVersion ?? '', kind: o.kind ?? '' }));
  const outstanding = result.pruneBlocked !== undefined || result.errors.length > 0;
  result.kinds = uniqueKinds([...desiredKinds, ...(outstanding ? req.previousKinds : [])]);
  for (const o of req.desired) {
    const id = objectId(o);
    const current = live.get(id);
    const inSync = Boolean(current) && fingerprints[id] === fps.of(o, current);
    result.resources.push(resourceStatus(o, inSync ? 'Synced' : 'OutOfSync', assessHealth(current)));
  }
  result.health = worstHealth(result.resources.map((r, i) => (r.health ? { status: r.health as Health['status'], message: `${r.kind} ${r.name}: ${assessHealth(live.get(objectId(req.desired[i])))?.message ?? r.health}` } : undefined)));
  result.synced = result.errors.length === 0 && result.resources.every((r) => r.status === 'Synced') && result.pendingPrune.length === 0;
  return result;
}

/** True when the object differs from what the previous sync recorded for it (or was not recorded). */
function desiredChanged(prev: string | undefined, desiredHash: string): boolean {
  return !prev || prev.split(':')[0] !== desiredHash;
}

function uniqueKinds(kinds: KindRef[]): KindRef[] {
  return [...new Map(kinds.map((k) => [`${k.apiVersion}/${k.kind}`, k])).values()].sort((a, b) => `${a.apiVersion}/${a.kind}`.localeCompare(`${b.apiVersion}/${b.kind}`));
}

/** True when a listing could find something to prune: a first sync, a forced check, or something the last sync recorded is no longer desired. */
function mayHaveLeftovers(req: SyncRequest): boolean {
  const ids = new Set(req.desired.map(objectId));
  const kinds = new Set(req.desired.map((o) => `${o.apiVersion}/${o.kind}`));
  const previous = Object.keys(req.previous);
  return req.fullPruneCheck !== false || previous.length === 0 || previous.some((id) => !ids.has(id)) || req.previousKinds.some((k) => !kinds.has(`${k.apiVersion}/${k.kind}`));
}

async function prunePass(req: SyncRequest, result: SyncResult): Promise<void> {
  if (result.errors.length) { result.pruneBlocked = 'apply failed'; return; }
  if (!mayHaveLeftovers(req)) return;
  const kinds = [...req.previousKinds, ...req.desired.map((o) => ({ apiVersion: o.apiVersion ?? '', kind: o.kind ?? '' }))];
  const plan = await planPrune(req.member, { name: req.appName, namespace: req.appNamespace }, kinds, req.desired);
  if (!plan.ok) { result.pruneBlocked = plan.reason; return; }
  if (!plan.candidates.length) return;
  const ids = plan.candidates.map(objectId);
  const share = plan.candidates.length / Math.max(1, plan.tracked);
  if (!req.prune || req.dryRun) { result.pendingPrune = ids; result.pruneBlocked = req.dryRun ? 'dry run' : 'prune is not enabled'; return; }
  if (share > req.pruneConfirmShare && !req.pruneConfirmed) {
    result.pendingPrune = ids;
    result.pruneBlocked = `would delete ${ids.length} of ${plan.tracked} tracked resources (more than ${Math.round(req.pruneConfirmShare * 100)}%): confirm with meridian sync --confirm-prune`;
    return;
  }
  req.onProgress?.(`pruning ${ids.length}`);
  const done = await prune(req.member, plan.candidates);
  result.writes += plan.candidates.length;
  result.pruned = done.deleted;
  result.errors.push(...done.errors);
}
