import type { Application, ApplicationStatus } from '../../api/application.js';
import { API_VERSION } from '../../api/schema.js';
import type { KubeClient } from '../../kube/client.js';
import { setCondition } from '../../kube/conditions.js';
import { canonical } from '../sync/project.js';
import type { SyncResult } from '../sync/engine.js';

/** Status after a completed sync pass. */
export function statusFromSync(app: Application, revision: string, r: SyncResult, now = new Date()): ApplicationStatus {
  const prev = app.status ?? {};
  const healthy = r.synced && r.health.status === 'Healthy';
  let conditions = setCondition(prev.conditions, { type: 'Reconciled', status: r.errors.length ? 'False' : 'True', reason: r.errors.length ? 'SyncError' : 'Succeeded', message: r.errors.join('; ').slice(0, 1000) || `${r.applied.length} applied, ${r.pruned.length} pruned`, observedGeneration: app.metadata?.generation }, now);
  conditions = setCondition(conditions, { type: 'PruneBlocked', status: r.pendingPrune.length ? 'True' : 'False', reason: r.pendingPrune.length ? 'NeedsConfirmation' : 'None', message: r.pendingPrune.length ? `${r.pruneBlocked}: ${r.pendingPrune.join(', ')}`.slice(0, 1000) : 'nothing waits to be pruned' }, now);
  const healthyRevisions = healthy ? [revision, ...(prev.healthyRevisions ?? []).filter((x) => x !== revision)].slice(0, 10) : prev.healthyRevisions;
  return {
    ...prev,
    sync: { status: r.synced ? 'Synced' : 'OutOfSync', revision },
    health: { status: r.health.status, ...(r.health.message && r.health.status !== 'Healthy' ? { message: r.health.message } : {}) },
    resources: r.resources, conditions, fingerprints: r.fingerprints, managedKinds: r.kinds.map((k) => `${k.apiVersion}/${k.kind}`),
    ...(r.synced ? { appliedHash: r.hash } : {}),
    ...(r.writes > 0 ? { lastSyncTime: now.toISOString() } : {}),
    ...(healthyRevisions ? { healthyRevisions } : {}),
    observedGeneration: app.metadata?.generation,
  };
}

/** Status when nothing could be decided: sync and health Unknown, a condition saying why; the rest kept. */
export function statusUnknown(app: Application, reason: string, message: string, now = new Date()): ApplicationStatus {
  const prev = app.status ?? {};
  return {
    ...prev,
    sync: { status: 'Unknown', ...(prev.sync?.revision ? { revision: prev.sync.revision } : {}) },
    health: { status: 'Unknown', message },
    conditions: setCondition(prev.conditions, { type: 'Reconciled', status: 'False', reason, message: message.slice(0, 1000) || reason, observedGeneration: app.metadata?.generation }, now),
  };
}

/**
 * True when two statuses differ at most in their `message` fields (health, conditions, resources):
 * a rollout's progress ("1 of 2 updated replicas") or a pass's count ("0 applied, 0 pruned"), with
 * every status, revision, fingerprint and time the same.
 */
export function onlyMessagesDiffer(prev: ApplicationStatus | undefined, next: ApplicationStatus): boolean {
  return canonical(withoutMessages(prev ?? {})) === canonical(withoutMessages(next));
}

function withoutMessages(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutMessages);
  if (!isObject(v)) return v;
  return Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'message').map(([k, x]) => [k, withoutMessages(x)]));
}

/** A JSON merge patch from prev to next: keys that disappear (at any depth of nested objects) become null. */
export function mergePatchFor(prev: unknown, next: unknown): unknown {
  if (!isObject(prev) || !isObject(next)) return next;
  const patch: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(next)) patch[k] = mergePatchFor(prev[k], v);
  for (const k of Object.keys(prev)) if (!(k in next)) patch[k] = null;
  return patch;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Writes status through the status subresource, only when it changed; returns the updated object when it wrote. */
export async function writeStatus(hub: KubeClient, app: Application, next: ApplicationStatus): Promise<Application | undefined> {
  const prev = (app.status ?? {}) as Record<string, unknown>;
  if (canonical(prev) === canonical(next)) return undefined;
  return hub.patchStatus<Application>(API_VERSION, 'Application', app.metadata?.name ?? '', app.metadata?.namespace, mergePatchFor(prev, next));
}
