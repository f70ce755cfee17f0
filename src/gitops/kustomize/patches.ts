// The three patch fields: patchesStrategicMerge (legacy), patches (strategic merge or JSON 6902,
// with an optional target selector) and patchesJson6902 (legacy). A strategic merge patch without
// a target must match exactly one resource; a targeted patch that matches nothing is skipped.
import { KustomizeError, fieldError, messageOf } from './errors.js';
import { applyJsonPatch, type JsonOp } from './json6902.js';
import type { PatchSpec } from './kustomization.js';
import type { OpenApiState } from './openapi-state.js';
import { idString, parseApiVersion } from './resid.js';
import { Resource } from './resource.js';
import type { ResMap } from './resmap.js';
import { selectResources } from './select.js';
import { strategicMerge } from './smp.js';
import type { Target } from './target.js';
import { parseYamlDocuments } from './yaml-parse.js';
import { isObj, type Obj } from './values.js';

/** A loaded patch: strategic merge documents or JSON operations. */
export type LoadedPatch = { kind: 'smp'; docs: Resource[] } | { kind: 'json'; ops: JsonOp[] };

function toOps(v: unknown, file: string, field: string): JsonOp[] {
  if (!Array.isArray(v)) throw fieldError(file, field, 'a JSON patch must be a list of operations');
  return v.map((op, i) => {
    if (!isObj(op) || typeof op.op !== 'string' || typeof op.path !== 'string') {
      throw fieldError(file, `${field}[${i}]`, 'a JSON patch operation needs "op" and "path"');
    }
    return op as unknown as JsonOp;
  });
}

/** Parses patch text into strategic merge documents or JSON operations. */
export function parsePatch(text: string, file: string, field: string): LoadedPatch {
  const trimmed = text.trim();
  if (trimmed === '') throw fieldError(file, field, 'the patch is empty');
  if (trimmed.startsWith('[')) return { kind: 'json', ops: toOps(JSON.parse(trimmed), file, field) };
  const docs = parseYamlDocuments(text, file);
  if (docs.length === 1 && Array.isArray(docs[0])) return { kind: 'json', ops: toOps(parseYamlDocuments(text, file, true)[0], file, field) };
  return {
    kind: 'smp',
    docs: docs.map((d, i) => {
      if (!isObj(d)) throw fieldError(file, `${field}[${i}]`, 'a strategic merge patch must be a mapping');
      return new Resource(d);
    }),
  };
}

/** Loads the text of a patch given inline or by path. */
async function patchText(t: Target, p: PatchSpec, field: string): Promise<{ text: string; file: string }> {
  if (p.patch && p.path) throw fieldError(t.file, field, 'patch and path cannot both be set');
  if (p.patch?.trim()) return { text: p.patch.trim(), file: t.file };
  if (p.path) return { text: await t.ldr.readFile(p.path, `${field}.path`), file: t.ldr.display(p.path) };
  throw fieldError(t.file, field, 'must specify one of patch and path');
}

/**
 * How a patch reaches its resource: `setGvk` when through the resource map (a targeted patch or
 * patchesStrategicMerge), which gives each copy of the patch the resource's apiVersion; an
 * untargeted `patches` entry is merged as written.
 */
export interface SmpOptions { allowNameChange?: boolean; allowKindChange?: boolean; setGvk?: boolean }

/** Applies one strategic merge patch document to a resource (kustomize's ApplySmPatch). */
export function applySmp(target: Resource, patch: Resource, opts: SmpOptions, schemas: OpenApiState): void {
  const { name, namespace, kind, apiVersion } = { name: target.name, namespace: target.namespace, kind: target.kind, apiVersion: target.apiVersion };
  if (opts.allowNameChange || opts.allowKindChange) target.storePreviousId();
  const doc = opts.setGvk ? { ...patch.obj, apiVersion } : patch.obj;
  const merged = strategicMerge(target.obj, doc, schemas.schemaFor(apiVersion, kind));
  if (!merged) {
    target.obj = {};
    return;
  }
  target.obj = merged;
  // kyaml sets the copy's apiVersion to an untagged empty scalar when the resource has none, and
  // kustomize prints that as `apiVersion: null` (examples/breakfast.md's kinds have no apiVersion).
  if (opts.setGvk && apiVersion === '') target.obj.apiVersion = null;
  if (!opts.allowKindChange) target.obj.kind = kind;
  if (!opts.allowNameChange) target.setName(name);
  target.setNamespace(namespace);
}

