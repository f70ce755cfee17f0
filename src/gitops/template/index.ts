import { parse } from 'yaml';
import { renderGoTemplate } from './argocd-render.js';
import { parseTemplateOptions } from './template-set.js';
import type { MissingKey } from './go/exec.js';
import { checkParamName, type Params } from '../params.js';

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

// ArgoCD's isTemplatedRegex (`.*{{.*}}.*`, where `.` stops at a newline): only such strings go to fasttemplate.
const TEMPLATED = /\{\{[^\n]*\}\}/;

/**
 * Templates one string as ArgoCD's Render.Replace does. `goTemplate: false` is valyala/fasttemplate:
 * each `{{tag}}` is replaced by the parameter named by the trimmed tag when that parameter is a
 * string, and left as written otherwise (parameters are flat: `{{metadata.labels.region}}` names the
 * key `metadata.labels.region`); a `{{` with no `}}` after it is an error. `goTemplate: true` runs
 * the Go template with Sprig and the goTemplateOptions.
 */
export function renderString(text: string, params: Params, mode: TemplateMode): string {
  if (mode.goTemplate) return text.includes('{{') ? renderGoTemplate(text, params, mode.options) : text;
  return renderFastTemplate(text, params);
}

/** valyala/fasttemplate with `{{`/`}}` tags and ArgoCD's replacement function. */
export function renderFastTemplate(text: string, params: Params): string {
  if (!TEMPLATED.test(text)) return text;
  let out = '';
  let rest = text;
  for (;;) {
    const start = rest.indexOf('{{');
    if (start < 0) return out + rest;
    out += rest.slice(0, start);
    rest = rest.slice(start + 2);
    const end = rest.indexOf('}}');
    if (end < 0) throw new Error(`invalid template: cannot find end tag="}}" in the template=${JSON.stringify(text)} starting from ${JSON.stringify(rest)}`);
    const tag = rest.slice(0, end);
    const key = tag.trim();
    const value = key && Object.hasOwn(params, key) ? params[key] : undefined;
    out += typeof value === 'string' ? value : `{{${tag}}}`;
    rest = rest.slice(end + 2);
  }
}

/** An object key that came from a template or patch; refuses keys that would reach an object's prototype. */
function safeKey(key: string, where: string): string {
  checkParamName(key, where);
  return key;
}

/**
 * Templates every string (keys and values) in a JSON-like value, as ArgoCD's deeplyReplace does;
 * `where` is the path for errors. Other values (numbers, booleans) are left as they are.
 */
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
    for (const [k, v] of Object.entries(value)) {
      let key: string;
      try {
        key = renderString(k, params, mode);
      } catch (err) {
        throw new Error(`${where}: key ${JSON.stringify(k)}: ${(err as Error).message}`, { cause: err });
      }
      out[safeKey(key, where)] = renderValue(v, params, mode, `${where}.${k}`);
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
 * Renders an Application template for one parameter set, as ArgoCD's RenderTemplateParams and
 * templatePatch do: an empty parameter set leaves the template as written; a templatePatch is a YAML
 * text templated as a whole (so it can set numbers, booleans, lists and maps from parameters) and
 * merged over the result, except `spec.project`, which a patch may not change.
 */
export function renderApplicationTemplate(template: unknown, templatePatch: string | undefined, params: Params, mode: TemplateMode): Record<string, unknown> {
  let out = Object.keys(params).length ? renderValue(template, params, mode, 'spec.template') : structuredClone(template);
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
    const project = isPlainObject(out) && isPlainObject(out.spec) ? out.spec.project : undefined;
    out = deepMerge(out, patch, 'spec.templatePatch');
    if (isPlainObject(out) && isPlainObject(out.spec)) {
      const spec: Record<string, unknown> = { ...out.spec };
      if (project === undefined) delete spec.project;
      else spec.project = project;
      out = { ...out, spec };
    }
  }
  if (!isPlainObject(out)) throw new Error('spec.template: must be an object with metadata and spec');
  return out;
}
