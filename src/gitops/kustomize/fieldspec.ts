// Walking a field spec path (`spec/template/spec/containers[]/image`) through an object, the way
// kustomize's fieldspec filter does: sequences are entered element by element, missing fields are
// created only when the spec says so, and escaped slashes (`\/`) stay inside a key.
import { KustomizeError } from './errors.js';
import type { FieldSpec } from './kustomization.js';
import { gvkSelected, type Gvk } from './resid.js';
import { isObj, type Obj, type Value } from './values.js';
import { hasOwn, setOwn } from './own.js';

/** What to create for a missing final field: nothing, a scalar (the setter fills it) or a mapping. */
export type CreateKind = 'none' | 'scalar' | 'map';

/** Called with the mapping holding the target field and the field's name. */
export type FieldVisitor = (parent: Obj, key: string) => void;

/** Splits a field spec path on unescaped slashes. */
export function splitPath(path: string): string[] {
  return path.split(/(?<!\\)\//).map((p) => p.replace(/\\\//g, '/'));
}

function walk(node: Value, parts: string[], create: CreateKind, visit: FieldVisitor): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, parts, create, visit);
    return;
  }
  if (!isObj(node)) throw new KustomizeError('', `expected sequence or mapping node at "${parts.join('/')}"`);
  const [head, ...rest] = parts;
  const isSeq = head.endsWith('[]');
  const key = isSeq ? head.slice(0, -2) : head;
  const present = hasOwn(node, key) && node[key] !== undefined;
  if (!present || node[key] === null) {
    if (create === 'none' || isSeq) return;
    if (rest.length === 0) {
      if (create === 'map') setOwn(node, key, {});
      visit(node, key);
      return;
    }
    setOwn(node, key, {});
  }
  if (rest.length === 0) {
    visit(node, key);
    return;
  }
  const child = node[key];
  if (child === null) return;
  walk(child, rest, create, visit);
}

/** Applies `visit` at every place `fs` names in `obj`, when the spec's gvk selects `gvk`. */
export function visitFieldSpec(obj: Obj, gvk: Gvk, fs: FieldSpec, create: CreateKind, visit: FieldVisitor): void {
  if (!gvkSelected(gvk, fs)) return;
  walk(obj, splitPath(fs.path), fs.create ? create : 'none', visit);
}

/** Parses compact spec lines (`path kind group version [+]`). */
export function parseSpecLines(text: string): FieldSpec[] {
  return text.split('\n').filter((l) => l.trim() !== '').map(parseSpecLine);
}

/** Parses one compact spec line. */
export function parseSpecLine(line: string): FieldSpec {
  const [path, kind, group, version, plus] = line.trim().split(' ');
  const dash = (s: string | undefined): string | undefined => (s === '-' || s === undefined ? undefined : s);
  return { path, kind: dash(kind), group: dash(group), version: dash(version), create: plus === '+' };
}
