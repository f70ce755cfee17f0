import type { KubeClient } from '../../kube/client.js';
import type { KubeObject } from '../../kube/types.js';
import { objectId } from './order.js';
import { TRACKING_ANNOTATION, TRACKING_LABEL, trackingValue } from './prepare.js';

/** A kind to look for tracked resources in. */
export interface KindRef { apiVersion: string; kind: string }

/** The outcome of looking for resources to prune. */
export type PrunePlan =
  | { ok: true; tracked: number; candidates: KubeObject[] }
  | { ok: false; reason: string };

/** The Application whose resources are looked for: name and hub namespace. */
export interface TrackedApp { name: string; namespace?: string }

/**
 * True when a resource found by the tracking label belongs to this Application. The label holds
 * only the name (label values are short), so the `namespace/name` annotation decides: two
 * Applications of the same name in different hub namespaces never claim each other's resources.
 * A resource without the annotation (labelled by hand, or by an older scheme) counts as the name's.
 */
export function isTrackedBy(o: KubeObject, app: TrackedApp): boolean {
  const id = o.metadata?.annotations?.[TRACKING_ANNOTATION];
  if (!id || app.namespace === undefined) return true;
  return id === `${app.namespace}/${app.name}`;
}

/** Resources annotated this way are never pruned (ArgoCD's sync option). */
const NO_PRUNE = /(^|,)\s*Prune=false\s*(,|$)/;

/**
 * Finds tracked resources that are no longer desired. Every kind is listed by the tracking label; if
 * any list fails the plan says so and nothing may be pruned (a failed list proves nothing is gone).
 */
export async function planPrune(member: KubeClient, app: TrackedApp, kinds: KindRef[], desired: KubeObject[]): Promise<PrunePlan> {
  const want = new Set(desired.map(objectId));
  const selector = `${TRACKING_LABEL}=${trackingValue(app.name)}`;
  const unique = [...new Map(kinds.map((k) => [`${k.apiVersion}/${k.kind}`, k])).values()];
  const lists = await Promise.allSettled(unique.map((k) => member.list(k.apiVersion, k.kind, { labelSelector: selector })));
  const failed = lists.map((r, i) => (r.status === 'rejected' ? `${unique[i].kind}: ${(r.reason as Error).message}` : '')).filter(Boolean);
  if (failed.length) return { ok: false, reason: `listing tracked resources failed (${failed.join('; ')})` };
  const tracked = lists.flatMap((r) => (r.status === 'fulfilled' ? r.value.items : [])).filter((o) => isTrackedBy(o, app));
  const candidates = tracked.filter((o) => !want.has(objectId(o)) && !o.metadata?.deletionTimestamp && !NO_PRUNE.test(o.metadata?.annotations?.['argocd.argoproj.io/sync-options'] ?? ''));
  return { ok: true, tracked: tracked.length, candidates };
}

/** Deletes the candidates; returns the ids deleted and the errors met. */
export async function prune(member: KubeClient, candidates: KubeObject[]): Promise<{ deleted: string[]; errors: string[] }> {
  const results = await Promise.allSettled(candidates.map((o) => member.delete(o.apiVersion ?? '', o.kind ?? '', o.metadata?.name ?? '', o.metadata?.namespace)));
  return {
    deleted: candidates.filter((_, i) => results[i].status === 'fulfilled').map(objectId),
    errors: results.flatMap((r, i) => (r.status === 'rejected' ? [`${objectId(candidates[i])}: ${(r.reason as Error).message}`] : [])),
  };
}
