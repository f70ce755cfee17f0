import { parse } from 'yaml';
import { renderGoTemplate } from './argocd-render.js';
import { parseTemplateOptions } from './template-set.js';
import type { MissingKey } from './go/exec.js';
import { flattenParams, type Params } from '../params.js';

export { renderGoTemplate } from './argocd-render.js';
export { TemplateSet, parseTemplateOptions } from './template-set.js';

/** How templates are read: ArgoCD's `{{name}}` replacement, or Go templates with options. */
export interface TemplateMode {
  goTemplate: boolean;
  /** goTemplateOptions, e.g. `missingkey=error`. */
  options?: string[];
}

/** Reads `missingkey=...` from goTemplateOptions (Go's Option rules; unknown options are an error). */
export function missingKeyOf(options: string[] | undefined): MissingKey {
  return parseTemplateOptions(options).missingKey;
}

const LEGACY = /\{\{\s*([^{}\s]+)\s*\}\}/g;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Templates one string: `{{key}}` replaced from the flat params (unknown keys left as written), or a Go template as ArgoCD runs it. */
export function renderString(text: string, params: Params, mode: TemplateMode): string {
  return renderWith(text, params, mode, lazyFlat(params));
}

/** `flattenParams(params)`, computed on first use and then reused for every string of one value. */
function lazyFlat(params: Params): () => Record<string, string> {
  let flat: Record<string, string> | undefined;
  return () => (flat ??= flattenParams(params));
}

function renderWith(text: string, params: Params, mode: TemplateMode, flatOf: () => Record<string, string>): string {
  if (!text.includes('{{')) return text;
  if (mode.goTemplate) return renderGoTemplate(text, params, mode.options);
  const flat = flatOf();
  return text.replace(LEGACY, (whole, key: string) => (Object.hasOwn(flat, key) ? flat[key] : whole));
}

/** An object key that came from a template or patch; refuses keys that would reach an object's prototype. */
function safeKey(key: string, where: string): string {
  if (FORBIDDEN_KEYS.has(key)) throw new Error(`${where}: key "${key}" is not allowed`);
  return key;
}

/**
 * Templates every string (keys and values) in a JSON-like value; where is the path for errors. The
 * params are flattened once for the whole value, not once per string: an ApplicationSet's template
 * has a dozen strings and a commit renders it for every generated Application at once.
 */
export function renderValue(value: unknown, params: Params, mode: TemplateMode, where = 'template'): unknown {
  return renderValueWith(value, params, mode, where, lazyFlat(params));
}

function renderValueWith(value: unknown, params: Params, mode: TemplateMode, where: string, flatOf: () => Record<string, string>): unknown {
  if (typeof value === 'string') {
    try {
      return renderWith(value, params, mode, flatOf);
    } catch (err) {
      throw new Error(`${where}: ${(err as Error).message}`, { cause: err });
    }
  }
  if (Array.isArray(value)) return value.map((v, i) => renderValueWith(v, params, mode, `${where}[${i}]`, flatOf));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const key = safeKey(k.includes('{{') ? renderWith(k, params, mode, flatOf) : k, where);
      out[key] = renderValueWith(v, params, mode, `${where}.${k}`, flatOf);
    }
    return out;
  }
  return value;
}

/** Deep-merges patch over base: objects merge by key, anything else is replaced; prototype keys are refused. */
export function deepMerge(base: unknown, patch: unknown, where = 'patch'): unknown {
  if (!isPlainObject(base) || !isPlainObject(patch)) return patch === undefined ? base : patch;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    safeKey(k, where);
    out[k] = Object.hasOwn(out, k) ? deepMerge(out[k], v, `${where}.${k}`) : v;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Refuses prototype keys anywhere in a parsed patch (they would otherwise be merged as own properties). */
function checkKeys(v: unknown, where: string): void {
  if (Array.isArray(v)) v.forEach((x, i) => checkKeys(x, `${where}[${i}]`));
  else if (isPlainObject(v)) for (const k of Object.keys(v)) { safeKey(k, where); checkKeys(v[k], `${where}.${k}`); }
}

/**
 * Renders an Application template for one parameter set. A templatePatch is a YAML text templated as
 * a whole (so it can set numbers, booleans, lists and maps from parameters) and merged over the result.
 */
export function renderApplicationTemplate(template: unknown, templatePatch: string | undefined, params: Params, mode: TemplateMode): Record<string, unknown> {
  let out = renderValue(template, params, mode, 'spec.template');
  if (templatePatch) {
    let text: string;
    try {
      text = renderString(templatePatch, params, mode);
    } catch (err) {
      throw new Error(`spec.templatePatch: ${(err as Error).message}`, { cause: err });
    }
    let patch: unknown;
    try {
      patch = parse(text);
    } catch (err) {
      throw new Error(`spec.templatePatch: rendered text is not YAML: ${(err as Error).message}`, { cause: err });
    }
    checkKeys(patch, 'spec.templatePatch');
    out = deepMerge(out, patch, 'spec.templatePatch');
  }
  if (!isPlainObject(out)) throw new Error('spec.template: must be an object with metadata and spec');
  return out;
}
