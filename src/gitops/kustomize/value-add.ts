// kustomize's builtin ValueAddTransformer (api/internal/builtins/ValueAddTransformer.go and
// api/filters/valueadd): puts one value, by default the name of the kustomization's directory, into
// a field of the selected resources, creating the field, or into a file path held by the field at a
// given position. `metadata/namespace` is set as the namespace transformer sets it.
import { basename } from 'node:path';
import { fieldError } from './errors.js';
import type { Selector } from './kustomization.js';
import { setResourceNamespace } from './namespace.js';
import type { Resource } from './resource.js';
import type { ResMap } from './resmap.js';
import { selectResources } from './select.js';
import type { Target } from './target.js';
import { isObj, type Obj, type Value } from './values.js';
import { getOwn, setOwn } from './own.js';
import { parseYamlDocuments } from './yaml-parse.js';
import { resolvePlain } from './yaml-resolve.js';

/** One place to put the value. */
interface ValueAddTarget { selector?: Selector; fieldPath: string; filePathPosition: number }

/** Go's path.Clean. */
function cleanPath(p: string): string {
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg !== '..') out.push(seg);
    else if (out.length && out[out.length - 1] !== '..') out.pop();
    else if (!rooted) out.push('..');
  }
  const s = (rooted ? '/' : '') + out.join('/');
  return s === '' ? '.' : s;
}

/** kyaml's filesys.PathSplit: a leading "" marks an absolute path. */
function pathSplit(p: string): string[] {
  if (p === '') return [];
  const i = p.lastIndexOf('/');
  const base = p.slice(i + 1);
  if (i === 0) return base === '' ? [''] : ['', base];
  const dir = i < 0 ? '' : p.slice(0, i);
  return dir === '' ? [base] : [...pathSplit(dir), base];
}

/** kyaml's filesys.PathJoin (Go's filepath.Join, absolute when the first part is ""). */
function pathJoin(parts: string[]): string {
  const join = (xs: string[]): string => (xs.some((x) => x !== '') ? cleanPath(xs.slice(xs.findIndex((x) => x !== '')).join('/')) : '');
  if (parts.length === 0) return '';
  return parts[0] === '' ? `/${join(parts.slice(1))}` : join(parts);
}

/** kyaml's filesys.InsertPathPart: `part` inserted at `pos` of the path (0 prefixes, past the end postfixes). */
export function insertPathPart(path: string, pos: number, part: string): string {
  if (part === '') return path;
  const parts = pathSplit(path);
  let at = Math.min(Math.max(pos, 0), parts.length);
  if (parts.length > 0 && parts[0] === '' && at < parts.length) at++;
  return pathJoin([...parts.slice(0, at), part, ...parts.slice(at)]);
}

/** The field path split at `/`, where `\/` keeps a slash inside a field name. */
function splitSlashPath(path: string): string[] {
  const out: string[] = [];
  for (const f of path.split('/')) {
    if (out.length && out[out.length - 1].endsWith('\\')) out[out.length - 1] = `${out[out.length - 1].slice(0, -1)}/${f}`;
    else out.push(f);
  }
  return out;
}

/** kyaml's LookupCreate(ScalarNode, ...): the mapping and key holding the field, made when missing. */
function lookupCreate(obj: Obj, parts: string[], fail: (why: string) => Error): { parent: Obj; key: string } {
  let node: Obj = obj;
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i];
    if (part.startsWith('[')) throw fail(`list element "${part}" is not supported here`);
    const next = getOwn(node, part);
    if (next === undefined || next === null) {
      const made: Obj = {};
      setOwn(node, part, made);
      node = made;
    } else if (isObj(next)) node = next;
    else throw fail(`"${part}" is not a mapping`);
  }
  const last = parts[parts.length - 1];
  if (last.startsWith('[')) throw fail(`list element "${last}" is not supported here`);
  return { parent: node, key: last };
}

function addValue(r: Resource, value: string, t: ValueAddTarget, file: string, at: string): void {
  const fail = (why: string): Error => fieldError(file, `${at}.fieldPath`, `${t.fieldPath}: ${why}`);
  const { parent, key } = lookupCreate(r.obj, splitSlashPath(t.fieldPath), fail);
  const old: Value | undefined = getOwn(parent, key);
  if (isObj(old) || Array.isArray(old)) throw fail(`wrong node kind: expected ScalarNode but got ${Array.isArray(old) ? 'SequenceNode' : 'MappingNode'}`);
  const text = old === undefined || old === null ? '' : String(old);
  // kyaml writes an untagged plain scalar, which kustomize's output reads back by YAML's rules.
  setOwn(parent, key, resolvePlain(t.filePathPosition > 0 ? insertPathPart(text, t.filePathPosition - 1, value) : value));
}

function parseTargets(list: Value | undefined, file: string, field: string): ValueAddTarget[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw fieldError(file, field, 'targets must be a list');
  return list.map((x, i) => {
    const o = isObj(x) ? x : {};
    const fieldPath = typeof o.fieldPath === 'string' ? o.fieldPath : '';
    const pos = o.filePathPosition ?? 0;
    if (typeof pos !== 'number' || !Number.isInteger(pos)) throw fieldError(file, `${field}[${i}].filePathPosition`, 'must be an integer');
    return { selector: isObj(o.selector) ? (o.selector as Selector) : undefined, fieldPath, filePathPosition: pos };
  });
}

/** Runs one ValueAddTransformer configuration `c` (from `file`, entry `field`) over the resources of `t`. */
export async function applyValueAdd(t: Target, m: ResMap, c: Obj, file: string, field: string): Promise<void> {
  if (c.value !== undefined && c.value !== null && typeof c.value !== 'string') throw fieldError(file, `${field}.value`, 'must be a string');
  const value = (typeof c.value === 'string' ? c.value.trim() : '') || basename(t.ldr.dir);
  const targets = parseTargets(c.targets, file, `${field}.targets`);
  if (typeof c.targetFilePath === 'string' && c.targetFilePath !== '') {
    const at = `${field}.targetFilePath`;
    const doc = parseYamlDocuments(await t.ldr.readFile(c.targetFilePath, at), t.ldr.display(c.targetFilePath))[0];
    targets.push(...parseTargets(isObj(doc) ? doc.targets : undefined, t.ldr.display(c.targetFilePath), 'targets'));
  }
  if (targets.length === 0) throw fieldError(file, field, 'must specify at least one target');
  for (const [i, target] of targets.entries()) {
    if (target.fieldPath === '') throw fieldError(file, `${field}.targets[${i}]`, 'fieldPath cannot be empty');
    if (target.filePathPosition < 0) throw fieldError(file, `${field}.targets[${i}]`, `value of FilePathPosition (${target.filePathPosition}) cannot be negative`);
  }
  for (const [i, target] of targets.entries()) {
    const resources = target.selector ? selectResources(m.list, target.selector, file) : m.list;
    for (const r of resources) {
      if (target.fieldPath === 'metadata/namespace') setResourceNamespace(r, value);
      else addValue(r, value, target, file, `${field}.targets[${i}]`);
    }
  }
}
