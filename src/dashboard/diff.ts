import type { Application } from '../api/application.js';
import { resourceDiff } from '../cli/commands/diff.js';
import type { ClusterRegistry } from '../clusters/registry.js';
import { desiredState } from '../gitops/desired.js';
import type { GitCache } from '../gitops/git/cache.js';
import { objectId } from '../gitops/sync/order.js';
import type { KubeObject } from '../kube/types.js';

/** What a Secret's values are replaced with before anything is diffed or shown. */
export const MASK = '(masked)';

/** A copy of `obj` with every Secret value replaced by MASK (keys stay, so a changed key set shows). */
export function maskSecret<T extends KubeObject | undefined>(obj: T): T {
  if (!obj || obj.kind !== 'Secret') return obj;
  const copy = { ...obj } as KubeObject;
  for (const field of ['data', 'stringData']) {
    const values = copy[field];
    if (values && typeof values === 'object') copy[field] = Object.fromEntries(Object.keys(values).map((k) => [k, MASK]));
  }
  const annotations = copy.metadata?.annotations;
  if (annotations?.['kubectl.kubernetes.io/last-applied-configuration']) copy.metadata = { ...copy.metadata, annotations: { ...annotations, 'kubectl.kubernetes.io/last-applied-configuration': MASK } };
  return copy as T;
}

/**
 * The unified diff of one Application: live state (on the fields Meridian manages) against what
 * Git renders, resource by resource, with Secret values masked on both sides.
 */
export async function applicationDiff(app: Application, git: GitCache, registry: ClusterRegistry): Promise<string> {
  const cluster = app.spec.destination.name;
  const member = registry.get(cluster);
  if (!member?.ready) return `cluster ${cluster} is not Ready: no live state to compare\n`;
  const desired = await desiredState(app, git, member.client);
  const parts: string[] = [];
  for (const o of desired.objects) {
    const live = await member.client.get(o.apiVersion ?? '', o.kind ?? '', o.metadata?.name ?? '', o.metadata?.namespace).catch(() => undefined);
    const text = resourceDiff(`${cluster}${objectId(o)}`, maskSecret(live), maskSecret(o));
    if (text) parts.push(text);
  }
  return parts.join('') || 'no differences on the fields Meridian manages\n';
}
