import type { KubeClient } from '../kube/client.js';
import type { KubeObject } from '../kube/types.js';
import { API_VERSION } from './schema.js';
import { ORIGIN_ANNOTATION } from './translate-argocd.js';

/** How `meridian apply` treats one object. */
export interface ApplyObjectsOptions {
  /** Namespace for Meridian objects that name none. */
  namespace: string;
  /** Replace an object of a different origin (a native one by a translated one, or one translated from elsewhere). */
  force?: boolean;
}

/** What happened to one object: where it went and whether it changed. */
export interface AppliedObject {
  /** `kind/name` as written in the file, with its namespace and API group when translated. */
  source: string;
  /** `namespace/name` (or `name`) on the hub. */
  target: string;
  kind: string;
  outcome: 'created' | 'configured' | 'unchanged';
}

const origin = (o: KubeObject | undefined) => o?.metadata?.annotations?.[ORIGIN_ANNOTATION] ?? 'meridian.dev (native)';
const where = (o: KubeObject) => (o.metadata?.namespace ? `${o.metadata.namespace}/${o.metadata?.name}` : `${o.metadata?.name}`);

/**
 * Applies objects to the hub with server-side apply, one at a time, and says where each went. An
 * object whose existing namespace/name on the hub came from somewhere else (a native ApplicationSet
 * about to be replaced by a translated ArgoCD one, or two ArgoCD namespaces translated to the same
 * place) is refused unless `force` is set, so a translation never silently replaces anything.
 */
export async function applyObjects(hub: KubeClient, objects: KubeObject[], opts: ApplyObjectsOptions): Promise<AppliedObject[]> {
  const done: AppliedObject[] = [];
  for (const o of objects) {
    if (o.apiVersion === API_VERSION && !o.metadata?.namespace && o.kind !== 'Cluster') o.metadata = { ...o.metadata, namespace: opts.namespace };
    const name = o.metadata?.name ?? '';
    const existing = await hub.get(o.apiVersion ?? '', o.kind ?? '', name, o.metadata?.namespace);
    const from = o.metadata?.annotations?.[ORIGIN_ANNOTATION];
    const source = from ? `${(o.kind ?? '').toLowerCase()}/${from.split(' ').at(-1)} (${from.split(' ')[0]})` : `${(o.kind ?? '').toLowerCase()}/${name}`;
    if (existing && origin(existing) !== origin(o) && !opts.force) {
      throw new Error(`${source}: ${o.kind} ${where(o)} already exists on the hub from ${origin(existing)}; applying would replace it with one from ${origin(o)} (use --force to replace it, or rename one of them)`);
    }
    const applied = await hub.apply(o, { fieldManager: from ? 'meridian-apply-translated' : 'meridian', force: true });
    const outcome = !existing ? 'created' : existing.metadata?.resourceVersion === applied.metadata?.resourceVersion ? 'unchanged' : 'configured';
    done.push({ source, target: where(applied), kind: o.kind ?? '', outcome });
  }
  return done;
}
