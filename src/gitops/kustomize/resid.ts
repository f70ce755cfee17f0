// Resource identity as kustomize defines it: group/version/kind, name and namespace, where an
// empty namespace means "default" and cluster-scoped kinds have no namespace at all.
import type { Selector } from './kustomization.js';

/** Group, version and kind. */
export interface Gvk { group: string; version: string; kind: string }
/** A resource's identity. */
export interface ResId extends Gvk { name: string; namespace: string }

// Cluster-scoped kinds by API group, as kustomize looks them up in its built-in schema (by group,
// version and kind): a `Namespace` of another group (a CRD) is namespaced.
const CLUSTER_SCOPED_GROUPS: Record<string, string[]> = {
  '': ['Namespace', 'Node', 'PersistentVolume', 'ComponentStatus'],
  'storage.k8s.io': ['StorageClass', 'CSIDriver', 'CSINode', 'VolumeAttachment', 'VolumeAttributesClass'],
  'rbac.authorization.k8s.io': ['ClusterRole', 'ClusterRoleBinding'],
  'apiextensions.k8s.io': ['CustomResourceDefinition'],
  'apiregistration.k8s.io': ['APIService'],
  'admissionregistration.k8s.io': ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ValidatingAdmissionPolicy',
    'ValidatingAdmissionPolicyBinding', 'MutatingAdmissionPolicy', 'MutatingAdmissionPolicyBinding'],
  'scheduling.k8s.io': ['PriorityClass'],
  'node.k8s.io': ['RuntimeClass'],
  policy: ['PodSecurityPolicy'],
  extensions: ['PodSecurityPolicy'],
  'certificates.k8s.io': ['CertificateSigningRequest', 'ClusterTrustBundle'],
  'networking.k8s.io': ['IngressClass', 'IPAddress', 'ServiceCIDR'],
  'flowcontrol.apiserver.k8s.io': ['FlowSchema', 'PriorityLevelConfiguration'],
  'internal.apiserver.k8s.io': ['StorageVersion'],
  'authentication.k8s.io': ['TokenReview', 'SelfSubjectReview'],
  'authorization.k8s.io': ['SubjectAccessReview', 'SelfSubjectAccessReview', 'SelfSubjectRulesReview'],
  'resource.k8s.io': ['DeviceClass', 'ResourceSlice'],
};
const CLUSTER_SCOPED = new Set(Object.entries(CLUSTER_SCOPED_GROUPS).flatMap(([g, kinds]) => kinds.map((k) => `${g}/${k}`)));

/** The group and version of an apiVersion string. */
export function parseApiVersion(apiVersion: string): { readonly group: string; readonly version: string } {
  let gv = PARSED_API_VERSIONS.get(apiVersion);
  if (!gv) {
    const i = apiVersion.indexOf('/');
    gv = Object.freeze(i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) });
    // Ids are taken many times per resource and render; a handful of apiVersions recur.
    if (PARSED_API_VERSIONS.size < 4096) PARSED_API_VERSIONS.set(apiVersion, gv);
  }
  return gv;
}

const PARSED_API_VERSIONS = new Map<string, { readonly group: string; readonly version: string }>();

/** True for the built-in kinds Kubernetes serves without a namespace. */
export function isClusterScoped(gvk: Gvk): boolean {
  return CLUSTER_SCOPED.has(`${gvk.group}/${gvk.kind}`);
}

/** The namespace kustomize compares: "default" when empty, a marker for cluster-scoped kinds. */
export function effectiveNamespace(id: ResId): string {
  if (isClusterScoped(id)) return '_non_namespaceable_';
  return id.namespace === '' ? 'default' : id.namespace;
}

/** Same kind, name and (effective) namespace. */
export function idEquals(a: ResId, b: ResId): boolean {
  return a.group === b.group && a.version === b.version && a.kind === b.kind && a.name === b.name &&
    effectiveNamespace(a) === effectiveNamespace(b);
}

/** kustomize's text form of an id: `Kind.version.group/name.namespace`. */
export function idString(id: ResId): string {
  return `${id.kind || '[noKind]'}.${id.version || '[noVer]'}.${id.group || '[noGrp]'}/${id.name || '[noName]'}.${id.namespace || '[noNs]'}`;
}

/** True when every non-empty field of the selector equals the gvk's. */
export function gvkSelected(gvk: Gvk, sel: Partial<Gvk> | undefined): boolean {
  if (!sel) return true;
  return (!sel.group || sel.group === gvk.group) && (!sel.version || sel.version === gvk.version) && (!sel.kind || sel.kind === gvk.kind);
}

/** The gvk part of a selector. */
export function selectorGvk(s: Selector): Partial<Gvk> {
  return { group: s.group, version: s.version, kind: s.kind };
}
