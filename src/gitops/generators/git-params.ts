/** The parameters ArgoCD's git generator makes of directories and files (applicationset/generators/git.go). */
import { posix } from 'node:path';
import { parseAllDocuments, type Tags } from 'yaml';
import { checkParamName, flattenParams, goStrings, type Params } from '../params.js';
import { sanitizeName } from '../template/argocd.js';
import { unmarshal } from '../template/go/json.js';
import { fromGo } from '../template/go/value.js';
import type { TemplateMode } from '../template/index.js';
import { goPathMatch, gitPathspec } from './globs.js';
import { objectField, stringField } from './types.js';
import { appendTemplatedValues, readValues } from './values.js';

/** What shapes a git generator's parameters besides the repository: `pathParamPrefix` and `values`. */
export interface GitParamOptions { prefix: string; values: Record<string, string> }

/** Reads `pathParamPrefix` and `values` of a git generator spec. */
export function gitParamOptions(body: Record<string, unknown>, where: string): GitParamOptions {
  const prefix = body.pathParamPrefix === undefined || body.pathParamPrefix === null ? '' : body.pathParamPrefix;
  if (typeof prefix !== 'string') throw new Error(`${where}.pathParamPrefix: expected a string`);
  checkParamName(prefix, `${where}.pathParamPrefix`);
  return { prefix, values: readValues(body, where) };
}

/**
 * The parameters of one path, as ArgoCD's git generator names them. `goTemplate: false`: flat keys
 * `path`, `path.basename`, `path.basenameNormalized`, `path[n]` for each non-empty segment (plus
 * `path.filename`, `path.filenameNormalized` for a file), all under `<prefix>.` with
 * `pathParamPrefix`. `goTemplate: true`: the map `path` (with `segments`), or `<prefix>.path`.
 */
export function pathParams(path: string, goTemplate: boolean, prefix: string, file?: string): Params {
  const info: Params = { path, basename: posix.basename(path) };
  if (file) info.filename = posix.basename(file);
  info.basenameNormalized = sanitizeName(info.basename as string);
  if (file) info.filenameNormalized = sanitizeName(info.filename as string);
  if (goTemplate) {
    info.segments = goStrings(path.split('/'));
    return prefix ? { [prefix]: { path: info } } : { path: info };
  }
  const name = prefix ? `${prefix}.path` : 'path';
  const flat: Params = { [name]: path };
  for (const [k, v] of Object.entries(info)) if (k !== 'path') flat[`${name}.${k}`] = v;
  path.split('/').forEach((s, i) => { if (s) flat[`${name}[${i}]`] = s; });
  return flat;
}

/**
 * The parameter sets of a `directories` generator given the repository's directories (as ArgoCD's
 * repo server lists them): those an include entry matches and no exclude entry does (Go's
 * path.Match; a bad pattern matches nothing, as ArgoCD logs and skips it), in the listing's order.
 */
export function directoryParams(all: string[], entries: unknown[], opts: GitParamOptions, mode: TemplateMode, where: string): Params[] {
  return selectDirs(all, entries, where).map((d) => {
    const params = pathParams(d, mode.goTemplate, opts.prefix);
    appendTemplatedValues(opts.values, params, mode, where);
    return params;
  });
}

function selectDirs(all: string[], entries: unknown[], where: string): string[] {
  const rules = entries.map((e, i) => {
    const o = objectField(e, `${where}.directories[${i}]`);
    return { pattern: stringField(o, 'path', `${where}.directories[${i}]`), exclude: o.exclude === true };
  });
  const matching = (d: string, exclude: boolean) => rules.some((r) => r.exclude === exclude && goPathMatch(r.pattern, d) === true);
  return all.filter((d) => matching(d, false) && !matching(d, true));
}

/** The `files` entries' files: every file an include pathspec matches, less those an exclude matches, in the listing's order. */
export function selectFiles(all: string[], entries: unknown[], where: string): string[] {
  const rules = entries.map((e, i) => {
    const o = objectField(e, `${where}.files[${i}]`);
    const path = stringField(o, 'path', `${where}.files[${i}]`);
    try {
      return { matches: gitPathspec(path), exclude: o.exclude === true };
    } catch (err) {
      throw new Error(`${where}.files[${i}].path: ${(err as Error).message}`, { cause: err });
    }
  });
  return all.filter((f) => rules.some((r) => !r.exclude && r.matches(f)) && !rules.some((r) => r.exclude && r.matches(f)));
}

// yaml.v2 keeps a timestamp as the string it reads when decoding into interface{}.
const YAML_V2 = {
  version: '1.1', uniqueKeys: false, merge: true,
  customTags: (tags: Tags) => tags.filter((t) => (t as { tag?: string }).tag !== 'tag:yaml.org,2002:timestamp'),
} as const;

/**
 * The objects of one file, as sigs.k8s.io/yaml reads it: its first YAML (1.1, yaml.v2's reading) or
 * JSON document, a map (an empty file or `null` is an empty map) or a list of maps; numbers are
 * float64 (`%v` prints 1e+06 as Go does).
 */
function fileObjects(text: string, where: string): Params[] {
  const docs = parseAllDocuments(text, YAML_V2);
  const doc = Array.isArray(docs) ? docs[0] : undefined;
  if (doc?.errors.length) throw new Error(`${where}: unable to parse file: ${doc.errors[0].message.split('\n')[0]}`);
  const js = doc ? (doc.toJS({ maxAliasCount: 100 }) as unknown) : null;
  const value = fromGo(unmarshal(JSON.stringify(js ?? null, (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x instanceof Date ? x.toISOString() : x))), where);
  if (value === null) return [{}];
  if (Array.isArray(value)) return value.map((o, i) => (o === null ? {} : { ...objectField(o, `${where}[${i}]`) }));
  if (typeof value === 'object') return [{ ...(value as Params) }];
  throw new Error(`${where}: unable to parse file: expected a map or a list of maps`);
}

/**
 * One file's parameter sets, as ArgoCD's generateParamsFromGitFile: its objects (flattened to
 * `a.b.c` with `goTemplate: false`), then its path parameters, then `values`.
 */
export function fileParams(file: string, text: string, opts: GitParamOptions, mode: TemplateMode, where: string): Params[] {
  const objects = fileObjects(text, `${where}: file ${file}`);
  const parent = posix.dirname(file);
  return objects.map((o) => {
    const params: Params = mode.goTemplate ? o : { ...flattenParams(o) };
    Object.assign(params, pathParams(parent, mode.goTemplate, opts.prefix, file));
    appendTemplatedValues(opts.values, params, mode, where);
    return params;
  });
}

