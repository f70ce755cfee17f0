// Deprecated vars: `$(NAME)` in the varReference fields (container command/args/env, Ingress
// hosts...) is replaced, at the end of the build, by a field of the object the var names.
// `$$(NAME)` escapes; references to unknown vars stay as written.
import { KustomizeError, fieldError } from './errors.js';
import { findSlots, slotValue, splitFieldPath } from './field-path.js';
import { visitFieldSpec } from './fieldspec.js';
import type { FieldSpec, VarSpec } from './kustomization.js';
import { effectiveNamespace, gvkSelected, parseApiVersion } from './resid.js';
import type { ResMap } from './resmap.js';
import type { Resource } from './resource.js';
import { deepEqual, isObj, type Value } from './values.js';
import { setOwn } from './own.js';

/** Adds vars, refusing two different definitions of one name. */
export function mergeVars(into: VarSpec[], add: VarSpec[], file: string): VarSpec[] {
  const out = [...into];
  for (const v of add) {
    const same = out.find((x) => x.name === v.name);
    if (same && !deepEqual(same as unknown as Value, v as unknown as Value)) throw fieldError(file, 'vars', `var "${v.name}" already defined`);
    if (!same) out.push(v);
  }
  return out;
}

/**
 * Binds each of a kustomization's own vars to the one resource its objref matches in that
 * kustomization's accumulation (kustomize's MergeVars): vars are scoped, so a same-named object
 * added later by an including kustomization does not make the var ambiguous.
 */
export function bindVars(m: ResMap, vars: VarSpec[], file: string): void {
  for (const v of vars) {
    if (m.list.some((r) => r.refVarNames.includes(v.name))) continue;
    const hits = matching(m, v);
    if (hits.length > 1) throw fieldError(file, 'vars', `var "${v.name}": found several ${v.objref.kind} ${v.objref.name}`);
    if (hits.length === 1) hits[0].refVarNames.push(v.name);
  }
}

function matching(m: ResMap, v: VarSpec): Resource[] {
  const ref = v.objref;
  const gv = ref.apiVersion ? parseApiVersion(ref.apiVersion) : { group: ref.group ?? '', version: ref.version ?? '' };
  const sel = { kind: ref.kind, group: gv.group || undefined, version: gv.version || undefined };
  return m.list.filter((r) => r.allIds().some((id) => id.name === ref.name && gvkSelected(id, sel) &&
    (!ref.namespace || effectiveNamespace({ ...id, namespace: ref.namespace }) === effectiveNamespace(id))));
}

function varValue(m: ResMap, v: VarSpec): Value {
  const bound = m.list.filter((r) => r.refVarNames.includes(v.name));
  if (bound.length === 1) return fieldValue(bound[0], v);
  const ref = v.objref;
  const hits = matching(m, v);
  if (hits.length !== 1) throw new KustomizeError('', `var "${v.name}": ${hits.length === 0 ? 'cannot find' : 'found several'} ${ref.kind} ${ref.name}`);
  return fieldValue(hits[0], v);
}

function fieldValue(r: Resource, v: VarSpec): Value {
  const path = v.fieldref?.fieldPath || 'metadata.name';
  const slot = findSlots(r.obj, splitFieldPath(path.replace(/\[(\d+)\]/g, '.$1')), false)[0];
  const value = slot ? slotValue(slot) : undefined;
  if (value === undefined || isObj(value) || Array.isArray(value)) throw new KustomizeError('', `var "${v.name}": field "${path}" is not a scalar`);
  return value;
}

function expand(s: string, values: Map<string, Value>): Value {
  const whole = /^\$\(([^)]+)\)$/.exec(s);
  if (whole && values.has(whole[1])) return values.get(whole[1]) as Value;
  return s.replace(/\$\$|\$\(([^)$]*)\)/g, (match, name: string | undefined) => {
    if (match === '$$') return '$';
    return name !== undefined && values.has(name) ? String(values.get(name)) : match;
  });
}

function expandIn(v: Value, values: Map<string, Value>): Value {
  if (typeof v === 'string') return expand(v, values);
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? expand(x, values) : x));
  if (isObj(v)) {
    for (const [k, x] of Object.entries(v)) if (typeof x === 'string') v[k] = expand(x, values);
  }
  return v;
}

/** Resolves vars into the varReference fields of every resource. */
export function resolveVars(m: ResMap, vars: VarSpec[], specs: FieldSpec[]): void {
  if (vars.length === 0) return;
  const values = new Map<string, Value>();
  for (const v of vars) values.set(v.name, varValue(m, v));
  for (const r of m.list) {
    for (const fs of specs) visitFieldSpec(r.obj, r.gvk(), { ...fs, create: false }, 'none', (parent, key) => {
      setOwn(parent, key, expandIn(parent[key], values));
    });
  }
}
