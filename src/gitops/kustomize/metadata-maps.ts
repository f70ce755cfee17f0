// labels, commonLabels and commonAnnotations: set string entries in every map the field specs
// name (metadata, selectors, pod templates), creating the maps where the spec says so.
import { fieldError } from './errors.js';
import { visitFieldSpec } from './fieldspec.js';
import type { FieldSpec } from './kustomization.js';
import type { ResMap } from './resmap.js';
import { isObj } from './values.js';
import { setOwn } from './own.js';

/** Sets every entry of `pairs` at every place `specs` name. */
export function applyMapEntries(m: ResMap, pairs: Record<string, string>, specs: FieldSpec[], file: string, field: string): void {
  const entries = Object.entries(pairs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length === 0) return;
  for (const r of m.list) {
    const gvk = r.gvk();
    for (const fs of specs) {
      visitFieldSpec(r.obj, gvk, fs, 'map', (parent, key) => {
        if (parent[key] === null || parent[key] === undefined) setOwn(parent, key, {});
        const target = parent[key];
        if (!isObj(target)) throw fieldError(file, field, `"${fs.path}" in ${r.kind} ${r.name} is not a mapping`);
        for (const [k, v] of entries) setOwn(target, k, v ?? '');
      });
    }
  }
}
