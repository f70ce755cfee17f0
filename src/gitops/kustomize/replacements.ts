// replacements: copy a value from one resource's field (optionally one delimited part of it) into
// fields of the selected targets. Sources and targets are selected by exact id fields matched
// against any id a resource has had; a scalar target keeps its own type.
import { KustomizeError, fieldError } from './errors.js';
import { findSlots, setSlot, slotValue, splitFieldPath } from './field-path.js';
import type { FieldOptions, ReplacementSpec, Selector } from './kustomization.js';
import { effectiveNamespace, gvkSelected, idString, type ResId } from './resid.js';
import type { Resource } from './resource.js';
import type { ResMap } from './resmap.js';
import { labelSelector } from './select.js';
import type { Target } from './target.js';
import { parseYamlDocument } from './yaml-parse.js';
import { clone, isObj, type Value } from './values.js';

function idSelectedBy(id: ResId, s: Selector): boolean {
  return (!s.name || s.name === id.name) &&
    (!s.namespace || effectiveNamespace({ ...id, namespace: s.namespace }) === effectiveNamespace(id)) && gvkSelected(id, s);
}

function anySelected(r: Resource, s: Selector): boolean {
  return r.allIds().some((id) => idSelectedBy(id, s));
}

function metaMatches(r: Resource, s: Selector, file: string): boolean {
  return labelSelector(s.labelSelector, file)(r.labels()) && labelSelector(s.annotationSelector, file)(r.annotations());
}

function selectorText(s: Selector): string {
  return idString({ group: s.group ?? '', version: s.version ?? '', kind: s.kind ?? '', name: s.name ?? '', namespace: s.namespace ?? '' });
}

function sourceValue(m: ResMap, rep: ReplacementSpec, file: string, field: string): Value {
  const src = rep.source;
  if (!src) throw fieldError(file, field, 'a replacement needs a source');
  const matches = m.list.filter((r) => anySelected(r, src));
  if (matches.length > 1) throw fieldError(file, `${field}.source`, `multiple matches for selector ${selectorText(src)}`);
  if (matches.length === 0) throw fieldError(file, `${field}.source`, `nothing selected by ${selectorText(src)}`);
  const path = src.fieldPath || 'metadata.name';
  const slot = findSlots(matches[0].obj, splitFieldPath(path), false)[0];
  const v = slot ? slotValue(slot) : undefined;
  if (v === undefined || v === null || v === '') throw fieldError(file, `${field}.source.fieldPath`, `"${path}" is missing in ${selectorText(src)}`);
  return refine(v, src.options, file, field);
}

function refine(v: Value, o: FieldOptions | undefined, file: string, field: string): Value {
  if (!o?.delimiter) return v;
  if (typeof v === 'object') throw fieldError(file, `${field}.source.options`, 'delimiter can only be used with scalar values');
  const parts = String(v).split(o.delimiter);
  const i = o.index ?? 0;
  if (i < 0 || i >= parts.length) throw fieldError(file, `${field}.source.options.index`, `${i} is out of bounds for value ${String(v)}`);
  return parts[i];
}

function retype(target: Value | undefined, v: Value): Value {
  if (typeof v === 'object' || target === undefined || target === null || typeof target === 'object') return clone(v);
  const text = String(v);
  if (typeof target === 'string') return text;
  if (typeof target === 'number') return Number.isNaN(Number(text)) ? text : Number(text);
  return text === 'true' ? true : text === 'false' ? false : text;
}

function withDelimiter(target: Value | undefined, v: Value, o: FieldOptions, file: string, field: string): Value {
  if (typeof target === 'object' && target !== null) throw fieldError(file, field, 'delimiter can only be used with scalar targets');
  const parts = target === undefined || target === null ? [''] : String(target).split(o.delimiter ?? '');
  const i = o.index ?? 0;
  if (i < 0) parts.unshift(String(v));
  else if (i >= parts.length) parts.push(String(v));
  else parts[i] = String(v);
  return parts.join(o.delimiter);
}

function applyTargets(m: ResMap, rep: ReplacementSpec, value: Value, file: string, field: string): void {
  for (const [ti, t] of (rep.targets ?? []).entries()) {
    const at = `${field}.targets[${ti}]`;
    if (!t.select) throw fieldError(file, at, 'a target must specify resources to select');
    const select = t.select;
    for (const r of m.list) {
      if (!metaMatches(r, select, file)) continue;
      if ((t.reject ?? []).some((rj) => (rj.labelSelector || rj.annotationSelector) && metaMatches(r, rj, file))) continue;
      if (!anySelected(r, select)) continue;
      if ((t.reject ?? []).some((rj) => (rj.name || rj.kind || rj.group || rj.version || rj.namespace) && anySelected(r, rj))) continue;
      for (const fp of t.fieldPaths?.length ? t.fieldPaths : ['metadata.name']) {
        const slots = findSlots(r.obj, splitFieldPath(fp), Boolean(t.options?.create));
        if (slots.length === 0) throw fieldError(file, at, `unable to find field "${fp}" in replacement target ${idString(r.curId())}`);
        for (const s of slots) {
          const cur = slotValue(s);
          setSlot(s, t.options?.delimiter ? withDelimiter(cur, value, t.options, file, at) : retype(cur, value));
        }
      }
    }
  }
}

/** Loads replacements given by `path` (one object or a list) and inline ones, in order. */
export async function loadReplacements(t: Target): Promise<Array<{ rep: ReplacementSpec; file: string; field: string }>> {
  const out: Array<{ rep: ReplacementSpec; file: string; field: string }> = [];
  for (const [i, rep] of (t.k.replacements ?? []).entries()) {
    const field = `replacements[${i}]`;
    if (!rep.path) {
      out.push({ rep, file: t.file, field });
      continue;
    }
    const file = t.ldr.display(rep.path);
    const doc = parseYamlDocument(await t.ldr.readFile(rep.path, `${field}.path`), file);
    const list = Array.isArray(doc) ? doc : [doc];
    list.forEach((r, j) => {
      if (!isObj(r)) throw new KustomizeError(file, `replacement ${j + 1} must be a mapping`);
      out.push({ rep: r as unknown as ReplacementSpec, file, field: Array.isArray(doc) ? `[${j}]` : 'replacement' });
    });
  }
  return out;
}

/** Applies replacements to the resources, in order. */
export function applyReplacements(m: ResMap, reps: Array<{ rep: ReplacementSpec; file: string; field: string }>): void {
  for (const { rep, file, field } of reps) {
    if (!rep.targets) throw fieldError(file, field, 'replacements must specify a source and at least one target');
    applyTargets(m, rep, sourceValue(m, rep, file, field), file, field);
  }
}
