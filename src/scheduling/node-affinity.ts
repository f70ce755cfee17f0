import type { V1NodeSelectorRequirement, V1NodeSelectorTerm } from '@kubernetes/client-node';
import { matchesRequirement, type Requirement } from '../gitops/selector.js';

/** True when node labels satisfy one node selector requirement (label selector rules plus Gt/Lt). */
export function matchesNodeRequirement(labels: Record<string, string>, r: V1NodeSelectorRequirement): boolean {
  if (r.operator === 'Gt' || r.operator === 'Lt') {
    if (!Object.hasOwn(labels, r.key)) return false;
    const have = Number(labels[r.key]);
    const want = Number(r.values?.[0]);
    if (!Number.isInteger(have) || !Number.isInteger(want)) return false;
    return r.operator === 'Gt' ? have > want : have < want;
  }
  return matchesRequirement(labels, r as Requirement);
}

/** True when node labels satisfy any of the terms (terms ORed, requirements ANDed; an empty term matches nothing). */
export function matchesNodeSelectorTerms(labels: Record<string, string>, terms: V1NodeSelectorTerm[]): boolean {
  return terms.some((t) => {
    const reqs = t.matchExpressions ?? [];
    return reqs.length > 0 && reqs.every((r) => matchesNodeRequirement(labels, r));
  });
}

/** Describes a term for a reason message: `region In (eu-west) && ...`. */
export function describeTerms(terms: V1NodeSelectorTerm[]): string {
  return terms.map((t) => (t.matchExpressions ?? []).map((r) => `${r.key} ${r.operator}${r.values?.length ? ` (${r.values.join(',')})` : ''}`).join(' && ')).join(' || ');
}
