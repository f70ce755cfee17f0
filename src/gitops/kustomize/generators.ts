// configMapGenerator and secretGenerator: build the object, then absorb it into the accumulated
// resources by its behavior: create (must be new), merge (data and metadata merged into the
// existing one, which keeps its identity) or replace.
import { KustomizeError, fieldError } from './errors.js';
import type { GeneratorOptions, GeneratorSpec } from './kustomization.js';
import { kvPairs } from './kv-sources.js';
import { pluginOrigin } from './origin.js';
import { idString } from './resid.js';
import { Resource, type Origin } from './resource.js';
import type { ResMap } from './resmap.js';
import type { Accumulator, Target } from './target.js';
import { isObj, type Obj } from './values.js';
import { hasOwn, setOwn } from './own.js';

function mergedOptions(local: GeneratorOptions | undefined, global: GeneratorOptions | undefined): GeneratorOptions {
  return {
    labels: { ...(global?.labels ?? {}), ...(local?.labels ?? {}) },
    annotations: { ...(global?.annotations ?? {}), ...(local?.annotations ?? {}) },
    disableNameSuffixHash: Boolean(local?.disableNameSuffixHash || global?.disableNameSuffixHash),
    immutable: Boolean(local?.immutable || global?.immutable),
  };
}

async function generate(t: Target, g: GeneratorSpec, kind: 'ConfigMap' | 'Secret', field: string, origin?: Origin): Promise<Resource> {
  if (!g.name) throw fieldError(t.file, `${field}.name`, 'a generator needs a name');
  const behavior = g.behavior ?? 'create';
  if (!['create', 'merge', 'replace', ''].includes(behavior)) throw fieldError(t.file, `${field}.behavior`, `unknown behavior "${behavior}"`);
  const obj: Obj = { apiVersion: 'v1', kind, metadata: { name: g.name, ...(g.namespace ? { namespace: g.namespace } : {}) } };
  const data: Obj = {};
  const binary: Obj = {};
  for (const p of await kvPairs(t.ldr, g, t.file, field)) {
    if (hasOwn(data, p.key) || hasOwn(binary, p.key)) throw fieldError(t.file, field, `${kind} ${g.name} illegally repeats the key "${p.key}"`);
    if (kind === 'Secret') setOwn(data, p.key, wrappedBase64(p.bytes ?? Buffer.from(p.value, 'utf8')));
    else if (p.bytes && !isUtf8(p.bytes)) setOwn(binary, p.key, wrappedBase64(p.bytes));
    else setOwn(data, p.key, p.value);
  }
  if (Object.keys(data).length) obj.data = data;
  if (Object.keys(binary).length) obj.binaryData = binary;
  if (kind === 'Secret') obj.type = g.type || 'Opaque';
  const opts = mergedOptions(g.options, t.k.generatorOptions);
  const meta = obj.metadata as Obj;
  if (Object.keys(opts.labels ?? {}).length) meta.labels = { ...opts.labels };
  if (Object.keys(opts.annotations ?? {}).length) meta.annotations = { ...opts.annotations };
  if (opts.immutable) obj.immutable = true;
  const r = new Resource(obj);
  r.behavior = behavior || 'create';
  r.needsHash = !opts.disableNameSuffixHash;
  r.source = t.file;
  r.origin = origin ?? pluginOrigin(t, `${kind}Generator`);
  return r;
}

/** Base64 broken into 70-character lines, each ending in a newline, once it reaches 70 characters (kyaml). */
export function wrappedBase64(b: Buffer): string {
  const enc = b.toString('base64');
  if (enc.length < 70) return enc;
  let out = '';
  for (let i = 0; i < enc.length; i += 70) out += enc.slice(i, i + 70) + '\n';
  return out;
}

function isUtf8(b: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
    return true;
  } catch {
    return false;
  }
}

function mergeMap(from: Obj, into: Obj, key: string): void {
  const merged = { ...(isObj(from[key]) ? from[key] : {}), ...(isObj(into[key]) ? into[key] : {}) };
  if (Object.keys(merged).length) into[key] = merged;
  else delete into[key];
}

/** Takes over the identity and metadata of the resource it merges into or replaces. */
function takeOver(r: Resource, old: Resource, merge: boolean): void {
  const meta = r.obj.metadata as Obj;
  const oldMeta = isObj(old.obj.metadata) ? old.obj.metadata : {};
  mergeMap(oldMeta, meta, 'labels');
  mergeMap(oldMeta, meta, 'annotations');
  r.setName(old.name);
  r.setNamespace(old.namespace);
  r.prevIds = [...old.prevIds];
  r.prefixes = [...old.prefixes];
  r.suffixes = [...old.suffixes];
  // kustomize keeps the hash only when both ask for it: the build annotation comes from the old
  // resource and is dropped when the new one lacks it (CopyMergeMetaDataFieldsFrom).
  r.needsHash = r.needsHash && old.needsHash;
  if (merge) {
    mergeMap(old.obj, r.obj, 'data');
    mergeMap(old.obj, r.obj, 'binaryData');
    if (old.origin) r.origin = old.origin;
  }
}

/** Adds a generated resource by its behavior (kustomize's appendReplaceOrMerge). */
export function absorb(m: ResMap, r: Resource, file: string, field: string): void {
  const id = r.curId();
  const matches = m.byAnyId(id);
  if (matches.length > 1) throw fieldError(file, field, `several objects could accept the merge of ${idString(id)}`);
  if (matches.length === 0) {
    if (r.behavior === 'merge' || r.behavior === 'replace') {
      throw fieldError(file, field, `${idString(id)} does not exist; cannot ${r.behavior} (behavior "${r.behavior}" needs an existing ${id.kind} of that name)`);
    }
    m.append(r, file);
    return;
  }
  const old = matches[0];
  if (r.behavior === 'create') throw fieldError(file, field, `${idString(id)} already exists; behavior must be merge or replace`);
  takeOver(r, old, r.behavior === 'merge');
  m.list[m.list.indexOf(old)] = r;
}

/** Runs a target's generators into its accumulator. */
export async function runGenerators(t: Target, acc: Accumulator): Promise<void> {
  await runGeneratorJobs(t, acc, [
    ...(t.k.configMapGenerator ?? []).map((g, i): GeneratorJob => [g, 'ConfigMap', `configMapGenerator[${i}]`]),
    ...(t.k.secretGenerator ?? []).map((g, i): GeneratorJob => [g, 'Secret', `secretGenerator[${i}]`]),
  ]);
}

/** One generator to run: its spec, the kind it makes, the field that configured it and, for a `generators:` entry, its origin. */
export type GeneratorJob = [GeneratorSpec, 'ConfigMap' | 'Secret', string, Origin?];

/** Runs generators in order into the accumulator (the kustomization's fields or `generators:` entries). */
export async function runGeneratorJobs(t: Target, acc: Accumulator, jobs: GeneratorJob[]): Promise<void> {
  for (const [g, kind, field, origin] of jobs) {
    const r = await generate(t, g, kind, field, origin);
    try {
      absorb(acc.resMap, r, t.file, field);
    } catch (err) {
      if (err instanceof KustomizeError) throw err;
      throw fieldError(t.file, field, String(err));
    }
  }
}