function uniqueTarget(m: ResMap, patch: Resource, file: string, field: string): Resource {
  const id = { ...parseApiVersion(patch.apiVersion), kind: patch.kind, name: patch.name, namespace: patch.namespace };
  const found = m.byAnyId(id);
  if (found.length !== 1) {
    const why = found.length === 0 ? 'no resource matches' : 'several resources match';
    throw fieldError(file, field, `${why} strategic merge patch "${idString(id)}"`);
  }
  return found[0];
}

function applyJson(res: Resource, ops: JsonOp[], file: string): void {
  res.storePreviousId();
  const out = applyJsonPatch(res.obj, ops, file);
  if (!isObj(out)) throw new KustomizeError(file, 'a JSON patch must leave an object');
  res.obj = out as Obj;
}

/** Applies one `patches` entry (or a legacy patchesJson6902 entry) to the resources. */
export async function applyPatchEntry(t: Target, m: ResMap, p: PatchSpec, field: string): Promise<void> {
  const { text, file } = await patchText(t, p, field);
  const opts = { allowNameChange: p.options?.allowNameChange, allowKindChange: p.options?.allowKindChange };
  try {
    const loaded = parsePatch(text, file, field);
    if (loaded.kind === 'json') {
      if (!p.target) throw fieldError(t.file, field, 'a JSON 6902 patch needs a target');
      for (const r of selectResources(m.list, p.target, t.file)) applyJson(r, loaded.ops, file);
      return;
    }
    if (p.target) {
      if (loaded.docs.length > 1) throw fieldError(t.file, field, 'several strategic merge patches in one entry cannot share a target');
      for (const r of selectResources(m.list, p.target, t.file)) applySmp(r, loaded.docs[0], { ...opts, setGvk: true }, t.openapi);
      return;
    }
    for (const doc of loaded.docs) applySmp(uniqueTarget(m, doc, t.file, `${field}${p.path ? ` (${p.path})` : ''}`), doc, opts, t.openapi);
  } catch (err) {
    if (err instanceof KustomizeError && !err.message.includes('field "')) {
      throw new KustomizeError(err.file, `field "${field}": ${err.message.slice(err.file.length + 2)}`, { cause: err });
    }
    throw err;
  } finally {
    m.compact();
  }
}

/** Applies the legacy patchesStrategicMerge list (paths or inline patches). */
export async function applyLegacySmp(t: Target, m: ResMap): Promise<void> {
  const loaded: Array<{ doc: Resource; field: string }> = [];
  for (const [i, entry] of (t.k.patchesStrategicMerge ?? []).entries()) {
    const field = `patchesStrategicMerge[${i}]`;
    const inline = entry.includes('\n') || /^\s*[{[]/.test(entry) || /^\s*\w+\s*:/.test(entry);
    const { text, file } = inline ? { text: entry, file: t.file } : { text: await t.ldr.readFile(entry, field), file: t.ldr.display(entry) };
    const p = parsePatch(text, file, field);
    if (p.kind !== 'smp') throw fieldError(t.file, field, 'expected a strategic merge patch');
    for (const doc of p.docs) loaded.push({ doc, field });
  }
  for (const { doc, field } of loaded) {
    try {
      applySmp(uniqueTarget(m, doc, t.file, field), doc, { setGvk: true }, t.openapi);
    } catch (err) {
      throw err instanceof KustomizeError ? err : fieldError(t.file, field, messageOf(err));
    }
    m.compact();
  }
}
