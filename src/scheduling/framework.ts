import { FILTER_PLUGINS, SCORE_PLUGINS, pickPlugins } from './plugins/registry.js';
import type { Candidate, FilterPlugin, PodInfo, ScorePlugin } from './plugins/types.js';

/** The outcome of placing one pod. */
export interface Placement {
  /** The chosen candidate, or undefined when none fits. */
  chosen?: Candidate;
  /** Total score of each feasible candidate. */
  scores: Map<string, number>;
  /** Why each rejected candidate was rejected: `plugin: reason`. */
  rejected: Map<string, string[]>;
  /** Plugin errors (not the pod's fault): the pod is retried. */
  errors: string[];
}

/** The plugin sets the scheduler runs (all registered plugins unless named). */
export interface Profile {
  filters: FilterPlugin[];
  scores: ScorePlugin[];
}

/** A profile from plugin names; undefined means every registered plugin. */
export function profile(filterNames?: string[], scoreNames?: string[]): Profile {
  return { filters: pickPlugins(FILTER_PLUGINS, filterNames, 'filter'), scores: pickPlugins(SCORE_PLUGINS, scoreNames, 'score') };
}

/**
 * Places a pod: every filter on every candidate, then the weighted scores of those that pass,
 * highest total wins (ties: candidate name, so the choice is deterministic).
 */
export function place(pod: PodInfo, candidates: readonly Candidate[], plugins: Profile = profile()): Placement {
  const rejected = new Map<string, string[]>();
  const errors: string[] = [];
  const feasible: Candidate[] = [];
  for (const c of candidates) {
    const reasons: string[] = [];
    for (const f of plugins.filters) {
      const s = f.filter(pod, c);
      if (s.code === 'Unschedulable') reasons.push(...s.reasons.map((r) => `${f.name}: ${r}`));
      else if (s.code === 'Error') errors.push(...s.reasons.map((r) => `${c.name}: ${f.name}: ${r}`));
    }
    if (reasons.length) rejected.set(c.name, reasons);
    else feasible.push(c);
  }
  const scores = new Map<string, number>();
  for (const c of feasible) {
    let total = 0;
    for (const s of plugins.scores) total += s.weight * Math.max(0, Math.min(100, s.score(pod, c, feasible)));
    scores.set(c.name, total);
  }
  const chosen = errors.length ? undefined : [...feasible].sort((a, b) => (scores.get(b.name) ?? 0) - (scores.get(a.name) ?? 0) || a.name.localeCompare(b.name))[0];
  return { chosen, scores, rejected, errors };
}

/** The message of a pod no candidate fits, like kube-scheduler's: `0/3 nodes are available: ...`. */
export function unschedulableMessage(placement: Placement, total: number): string {
  const parts = [...placement.rejected].map(([name, reasons]) => `${name}: ${reasons.join(', ')}`);
  return `0/${total} nodes are available${parts.length ? `: ${parts.join('; ')}` : ' (no physical node and no virtual node for a peer or target)'}`;
}
