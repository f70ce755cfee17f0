// namePrefix and nameSuffix: rename every resource the field specs select (not CRDs, APIServices
// or Namespaces), remembering the previous id so references can be fixed at the end.
import { visitFieldSpec } from './fieldspec.js';
import { gvkSelected } from './resid.js';
import type { ResMap } from './resmap.js';
import type { FieldSpec } from './kustomization.js';
import { setOwn } from './own.js';

const SKIP = [{ kind: 'CustomResourceDefinition' }, { group: 'apiregistration.k8s.io', kind: 'APIService' }, { kind: 'Namespace' }];

/** Adds a prefix or suffix to names. */
export function applyNameAffix(m: ResMap, affix: string, specs: FieldSpec[], where: 'prefix' | 'suffix'): void {
  for (const r of m.list) {
    const org = r.orgId();
    if (SKIP.some((s) => gvkSelected(org, s))) continue;
    for (const fs of specs) {
      if (!gvkSelected(org, fs)) continue;
      if (fs.path === 'metadata/name') {
        if (where === 'prefix') r.prefixes.push(affix);
        else r.suffixes.push(affix);
        if (affix) r.storePreviousId();
      }
      visitFieldSpec(r.obj, r.gvk(), fs, 'none', (parent, key) => {
        const v = parent[key];
        if (typeof v !== 'string') return;
        setOwn(parent, key, where === 'prefix' ? affix + v : v + affix);
      });
    }
  }
}
