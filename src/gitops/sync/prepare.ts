import { createHash } from 'node:crypto';
import type { KubeClient } from '../../kube/client.js';
import type { KubeObject } from '../../kube/types.js';

/** Label on every resource an Application applies; prune considers only resources that carry it. */
export const TRACKING_LABEL = 'meridian.dev/application';
/** Annotation with the owning Application's `namespace/name` (label values are limited to 63 characters). */
export const TRACKING_ANNOTATION = 'meridian.dev/tracking-id';

/** The tracking label value of an Application: its name, or a hash when too long for a label. */
export function trackingValue(appName: string): string {
  return appName.length <= 63 ? appName : `h-${createHash('sha256').update(appName).digest('hex').slice(0, 40)}`;
}

/**
 * Prepares rendered objects for one Application in one member: namespaced objects without a
 * namespace get the destination namespace (scope from the member's discovery, or from a CRD in the
 * same render), and every object gets the tracking label and annotation. Nothing else is changed.
 */
export async function prepareObjects(rendered: KubeObject[], member: KubeClient, app: { name: string; namespace: string }, defaultNamespace?: string): Promise<KubeObject[]> {
  const crdScopes = new Map<string, boolean>();
  for (const o of rendered) {
    if (o.kind !== 'CustomResourceDefinition') continue;
    const spec = o.spec as { group?: string; names?: { kind?: string }; scope?: string } | undefined;
    crdScopes.set(`${spec?.group}/${spec?.names?.kind}`, spec?.scope === 'Namespaced');
  }
  const seen = new Set<string>();
  const out: KubeObject[] = [];
  for (const o of rendered) {
    const namespaced = await isNamespaced(o, member, crdScopes);
    const metadata = { ...(o.metadata ?? {}) };
    if (namespaced && !metadata.namespace) {
      if (!defaultNamespace) throw new Error(`${o.kind} ${metadata.name}: has no namespace and the Application has no spec.destination.namespace`);
      metadata.namespace = defaultNamespace;
    }
    if (!namespaced) delete metadata.namespace;
    metadata.labels = { ...(metadata.labels ?? {}), [TRACKING_LABEL]: trackingValue(app.name) };
    metadata.annotations = { ...(metadata.annotations ?? {}), [TRACKING_ANNOTATION]: `${app.namespace}/${app.name}` };
    const key = `${o.apiVersion}/${o.kind}/${metadata.namespace ?? ''}/${metadata.name}`;
    if (seen.has(key)) throw new Error(`${o.kind} ${metadata.namespace ? `${metadata.namespace}/` : ''}${metadata.name}: rendered twice`);
    seen.add(key);
    out.push(defaultPortProtocols({ ...o, metadata }));
  }
  return out;
}

type Port = { protocol?: string };
const withTcp = (ports: unknown) => (Array.isArray(ports) ? ports.map((p: Port) => (p && typeof p === 'object' && !p.protocol ? { ...p, protocol: 'TCP' } : p)) : ports);

/**
 * Fills `protocol: TCP` in Service and container ports that omit it. Server-side apply on Kubernetes
 * 1.20 rejects such ports (protocol is part of the list's merge key and had no default there); TCP is
 * the API's own default, so the stored object is the same.
 */
export function defaultPortProtocols(o: KubeObject): KubeObject {
  const spec = o.spec as Record<string, unknown> | undefined;
  if (!spec || typeof spec !== 'object') return o;
  if (o.kind === 'Service' && Array.isArray(spec.ports)) return { ...o, spec: { ...spec, ports: withTcp(spec.ports) } };
  const podSpec = (o.kind === 'Pod' ? spec : ((spec.template as Record<string, unknown> | undefined)?.spec ?? (spec.jobTemplate as { spec?: { template?: { spec?: unknown } } } | undefined)?.spec?.template?.spec)) as Record<string, unknown> | undefined;
  if (!podSpec || typeof podSpec !== 'object') return o;
  const fix = (list: unknown) => (Array.isArray(list) ? list.map((c: Record<string, unknown>) => (c && Array.isArray(c.ports) ? { ...c, ports: withTcp(c.ports) } : c)) : list);
  const clone = structuredClone(o);
  const target = (clone.kind === 'Pod' ? clone.spec : ((clone.spec as Record<string, unknown>).template as Record<string, unknown> | undefined)?.spec
    ?? ((clone.spec as { jobTemplate?: { spec?: { template?: { spec?: unknown } } } }).jobTemplate?.spec?.template?.spec)) as Record<string, unknown>;
  target.containers = fix(target.containers);
  if (target.initContainers) target.initContainers = fix(target.initContainers);
  return clone;
}

async function isNamespaced(o: KubeObject, member: KubeClient, crdScopes: Map<string, boolean>): Promise<boolean> {
  const group = (o.apiVersion ?? '').includes('/') ? (o.apiVersion ?? '').split('/')[0] : '';
  const fromCrd = crdScopes.get(`${group}/${o.kind}`);
  if (fromCrd !== undefined && !(await member.discovery.has(o.apiVersion ?? '', o.kind ?? '').catch(() => false))) return fromCrd;
  return (await member.discovery.resource(o.apiVersion ?? '', o.kind ?? '')).namespaced;
}
