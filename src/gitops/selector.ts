import type { LabelSelector } from '../api/common.js';

/** One label requirement (matchExpressions element). */
export interface Requirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

/** True when the labels satisfy one requirement. */
export function matchesRequirement(labels: Record<string, string>, r: Requirement): boolean {
  const has = Object.hasOwn(labels, r.key);
  switch (r.operator) {
    case 'In': return has && (r.values ?? []).includes(labels[r.key]);
    case 'NotIn': return !has || !(r.values ?? []).includes(labels[r.key]);
    case 'Exists': return has;
    case 'DoesNotExist': return !has;
    default: throw new Error(`matchExpressions: unknown operator "${String((r as { operator: unknown }).operator)}" for key "${r.key}"`);
  }
}

/** True when the labels satisfy a label selector; an empty selector matches everything. */
export function matchesSelector(labels: Record<string, string>, selector: LabelSelector | undefined): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  return (selector.matchExpressions ?? []).every((r) => matchesRequirement(labels, r));
}
