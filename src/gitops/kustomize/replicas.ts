// The replicas field: set spec.replicas of the named workloads (matched by any name they have
// had); naming nothing the field specs cover is an error.
import { fieldError } from './errors.js';
import { visitFieldSpec } from './fieldspec.js';
import type { FieldSpec } from './kustomization.js';
import { gvkSelected } from './resid.js';
import type { ResMap } from './resmap.js';
import { setOwn } from './own.js';

/** Applies one replicas entry. */
export function applyReplicas(m: ResMap, name: string, count: number, specs: FieldSpec[], file: string, field: string): void {
  let found = false;
  for (const fs of specs) {
    const hits = m.list.filter((r) => r.allIds().some((id) => id.name === name && gvkSelected(id, fs)));
    for (const r of hits) {
      found = true;
      visitFieldSpec(r.obj, r.gvk(), { ...fs, kind: undefined, group: undefined, version: undefined }, 'scalar', (parent, key) => {
        setOwn(parent, key, count);
      });
    }
  }
  if (!found) throw fieldError(file, field, `no resource named "${name}" matches a replicas field spec`);
}
