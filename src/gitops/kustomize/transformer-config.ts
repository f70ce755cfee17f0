// The field specs every transformer works from: kustomize's defaults, extended by the
// `configurations` files of a kustomization (and of every base it includes).
import { DEFAULT_FIELD_SPECS, DEFAULT_NAME_REFERENCES } from './default-field-specs.js';
import { fieldError } from './errors.js';
import { parseSpecLine, parseSpecLines } from './fieldspec.js';
import type { FieldSpec } from './kustomization.js';
import type { Loader } from './loader.js';
import { parseYamlDocument } from './yaml-parse.js';
import { isObj, type Value } from './values.js';

/** A kind that others refer to by name, and where they do. */
export interface NameBackReference { kind: string; group?: string; version?: string; fieldSpecs: FieldSpec[] }

/** Field specs per transformer. */
export interface TransformerConfig {
  namePrefix: FieldSpec[]; nameSuffix: FieldSpec[]; namespace: FieldSpec[];
  commonLabels: FieldSpec[]; templateLabels: FieldSpec[]; labels: FieldSpec[]; commonAnnotations: FieldSpec[];
  varReference: FieldSpec[]; images: FieldSpec[]; replicas: FieldSpec[];
  nameReference: NameBackReference[];
}

const LIST_KEYS = ['namePrefix', 'nameSuffix', 'namespace', 'commonLabels', 'templateLabels', 'labels', 'commonAnnotations', 'varReference', 'images', 'replicas'] as const;

/** An empty configuration. */
export function emptyConfig(): TransformerConfig {
  const c = { nameReference: [] } as unknown as TransformerConfig;
  for (const k of LIST_KEYS) c[k] = [];
  return c;
}

function parseNameReferences(text: string): NameBackReference[] {
  const out: NameBackReference[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('= ')) {
      const [kind, group, version] = line.slice(2).split(' ');
      out.push({ kind, group: group === '-' ? undefined : group, version: version === '-' ? undefined : version, fieldSpecs: [] });
    } else if (line.trim()) out[out.length - 1].fieldSpecs.push(parseSpecLine(line));
  }
  return out;
}

let defaults: TransformerConfig | undefined;

/** kustomize's built-in configuration (shared and frozen: merge it, never change it). */
export function defaultConfig(): TransformerConfig {
  if (!defaults) {
    defaults = emptyConfig();
    for (const k of LIST_KEYS) if (DEFAULT_FIELD_SPECS[k]) defaults[k] = parseSpecLines(DEFAULT_FIELD_SPECS[k]);
    defaults.nameReference = parseNameReferences(DEFAULT_NAME_REFERENCES);
    // Configurations are never changed in place (merges build new ones), so every build shares
    // the defaults; frozen so a change in place would fail loudly instead of leaking across builds.
    deepFreeze(defaults);
  }
  return defaults;
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

function sameSpec(a: FieldSpec, b: FieldSpec): boolean {
  return (a.kind ?? '') === (b.kind ?? '') && (a.group ?? '') === (b.group ?? '') && (a.version ?? '') === (b.version ?? '') && a.path === b.path;
}

/** Adds specs not yet present (kustomize's FsSlice.MergeAll). */
export function mergeSpecs(into: FieldSpec[], add: FieldSpec[]): FieldSpec[] {
  const out = [...into];
  for (const fs of add) if (!out.some((x) => sameSpec(x, fs))) out.push(fs);
  return out;
}

/** True when `selector` (a spec's group/version/kind, empty parts match anything) selects `x` (kyaml's Gvk.IsSelected). */
function gvkSelects(selector: FieldSpec, x: FieldSpec): boolean {
  return (!selector.group || x.group === selector.group) && (!selector.version || x.version === selector.version) && (!selector.kind || x.kind === selector.kind);
}

/**
 * Adds a kustomization's own `configurations` to the accumulated configuration. As kubectl
 * kustomize v5.5.0 does (recorded in test/fixtures/kustomize-extra/configurations-nameprefix), a
 * custom spec takes the place of the accumulated specs of the same path whose kinds include its
 * kind: `namePrefix: [{path: metadata/name, kind: ConfigMap}]` prefixes only ConfigMaps.
 */
export function overlayConfig(base: TransformerConfig, custom: TransformerConfig): TransformerConfig {
  const out = mergeConfig(emptyConfig(), base);
  for (const k of LIST_KEYS) {
    if (custom[k].length === 0) continue;
    out[k] = out[k].filter((x) => !custom[k].some((c) => c.path === x.path && gvkSelects(x, c)));
    out[k] = mergeSpecs(out[k], custom[k]);
  }
  return mergeConfig(out, { ...emptyConfig(), nameReference: custom.nameReference });
}

/** Merges one configuration into another. */
export function mergeConfig(a: TransformerConfig, b: TransformerConfig): TransformerConfig {
  const out = emptyConfig();
  for (const k of LIST_KEYS) out[k] = mergeSpecs(a[k], b[k]);
  out.nameReference = a.nameReference.map((r) => ({ ...r, fieldSpecs: [...r.fieldSpecs] }));
  for (const r of b.nameReference) {
    const same = out.nameReference.find((x) => x.kind === r.kind && (x.group ?? '') === (r.group ?? '') && (x.version ?? '') === (r.version ?? ''));
    if (same) same.fieldSpecs = mergeSpecs(same.fieldSpecs, r.fieldSpecs);
    else out.nameReference.push({ ...r, fieldSpecs: [...r.fieldSpecs] });
  }
  return out;
}

function toSpecs(v: Value | undefined, file: string, field: string): FieldSpec[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw fieldError(file, field, 'expected a list of field specs');
  return v.map((x, i) => {
    if (!isObj(x) || typeof x.path !== 'string') throw fieldError(file, `${field}[${i}]`, 'a field spec needs a path');
    const s = (k: string): string | undefined => (typeof x[k] === 'string' ? (x[k] as string) : undefined);
    return { path: x.path, kind: s('kind'), group: s('group'), version: s('version'), create: x.create === true };
  });
}

/** Reads the `configurations` files of a kustomization into one configuration. */
export async function loadConfigurations(ldr: Loader, paths: string[]): Promise<TransformerConfig> {
  let cfg = emptyConfig();
  for (const path of paths) {
    const file = ldr.display(path);
    const doc = parseYamlDocument(await ldr.readFile(path, 'configurations'), file);
    if (!isObj(doc)) throw fieldError(file, 'configurations', 'expected a mapping');
    const c = emptyConfig();
    for (const [key, value] of Object.entries(doc)) {
      if ((LIST_KEYS as readonly string[]).includes(key)) c[key as (typeof LIST_KEYS)[number]] = toSpecs(value, file, key);
      else if (key === 'nameReference') c.nameReference = toBackRefs(value, file);
      else throw fieldError(file, key, 'unknown transformer configuration field');
    }
    cfg = mergeConfig(cfg, c);
  }
  return cfg;
}

function toBackRefs(v: Value, file: string): NameBackReference[] {
  if (!Array.isArray(v)) throw fieldError(file, 'nameReference', 'expected a list');
  return v.map((x, i) => {
    if (!isObj(x) || typeof x.kind !== 'string') throw fieldError(file, `nameReference[${i}]`, 'needs a kind');
    const s = (k: string): string | undefined => (typeof x[k] === 'string' ? (x[k] as string) : undefined);
    return { kind: x.kind, group: s('group'), version: s('version'), fieldSpecs: toSpecs(x.fieldSpecs, file, `nameReference[${i}].fieldSpecs`) };
  });
}
