// Output order: kustomize's legacy order by default (Namespace first, webhooks last, then by
// group/version/kind and namespace/name), or input order with `sortOptions: {order: fifo}`.
import type { Kustomization } from './kustomization.js';
import type { ResId } from './resid.js';
import type { Resource } from './resource.js';

const ORDER_FIRST = [
  'Namespace', 'ResourceQuota', 'StorageClass', 'CustomResourceDefinition', 'ServiceAccount', 'PodSecurityPolicy', 'Role',
  'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'ConfigMap', 'Secret', 'Endpoints', 'Service', 'LimitRange',
  'PriorityClass', 'PersistentVolume', 'PersistentVolumeClaim', 'Deployment', 'StatefulSet', 'CronJob', 'PodDisruptionBudget',
];
const ORDER_LAST = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];

function gvkString(id: ResId): string {
  return `${id.group || '~G'}_${id.version || '~V'}_${id.kind || '~K'}`;
}

function idString(id: ResId): string {
  return `${id.kind || '~K'}.${id.version || '~V'}.${id.group || '~G'}|${id.namespace || '~X'}|${id.name || '~N'}`;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorts resources as a build's sortOptions ask. */
export function sortResources(list: Resource[], k: Kustomization): Resource[] {
  if (k.sortOptions?.order === 'fifo') return list;
  const first = k.sortOptions?.legacySortOptions?.orderFirst ?? ORDER_FIRST;
  const last = k.sortOptions?.legacySortOptions?.orderLast ?? ORDER_LAST;
  const rank = new Map<string, number>();
  first.forEach((kind, i) => rank.set(kind, -first.length + i));
  last.forEach((kind, i) => rank.set(kind, 1 + i));
  const ids = new Map(list.map((r) => [r, r.curId()]));
  return [...list].sort((ra, rb) => {
    const a = ids.get(ra) as ResId, b = ids.get(rb) as ResId;
    if (gvkString(a) !== gvkString(b)) {
      const ia = rank.get(a.kind) ?? 0, ib = rank.get(b.kind) ?? 0;
      if (ia !== ib) return ia - ib;
      if (a.kind === 'Namespace' && b.kind === 'Namespace' && (a.group === '' || b.group === '')) return -cmp(gvkString(a), gvkString(b));
      return cmp(gvkString(a), gvkString(b));
    }
    return cmp(idString(a), idString(b));
  });
}
