import type { KubeObject } from '../kube/types.js';
import { API_VERSION } from './schema.js';

type Json = Record<string, unknown>;

const ARGO_NAMESPACE = 'argocd';
/** Annotation on a translated object: `apiVersion/kind namespace/name` of the object it was translated from. */
export const ORIGIN_ANNOTATION = 'meridian.dev/translated-from';
const DEFAULT_NAMESPACE = 'meridian-system';
// ArgoCD fields Meridian has no use for; they are dropped, never silently reinterpreted.
const IGNORED_SOURCE_FIELDS = ['chart', 'helm', 'plugin'];

function obj(v: unknown, where: string): Json {
  if (v === undefined) return {};
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${where}: expected an object`);
  return v as Json;
}

/** ArgoCD's Application spec -> Meridian's: one source, destination by cluster name. */
export function translateAppSpec(spec: Json, where: string): Json {
  const sources = spec.sources as Json[] | undefined;
  if (sources && sources.length > 1) throw new Error(`${where}.sources: only one source is supported (got ${sources.length})`);
  const source = { ...obj(spec.source ?? sources?.[0], `${where}.source`) };
  for (const f of IGNORED_SOURCE_FIELDS) if (f in source) throw new Error(`${where}.source.${f}: not supported (Kustomize and plain directories only)`);
  const dest = obj(spec.destination, `${where}.destination`);
  // ArgoCD may name the cluster by server URL; the clusters generator's {{server}} maps to {{name}}.
  const name = dest.name ?? (typeof dest.server === 'string' ? dest.server.replace('{{server}}', '{{name}}').replace('{{.server}}', '{{.name}}') : undefined);
  if (!name) throw new Error(`${where}.destination: needs name or server`);
  const policy = obj(spec.syncPolicy, `${where}.syncPolicy`);
  const out: Json = {
    source: { repoURL: source.repoURL, ...(source.targetRevision ? { targetRevision: source.targetRevision } : {}), ...(source.path ? { path: source.path } : {}) },
    destination: { name, ...(dest.namespace ? { namespace: dest.namespace } : {}) },
  };
  if (spec.project) out.project = spec.project;
  if (policy.automated) out.syncPolicy = { automated: policy.automated };
  return out;
}

/**
 * The `spec` of a generator's template (ArgoCD's generator templates): translated like an
 * Application's, but only the fields it sets, since the ApplicationSet's template fills the rest.
 */
function translatePartialAppSpec(spec: Json, where: string): Json {
  const sources = spec.sources as Json[] | undefined;
  if (sources && sources.length > 1) throw new Error(`${where}.sources: only one source is supported (got ${sources.length})`);
  const out: Json = {};
  if (spec.source !== undefined || sources?.length) {
    const source = obj(spec.source ?? sources?.[0], `${where}.source`);
    for (const f of IGNORED_SOURCE_FIELDS) if (f in source) throw new Error(`${where}.source.${f}: not supported (Kustomize and plain directories only)`);
    out.source = Object.fromEntries(['repoURL', 'targetRevision', 'path'].filter((k) => source[k] !== undefined).map((k) => [k, source[k]]));
  }
  if (spec.destination !== undefined) {
    const dest = obj(spec.destination, `${where}.destination`);
    const name = dest.name ?? (typeof dest.server === 'string' ? dest.server.replace('{{server}}', '{{name}}').replace('{{.server}}', '{{.name}}') : undefined);
    out.destination = { ...(name ? { name } : {}), ...(dest.namespace ? { namespace: dest.namespace } : {}) };
  }
  if (spec.project) out.project = spec.project;
  const policy = obj(spec.syncPolicy, `${where}.syncPolicy`);
  if (policy.automated) out.syncPolicy = { automated: policy.automated };
  return out;
}

/** Top-level generators with their `template` (if any) translated; nested generators' templates are ignored, as in ArgoCD. */
function translateGenerators(generators: unknown, where: string): unknown {
  if (!Array.isArray(generators)) return generators;
  return generators.map((g: unknown, i) => {
    if (!g || typeof g !== 'object' || Array.isArray(g)) return g;
    const out: Json = { ...(g as Json) };
    for (const [kind, body] of Object.entries(out)) {
      if (kind === 'selector' || !body || typeof body !== 'object' || Array.isArray(body) || (body as Json).template === undefined) continue;
      const at = `${where}.generators[${i}].${kind}.template`;
      const t = obj((body as Json).template, at);
      out[kind] = { ...(body as Json), template: { ...t, ...(t.spec !== undefined ? { spec: translatePartialAppSpec(obj(t.spec, `${at}.spec`), `${at}.spec`) } : {}) } };
    }
    return out;
  });
}

function meta(o: KubeObject): Json {
  const m = { ...(o.metadata ?? {}) } as Json;
  for (const k of ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields']) delete m[k];
  const from = `${o.apiVersion}/${o.kind} ${o.metadata?.namespace ?? ARGO_NAMESPACE}/${o.metadata?.name}`;
  m.annotations = { ...((m.annotations as Record<string, string> | undefined) ?? {}), [ORIGIN_ANNOTATION]: from };
  if (!m.namespace || m.namespace === ARGO_NAMESPACE) m.namespace = DEFAULT_NAMESPACE;
  return m;
}

/** `argoproj.io/v1alpha1 ApplicationSet` -> `meridian.dev/v1alpha1 ApplicationSet`. */
export function translateArgoApplicationSet(o: KubeObject): KubeObject[] {
  const where = `ApplicationSet ${o.metadata?.name}: spec`;
  const spec = obj(o.spec, where);
  const template = obj(spec.template, `${where}.template`);
  const out: Json = {
    generators: translateGenerators(spec.generators, where),
    template: { metadata: obj(template.metadata, `${where}.template.metadata`), spec: translateAppSpec(obj(template.spec, `${where}.template.spec`), `${where}.template.spec`) },
  };
  for (const k of ['goTemplate', 'goTemplateOptions', 'templatePatch', 'strategy']) if (spec[k] !== undefined) out[k] = spec[k];
  const policy = obj(spec.syncPolicy, `${where}.syncPolicy`);
  if (policy.applicationsSync || policy.preserveResourcesOnDeletion) {
    out.syncPolicy = { ...(policy.applicationsSync ? { applicationsSync: policy.applicationsSync } : {}), ...(policy.preserveResourcesOnDeletion ? { preserveResourcesOnDeletion: true } : {}) };
  }
  return [{ apiVersion: API_VERSION, kind: 'ApplicationSet', metadata: meta(o), spec: out }];
}

/** `argoproj.io/v1alpha1 Application` -> `meridian.dev/v1alpha1 Application`. */
export function translateArgoApplication(o: KubeObject): KubeObject[] {
  return [{ apiVersion: API_VERSION, kind: 'Application', metadata: meta(o), spec: translateAppSpec(obj(o.spec, `Application ${o.metadata?.name}: spec`), `Application ${o.metadata?.name}: spec`) }];
}
