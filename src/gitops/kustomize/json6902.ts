// RFC 6902 JSON patches (kustomize's patchesJson6902 and JSON `patches`): add, remove, replace,
// move, copy and test on paths with ~0/~1 escapes; `-` appends to a list. Path tokens are own keys
// only (see own.ts): `/__proto__/x` finds no `__proto__` field and fails as kustomize's does.
// fast-json-patch is not used: it refuses such paths outright and its error texts and edge cases
// (replace of a missing key, `-` outside add) differ from evanphx/json-patch, which kustomize runs.
import { KustomizeError } from './errors.js';
import { getOwn, hasOwn, setOwn } from './own.js';
import { clone, deepEqual, isObj, type Obj, type Value } from './values.js';

/** One operation. */
export interface JsonOp { op: string; path: string; from?: string; value?: Value }

function tokens(pointer: string, file: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new KustomizeError(file, `invalid JSON pointer "${pointer}"`);
  return pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: Value, toks: string[], file: string, pointer: string): Value {
  let cur: Value = doc;
  for (const t of toks.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isObj(cur)) cur = getOwn(cur, t) as Value;
    else cur = undefined as unknown as Value;
    if (cur === undefined || cur === null) throw new KustomizeError(file, `JSON patch path "${pointer}": "${t}" does not exist`);
  }
  return cur;
}

function index(arr: Value[], t: string, forAdd: boolean, file: string, pointer: string): number {
  if (forAdd && t === '-') return arr.length;
  const i = /^(0|[1-9][0-9]*)$/.test(t) ? Number(t) : NaN;
  if (Number.isNaN(i) || i > arr.length || (!forAdd && i === arr.length)) {
    throw new KustomizeError(file, `JSON patch path "${pointer}": index ${t} is out of range`);
  }
  return i;
}

function get(doc: Value, pointer: string, file: string): Value {
  const toks = tokens(pointer, file);
  if (toks.length === 0) return doc;
  const parent = parentOf(doc, toks, file, pointer);
  const last = toks[toks.length - 1];
  const v = Array.isArray(parent) ? parent[index(parent, last, false, file, pointer)] : isObj(parent) ? getOwn(parent, last) : undefined;
  if (v === undefined) throw new KustomizeError(file, `JSON patch path "${pointer}" does not exist`);
  return v;
}

function remove(doc: Value, pointer: string, file: string): Value {
  const toks = tokens(pointer, file);
  const parent = parentOf(doc, toks, file, pointer);
  const last = toks[toks.length - 1];
  if (Array.isArray(parent)) return parent.splice(index(parent, last, false, file, pointer), 1)[0];
  if (!isObj(parent) || !hasOwn(parent, last)) throw new KustomizeError(file, `JSON patch remove: path "${pointer}" does not exist`);
  const v = parent[last];
  delete parent[last];
  return v;
}

function add(doc: Value, pointer: string, value: Value, file: string, replace: boolean): Value {
  const toks = tokens(pointer, file);
  if (toks.length === 0) return value;
  const parent = parentOf(doc, toks, file, pointer);
  const last = toks[toks.length - 1];
  if (Array.isArray(parent)) {
    const i = index(parent, last, !replace, file, pointer);
    parent.splice(i, replace ? 1 : 0, value);
  } else if (isObj(parent)) {
    if (replace && !hasOwn(parent, last)) throw new KustomizeError(file, `JSON patch replace: path "${pointer}" does not exist`);
    setOwn(parent, last, value);
  } else throw new KustomizeError(file, `JSON patch path "${pointer}": parent is not a container`);
  return doc;
}

/** Applies operations to a copy of `obj`; errors name `file`. */
export function applyJsonPatch(obj: Obj, ops: JsonOp[], file: string): Value {
  let doc: Value = clone(obj);
  for (const op of ops) {
    const value = op.value === undefined ? null : clone(op.value);
    switch (op.op) {
      case 'add': doc = add(doc, op.path, value, file, false); break;
      case 'replace': get(doc, op.path, file); doc = add(doc, op.path, value, file, true); break;
      case 'remove': remove(doc, op.path, file); break;
      case 'move': doc = add(doc, op.path, remove(doc, op.from ?? '', file), file, false); break;
      case 'copy': doc = add(doc, op.path, clone(get(doc, op.from ?? '', file)), file, false); break;
      case 'test':
        if (!deepEqual(get(doc, op.path, file), value)) throw new KustomizeError(file, `JSON patch test failed: value at "${op.path}" is not ${JSON.stringify(value)}`);
        break;
      default: throw new KustomizeError(file, `unknown JSON patch operation "${op.op}"`);
    }
  }
  return doc;
}
