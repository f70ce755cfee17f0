// The namespace field: sets metadata.namespace on every namespaced resource, renames Namespace
// objects, updates the service namespaces the field specs name, and the namespace of binding
// subjects named "default" (kustomize's defaultOnly mode). Two resources ending with the same id
// is an error.
import { fieldError } from './errors.js';
import { visitFieldSpec } from './fieldspec.js';
import { idString, isClusterScoped } from './resid.js';
import type { Resource } from './resource.js';
import type { ResMap } from './resmap.js';
import type { TransformerConfig } from './transformer-config.js';
import { isObj } from './values.js';
import { setOwn } from './own.js';

function setSubjects(r: Resource, ns: string): void {
  if (r.kind !== 'RoleBinding' && r.kind !== 'ClusterRoleBinding') return;
  const subjects = r.obj.subjects;
  if (!Array.isArray(subjects)) return;
  for (const s of subjects) if (isObj(s) && s.name === 'default') s.namespace = ns;
}

/** The namespace filter's own part, without field specs: metadata.namespace unless cluster-scoped, and "default" binding subjects. */
export function setResourceNamespace(r: Resource, ns: string): void {
  if (!isClusterScoped(r.gvk())) r.setNamespace(ns);
  setSubjects(r, ns);
}

/** Applies the namespace transformer to every resource. */
export function applyNamespace(m: ResMap, ns: string, cfg: TransformerConfig, file: string): void {
  const specs = cfg.namespace.filter((fs) => fs.path !== 'metadata/namespace');
  for (const r of m.list) {
    r.storePreviousId();
    const gvk = r.gvk();
    setResourceNamespace(r, ns);
    for (const fs of specs) {
      if (fs.path === 'metadata/name' && r.apiVersion !== 'v1') continue;
      if ((r.kind === 'RoleBinding' || r.kind === 'ClusterRoleBinding') && fs.path === 'subjects/namespace') continue;
      visitFieldSpec(r.obj, gvk, fs, 'scalar', (parent, key) => {
        if (isObj(parent[key]) || Array.isArray(parent[key])) throw fieldError(file, 'namespace', `field spec "${fs.path}" must target a scalar`);
        setOwn(parent, key, ns);
      });
    }
    if (m.byCurrentId(r.curId()).length !== 1) {
      throw fieldError(file, 'namespace', `namespace transformation produces ID conflict: several resources become ${idString(r.curId())}`);
    }
  }
}
