import { parse } from 'yaml';
import { executeTemplate, type MissingKey } from './exec.js';
import { flattenParams, type Params } from '../params.js';

/** How templates are read: ArgoCD's `{{name}}` replacement, or Go templates with options. */
export interface TemplateMode {
  goTemplate: boolean;
  /** goTemplateOptions, e.g. `missingkey=error`. */
  options?: string[];
}

/** Reads `missingkey=...` from goTemplateOptions. */
export function missingKeyOf(options: string[] | undefined): MissingKey {
  const opt = options?.find((o) => o.startsWith('missingkey='))?.slice('missingkey='.length);
  if (opt === undefined || opt === 'default' || opt === 'invalid') return 'default';
  if (opt === 'error' || opt === 'zero') return opt;
  throw new Error(`goTemplateOptions: unknown missingkey option "${opt}"`);
}

const LEGACY = /\{\{\s*([^{}\s]+)\s*\}\}/g;

/** Templates one string: `{{key}}` replaced from the flat params (unknown keys left as written), or a Go template. */
export function renderString(text: string, params: Params, mode: TemplateMode): string {
  if (!text.includes('{{')) return text;
  if (mode.goTemplate) return executeTemplate(text, params, missingKeyOf(mode.options));
  const flat = flattenParams(params);
  return text.replace(LEGACY, (whole, key: string) => (Object.hasOwn(flat, key) ? flat[key] : whole));
}

/** Templates every string (keys and values) in a JSON-like value; where is the path for errors. */
export function renderValue(value: unknown, params: Params, mode: TemplateMode, where = 'template'): unknown {
  if (typeof value === 'string') {
    try {
      return renderString(value, params, mode);
    } catch (err) {
      throw new Error(`${where}: ${(err as Error).message}`, { cause: err });
    }
  }
  if (Array.isArray(value)) return value.map((v, i) => renderValue(v, params, mode, `${where}[${i}]`));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[renderString(k, params, mode)] = renderValue(v, params, mode, `${where}.${k}`);
    return out;
  }
  return value;
}

/** Deep-merges patch over base: objects merge by key, anything else is replaced. */
export function deepMerge(base: unknown, patch: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(patch)) return patch === undefined ? base : patch;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) out[k] = k in out ? deepMerge(out[k], v) : v;
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
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
      text = mode.goTemplate ? executeTemplate(templatePatch, params, missingKeyOf(mode.options)) : renderString(templatePatch, params, mode);
    } catch (err) {
      throw new Error(`spec.templatePatch: ${(err as Error).message}`, { cause: err });
    }
    let patch: unknown;
    try {
      patch = parse(text);
    } catch (err) {
      throw new Error(`spec.templatePatch: rendered text is not YAML: ${(err as Error).message}`, { cause: err });
    }
    out = deepMerge(out, patch);
  }
  if (!isPlainObject(out)) throw new Error('spec.template: must be an object with metadata and spec');
  return out;
}
