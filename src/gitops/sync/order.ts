import type { KubeObject } from '../../kube/types.js';

/** ArgoCD's sync-wave annotation, honoured as written. */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

// Within a wave, kinds go in dependency order (as ArgoCD and Helm order them); unknown kinds last.
const KIND_ORDER = [
  'Namespace', 'CustomResourceDefinition', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodSecurityPolicy', 'PodDisruptionBudget',
  'ServiceAccount', 'Secret', 'SecretList', 'ConfigMap', 'StorageClass', 'PersistentVolume', 'PersistentVolumeClaim',
  'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'Service', 'DaemonSet', 'Pod', 'ReplicationController',
  'ReplicaSet', 'Deployment', 'HorizontalPodAutoscaler', 'StatefulSet', 'Job', 'CronJob', 'IngressClass', 'Ingress', 'APIService',
];

/** The sync wave of an object (annotation, default 0); a malformed value is an error naming the object. */
export function syncWave(obj: KubeObject): number {
  const raw = obj.metadata?.annotations?.[SYNC_WAVE_ANNOTATION];
  if (raw === undefined) return 0;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new Error(`${obj.kind} ${obj.metadata?.name}: annotation ${SYNC_WAVE_ANNOTATION} must be an integer, got "${raw}"`);
  return n;
}

function kindRank(kind: string | undefined): number {
  const i = KIND_ORDER.indexOf(kind ?? '');
  return i < 0 ? KIND_ORDER.length : i;
}

/** A group of objects applied together; the next group starts when this one is applied (and its CRDs established). */
export interface SyncGroup {
  wave: number;
  /** 'bootstrap' for Namespaces and CRDs, which go before every wave. */
  phase: 'bootstrap' | 'wave';
  objects: KubeObject[];
}

/**
 * Orders a sync: Namespaces and CRDs first (so namespaced objects and custom resources can land),
 * then each sync wave in ascending order; inside a group, kinds in dependency order, then by name.
 */
export function planSyncGroups(objects: KubeObject[]): SyncGroup[] {
  const bootstrap = objects.filter((o) => o.kind === 'Namespace' || o.kind === 'CustomResourceDefinition');
  const rest = objects.filter((o) => !bootstrap.includes(o));
  const byWave = new Map<number, KubeObject[]>();
  for (const o of rest) {
    const w = syncWave(o);
    byWave.set(w, [...(byWave.get(w) ?? []), o]);
  }
  const sort = (list: KubeObject[]) => [...list].sort((a, b) => kindRank(a.kind) - kindRank(b.kind) || objectId(a).localeCompare(objectId(b)));
  const groups: SyncGroup[] = [];
  if (bootstrap.length) groups.push({ wave: Math.min(0, ...bootstrap.map(syncWave)), phase: 'bootstrap', objects: sort(bootstrap) });
  for (const w of [...byWave.keys()].sort((a, b) => a - b)) groups.push({ wave: w, phase: 'wave', objects: sort(byWave.get(w) ?? []) });
  return groups;
}

/** `group/Kind/namespace/name`: a resource's identity in an Application. */
export function objectId(o: KubeObject): string {
  const group = (o.apiVersion ?? '').includes('/') ? (o.apiVersion ?? '').split('/')[0] : '';
  return `${group}/${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
}
