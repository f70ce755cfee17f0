import type { V1Taint, V1Toleration } from '@kubernetes/client-node';
import { SUCCESS, unschedulable, type FilterPlugin } from './types.js';

/** True when the toleration tolerates the taint (the rules of core/v1 Toleration.ToleratesTaint). */
export function tolerates(t: V1Toleration, taint: V1Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (!t.key) return t.operator === 'Exists';
  if (t.key !== taint.key) return false;
  return t.operator === 'Exists' || (t.value ?? '') === (taint.value ?? '');
}

/** Filter: every NoSchedule / NoExecute taint of the candidate is tolerated by the pod. */
export const taintToleration: FilterPlugin = {
  name: 'TaintToleration',
  filter({ pod }, c) {
    const tolerations = pod.spec?.tolerations ?? [];
    const untolerated = c.taints.filter((taint) => taint.effect !== 'PreferNoSchedule' && !tolerations.some((t) => tolerates(t, taint)));
    if (untolerated.length === 0) return SUCCESS;
    return unschedulable(...untolerated.map((t) => `untolerated taint ${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`));
  },
};
