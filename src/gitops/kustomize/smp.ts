// Strategic merge as kyaml's merge2 does it (kustomize's patchesStrategicMerge and SMP `patches`):
// maps merge field by field, null deletes, `$patch: delete|replace` act on maps and list items,
// lists the schema marks as merging are merged by key with the patch's items first, and every
// other list is replaced. The destination is modified in place.
import { type SchemaType } from './merge-schema.js';
import { clone, isObj, type Obj, type Value } from './values.js';
import { getOwn, hasOwn, setOwn } from './own.js';

/** The marker for "this node was deleted". */
const DELETED = Symbol('deleted');
type Merged = Value | typeof DELETED;

function directive(v: Value | undefined): string | undefined {
  return isObj(v) && typeof v.$patch === 'string' ? v.$patch : undefined;
}

function withoutDirectives(v: Value): Value {
  if (Array.isArray(v)) return v.filter((x) => directive(x) === undefined).map(withoutDirectives);
  if (!isObj(v)) return v;
  const out: Obj = {};
  // merge2 knows only `$patch`; `$retainKeys` and `$setElementOrder/...` stay as plain fields.
  for (const [k, x] of Object.entries(v)) if (k !== '$patch') setOwn(out, k, withoutDirectives(x));
  return out;
}

/** Merges `patch` into `dest` (either may be undefined); returns the result or DELETED. */
function mergeNode(dest: Value | undefined, patch: Value | undefined, schema: SchemaType | undefined): Merged | undefined {
  if (patch === undefined) return dest;
  if (isObj(patch)) {
    const d = directive(patch);
    if (d === 'delete') return DELETED;
    if (d === 'replace') return withoutDirectives(patch);
    if (!isObj(dest)) return mergeMap({}, patch, schema);
    return mergeMap(dest, patch, schema);
  }
  if (Array.isArray(patch)) {
    // merge2 takes the patch list itself as the destination when there is none (VisitList).
    if (!Array.isArray(dest)) return mergeList(patch, patch, schema);
    return mergeList(dest, patch, schema);
  }
  return patch;
}

function mergeMap(dest: Obj, patch: Obj, schema: SchemaType | undefined): Obj {
  for (const [k, pv] of Object.entries(patch)) {
    if (k === '$patch') continue;
    if (pv === null) {
      delete dest[k];
      continue;
    }
    const merged = mergeNode(getOwn(dest, k), pv, schema?.field(k));
    if (merged === DELETED || merged === undefined) delete dest[k];
    else setOwn(dest, k, merged);
  }
  return dest;
}

function mergeList(dest: Value[], patch: Value[], schema: SchemaType | undefined): Value[] {
  if (patch.some((x) => directive(x) === 'replace')) return withoutDirectives(patch) as Value[];
  if (schema?.mergeKeys === undefined) return withoutDirectives(patch) as Value[];
  if (schema.mergeKeys.length === 0) return mergePrimitives(dest, patch);
  return mergeAssociative(dest, patch, schema.mergeKeys, schema.elements());
}

function mergePrimitives(dest: Value[], patch: Value[]): Value[] {
  const out: Value[] = [];
  const seen = new Set<string>();
  for (const v of [...patch, ...dest]) {
    const key = JSON.stringify(v);
    if (!seen.has(key)) out.push(v);
    seen.add(key);
  }
  return out;
}

function scalarText(v: Value | undefined): string {
  if (v === undefined || v === null || isObj(v) || Array.isArray(v)) return '';
  return String(v);
}

function valuesOf(elem: Value, keys: string[]): string[] {
  return keys.map((k) => (isObj(elem) ? scalarText(elem[k]) : ''));
}

function matches(elem: Value, keys: string[], values: string[]): boolean {
  if (!isObj(elem)) return false;
  for (let j = 0; j < keys.length && j < values.length; j++) {
    if (!hasOwn(elem, keys[j]) || elem[keys[j]] === null || scalarText(elem[keys[j]]) !== values[j]) return false;
  }
  return true;
}

