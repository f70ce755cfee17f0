import { clusterReady } from './filter-ready.js';
import { fitResources } from './filter-resources.js';
import { nodeAffinity } from './filter-affinity.js';
import { taintToleration } from './filter-taints.js';
import { freeCapacity, localFirst, spread } from './scores.js';
import type { FilterPlugin, ScorePlugin } from './types.js';

/** Filter plugins by name, in the order they run. One line each. */
export const FILTER_PLUGINS: Record<string, FilterPlugin> = {
  ClusterReady: clusterReady,
  TaintToleration: taintToleration,
  NodeAffinity: nodeAffinity,
  NodeResourcesFit: fitResources,
};

/** Score plugins by name. One line each. */
export const SCORE_PLUGINS: Record<string, ScorePlugin> = {
  LocalFirst: localFirst,
  FreeCapacity: freeCapacity,
  Spread: spread,
};

/** Picks plugins by name; an unknown name is an error that names it. */
export function pickPlugins<T>(table: Record<string, T>, names: string[] | undefined, what: string): T[] {
  if (!names) return Object.values(table);
  return names.map((n) => {
    if (!Object.hasOwn(table, n)) throw new Error(`scheduling: unknown ${what} plugin "${n}" (known: ${Object.keys(table).join(', ')})`);
    return table[n];
  });
}
