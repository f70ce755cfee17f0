import type { V1NodeSelectorTerm, V1Toleration } from '@kubernetes/client-node';
import type { NamespaceOffloading } from '../api/offloading.js';
import type { Pod } from './kinds.js';
import {
  ADMIRALTY_PROVIDER_KEY, ELECT_ANNOTATION, LIQO_TYPE_LABEL, PROXY_SCHEDULER_NAME, SOURCE_POD_MANIFEST_ANNOTATION, VIRTUAL_NODE_TAINT, VIRTUAL_NODE_TYPE,
} from './labels.js';

/** One RFC 6902 operation. */
export interface PatchOp {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value?: unknown;
}

const OFFLOAD_TOLERATION: V1Toleration = { key: VIRTUAL_NODE_TAINT.key, operator: 'Exists', effect: VIRTUAL_NODE_TAINT.effect };
const ADMIRALTY_TOLERATION: V1Toleration = { key: ADMIRALTY_PROVIDER_KEY, operator: 'Equal', value: 'admiralty', effect: 'NoSchedule' };

function withTolerations(pod: Pod, extra: V1Toleration[]): V1Toleration[] {
  const current = pod.spec?.tolerations ?? [];
  return [...current, ...extra.filter((t) => !current.some((c) => c.key === t.key && c.effect === t.effect))];
}

/**
 * Admiralty's proxy-pod mutation for an elected pod: the `admiralty-proxy` scheduler name (so
 * Meridian's multi-cluster scheduler places it, not kube-scheduler), tolerations for the virtual
 * node taints, and the pod as written in `multicluster.admiralty.io/sourcepod-manifest`. A pod
 * without the annotation is left alone.
 */
export function electPatch(pod: Pod): PatchOp[] {
  if (!Object.hasOwn(pod.metadata?.annotations ?? {}, ELECT_ANNOTATION)) return [];
  const manifest = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { ...pod.metadata, annotations: { ...pod.metadata?.annotations } }, spec: pod.spec });
  return [
    { op: 'add', path: '/metadata/annotations', value: { ...pod.metadata?.annotations, [SOURCE_POD_MANIFEST_ANNOTATION]: manifest } },
    { op: 'add', path: '/spec/schedulerName', value: PROXY_SCHEDULER_NAME },
    { op: 'add', path: '/spec/tolerations', value: withTolerations(pod, [OFFLOAD_TOLERATION, ADMIRALTY_TOLERATION]) },
  ];
}

/** ANDs two sets of ORed node selector terms (cross product). */
export function andTerms(a: V1NodeSelectorTerm[] | undefined, b: V1NodeSelectorTerm[]): V1NodeSelectorTerm[] {
  if (!a?.length) return b;
  return a.flatMap((x) => b.map((y) => ({ matchExpressions: [...(x.matchExpressions ?? []), ...(y.matchExpressions ?? [])] })));
}

/**
 * Liqo's mutation of a pod in an offloaded namespace, per podOffloadingStrategy: Local leaves it
 * at home; LocalAndRemote tolerates the virtual-node taint (and, with a clusterSelector, allows
 * home nodes or the selected virtual nodes); Remote requires a virtual node (selected ones if a
 * clusterSelector is given). The pod's own required node affinity is ANDed with ours.
 */
export function offloadPatch(pod: Pod, offloading: NamespaceOffloading | undefined): PatchOp[] {
  const strategy = offloading?.spec.podOffloadingStrategy ?? 'LocalAndRemote';
  if (!offloading || strategy === 'Local' || pod.spec?.schedulerName === PROXY_SCHEDULER_NAME) return [];
  const ops: PatchOp[] = [{ op: 'add', path: '/spec/tolerations', value: withTolerations(pod, [OFFLOAD_TOLERATION]) }];
  const selected = (offloading.spec.clusterSelector?.nodeSelectorTerms ?? []).filter((t) => (t.matchExpressions ?? []).length > 0) as V1NodeSelectorTerm[];
  const virtualOnly = { matchExpressions: [{ key: LIQO_TYPE_LABEL, operator: 'In', values: [VIRTUAL_NODE_TYPE] }] };
  let ours: V1NodeSelectorTerm[] | undefined;
  if (strategy === 'Remote') ours = selected.length ? andTerms([virtualOnly], selected) : [virtualOnly];
  else if (selected.length) ours = [{ matchExpressions: [{ key: LIQO_TYPE_LABEL, operator: 'DoesNotExist' }] }, ...andTerms([virtualOnly], selected)];
  if (ours) {
    const affinity = pod.spec?.affinity ?? {};
    const required = affinity.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
    const nodeAffinity = { ...affinity.nodeAffinity, requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: andTerms(required, ours) } };
    ops.push({ op: 'add', path: '/spec/affinity', value: { ...affinity, nodeAffinity } });
  }
  return ops;
}