/** kyaml's FieldMatcher as ElementSetter uses it: an empty value matches any value of the key. */
function setterMatches(elem: Obj, keys: string[], values: string[]): boolean {
  if (values.length === 0) return false;
  for (let j = 0; j < keys.length && j < values.length; j++) {
    if (!hasOwn(elem, keys[j])) return false;
    if (values[j] !== '' && scalarText(elem[keys[j]]) !== values[j]) return false;
  }
  return true;
}

/** kyaml's ElementSetter: replace (or with no element, remove) the items matching the keys. */
function setElement(list: Value[], elem: Value | undefined, keys: string[], values: string[]): Value[] {
  const out: Value[] = [];
  let found = false;
  for (const e of list) {
    if (e === null || (isObj(e) && Object.keys(e).length === 0)) continue;
    if (!isObj(e)) {
      out.push(e);
      continue;
    }
    if (!setterMatches(e, keys, values)) {
      if (values.length > 0) out.push(e);
      continue;
    }
    found = true;
    if (elem !== undefined) out.push(elem);
  }
  if (elem !== undefined && !found) out.push(elem);
  return out;
}

function mergeValues(list: string[][]): string[][] {
  for (let i = 0; i < list.length; i++) {
    for (let j = 0; j < list.length; j++) {
      const m = matchValues(list[i], list[j]);
      if (m) list[i] = list[j] = m;
    }
  }
  return list;
}

function matchValues(a: string[], b: string[]): string[] | undefined {
  let common = false;
  const res: string[] = [];
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) { common = true; res.push(a[i]); continue; }
    if (a[i] !== '' && b[i] !== '') return undefined;
    res.push(a[i] !== '' ? a[i] : b[i]);
  }
  return common ? res : undefined;
}

function validateKeys(all: string[][], values: string[], keys: string[]): [string[], string[]] {
  const valid = new Set<string>();
  for (const vs of all) vs.forEach((v, i) => { if (v !== '') valid.add(keys[i]); });
  if (valid.size === 0) return [keys, values];
  return [keys.filter((k) => valid.has(k)), values.filter((v, i) => v !== '' || valid.has(keys[i]))];
}

function mergeAssociative(dest: Value[], patch: Value[], keys: string[], items: SchemaType | undefined): Value[] {
  const seen = new Set<string>();
  let valuesList: string[][] = [];
  for (const elem of [...patch, ...dest]) {
    const vs = valuesOf(elem, keys);
    const id = JSON.stringify(vs);
    if (!seen.has(id)) valuesList.push(vs);
    seen.add(id);
  }
  if (keys.length > 1) valuesList = mergeValues(valuesList);
  let added: Value[] = [];
  let validKeys = keys;
  let work = dest;
  const alias = dest === patch;
  for (const values of valuesList) {
    const [vk, vv] = validateKeys(valuesList, values, keys);
    validKeys = vk;
    // kyaml looks the element up by the keys this item has a value for (elementValueList), so a
    // patch port without `protocol` still finds its own item.
    const [fk, fv] = validateKeys([vv], vv, vk);
    const d = work.find((e) => matches(e, fk, fv));
    const p = patch.find((e) => matches(e, fk, fv));
    const merged = p === undefined ? d : mergeNode(d, clone(p), items);
    if (merged === undefined || merged === DELETED || merged === null || (isObj(merged) && Object.keys(merged).length === 0)) {
      work = setElement(work, undefined, vk, vv);
      if (alias) patch = work;
      continue;
    }
    if (isObj(merged)) vk.forEach((k, i) => { if (!(k in merged) && vv[i] !== '') merged[k] = vv[i]; });
    added = setElement(added, merged, vk, vv);
  }
  for (const elem of work) {
    const vs: string[] = [];
    for (const k of validKeys) {
      if (!isObj(elem) || elem[k] === undefined || elem[k] === null) added.push(elem);
      else vs.push(scalarText(elem[k]));
    }
    if (validKeys.length > 1) added = setElement(added, undefined, validKeys, vs);
    added = setElement(added, elem, validKeys, vs);
  }
  return added;
}

/** Applies a strategic merge patch to an object; returns undefined when the patch deletes it. */
export function strategicMerge(dest: Obj, patch: Obj, schema: SchemaType | undefined): Obj | undefined {
  const merged = mergeNode(dest, clone(patch), schema);
  return merged === DELETED || !isObj(merged) ? undefined : merged;
}
