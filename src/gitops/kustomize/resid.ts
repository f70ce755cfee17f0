// Resource identity as kustomize defines it: group/version/kind, name and namespace, where an
// empty namespace means "default" and cluster-scoped kinds have no namespace at all.
import type { Selector } from './kustomization.js';

/** Group, version and kind. */
export interface Gvk { group: string; version: string; kind: string }
/** A resource's identity. */
export interface ResId extends Gvk { name: string; namespace: string }

const CLUSTER_SCOPED = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'StorageClass', 'CSIDriver', 'CSINode', 'VolumeAttachment',
  'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'APIService', 'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding',
  'MutatingAdmissionPolicy', 'MutatingAdmissionPolicyBinding', 'PriorityClass', 'RuntimeClass',
  'PodSecurityPolicy', 'CertificateSigningRequest', 'ComponentStatus', 'IngressClass', 'FlowSchema',
  'PriorityLevelConfiguration', 'StorageVersion', 'TokenReview', 'SubjectAccessReview', 'SelfSubjectAccessReview',
  'SelfSubjectRulesReview', 'SelfSubjectReview', 'ClusterTrustBundle', 'VolumeAttributesClass', 'IPAddress',
  'ServiceCIDR', 'DeviceClass', 'ResourceSlice',
]);

/** The group and version of an apiVersion string. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** True for the built-in kinds Kubernetes serves without a namespace. */
export function isClusterScoped(gvk: Gvk): boolean {
  return CLUSTER_SCOPED.has(gvk.kind);
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
