import { canonicalJson, goString, setParam, type Params } from '../params.js';
import { deepMerge, renderString, renderValue, type TemplateMode } from '../template/index.js';
import { listField, objectField, type GeneratorContext } from './types.js';

/** Runs a child generator one level deeper (runGenerator bound to its depth). */
export type RunChild = (spec: unknown, where: string) => Promise<Params[]>;

const MAX_SETS = 10_000;

/**
 * The matrix generator, as ArgoCD's: exactly two children; the second is templated with each of the
 * first's parameter sets (so it may read `{{.path.basename}}`) and each pair is combined. With
 * `goTemplate: true` the two merge deeply and the first child's values win; with `goTemplate: false`
 * both are printed to strings and a key the two give different values is an error.
 */
export async function matrix(spec: unknown, ctx: GeneratorContext, where: string, run: RunChild): Promise<Params[]> {
  const children = listField(objectField(spec, where), 'generators', where);
  if (children.length < 2) throw new Error(`${where}.generators: found less than two generators, Matrix support only two`);
  if (children.length > 2) throw new Error(`${where}.generators: found more than two generators, Matrix support only two`);
  const out: Params[] = [];
  for (const a of await run(children[0], `${where}.generators[0]`)) {
    const second = interpolateGenerator(children[1], a, ctx.mode, `${where}.generators[1]`);
    for (const b of await run(second, `${where}.generators[1]`)) {
      out.push(ctx.mode.goTemplate ? (deepMerge(b, a, where) as Params) : combineStringMaps(a, b, where));
      if (out.length > MAX_SETS) throw new Error(`${where}: more than ${MAX_SETS} combinations`);
    }
  }
  return out;
}

/** ArgoCD's CombineStringMaps: both sets printed with `%v`; the same key with two values is an error. */
function combineStringMaps(a: Params, b: Params, where: string): Params {
  const out: Params = {};
  for (const [k, v] of Object.entries(a)) setParam(out, k, goString(v), where);
  for (const [k, v] of Object.entries(b)) {
    const value = goString(v);
    if (Object.hasOwn(out, k) && out[k] !== value) throw new Error(`${where}: found duplicate key ${k} with different value, a: ${String(out[k])} ,b: ${value}`);
    setParam(out, k, value, where);
  }
  return out;
}

/** Generator kinds whose `values` ArgoCD resolves apart (a value may name the generator's own parameters). */
const VALUES_KINDS = new Set(['clusters', 'git']);

/**
 * A matrix's second child templated with one parameter set of the first, as ArgoCD's
 * InterpolateGenerator: every string, except the post selector (applied as written) and the `values`
 * of a clusters or git child, whose Go templates run with missingkey=error and stay as written when
 * they name a key the set lacks, for the child to resolve from its own parameters. An empty set
 * leaves the child as it is.
 */
export function interpolateGenerator(child: unknown, params: Params, mode: TemplateMode, where: string): unknown {
  const body = objectField(child, where);
  if (!Object.keys(params).length) return child;
  const out: Record<string, unknown> = {};
  for (const [kind, spec] of Object.entries(body)) {
    if (kind === 'selector') { out[kind] = spec; continue; }
    const values = VALUES_KINDS.has(kind) && spec && typeof spec === 'object' ? (spec as Record<string, unknown>).values : undefined;
    if (!values || typeof values !== 'object' || Array.isArray(values)) { setParam(out, kind, renderValue(spec, params, mode, `${where}.${kind}`), where); continue; }
    const { values: _values, ...rest } = spec as Record<string, unknown>;
    const rendered = renderValue(rest, params, mode, `${where}.${kind}`) as Record<string, unknown>;
    rendered.values = resolveValues(values as Record<string, unknown>, params, mode, `${where}.${kind}.values`);
    setParam(out, kind, rendered, where);
  }
  return out;
}

function resolveValues(values: Record<string, unknown>, params: Params, mode: TemplateMode, where: string): Record<string, unknown> {
  const strict: TemplateMode = { goTemplate: mode.goTemplate, options: [...(mode.options ?? []).filter((o) => !o.startsWith('missingkey=')), 'missingkey=error'] };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    if (typeof v !== 'string') { setParam(out, k, v, where); continue; }
    try {
      setParam(out, k, renderString(v, params, mode.goTemplate ? strict : mode), where);
    } catch (err) {
      const message = (err as Error).message;
      if (!/map has no entry for key|can't evaluate field/.test(message)) throw new Error(`${where}.${k}: failed to pre-resolve Values key "${k}": ${message}`, { cause: err });
      setParam(out, k, v, where);
    }
  }
  return out;
}

/**
 * The merge generator, as ArgoCD's: two or more children; each parameter set of the first is
 * overridden by the set of each later child with the same values for the merge keys (looked up as
 * top-level keys: `values.selector` names a flat key, so nested keys match only with
 * `goTemplate: false`); sets of later children that match none are dropped. Within one child, two
 * sets with the same merge key values are an error. Overrides merge deeply with `goTemplate: true`
 * and replace key by key with `goTemplate: false`.
 */
export async function merge(spec: unknown, ctx: GeneratorContext, where: string, run: RunChild): Promise<Params[]> {
  const body = objectField(spec, where);
  const children = listField(body, 'generators', where);
  if (children.length < 2) throw new Error(`${where}.generators: found less than two generators, Merge requires two or more`);
  const sets: Params[][] = [];
  for (const [i, child] of children.entries()) sets.push(await run(child, `${where}.generators[${i}]`));
  const keys = [...new Set(listField(body, 'mergeKeys', where).map((k, i) => {
    if (typeof k !== 'string') throw new Error(`${where}.mergeKeys[${i}]: expected a string`);
    return k;
  }))];
  if (!keys.length) throw new Error(`${where}.mergeKeys: no merge keys were specified, Merge requires at least one`);
  const byKey = (list: Params[], i: number) => {
    const m = new Map<string, Params>();
    for (const p of list) {
      const key = canonicalJson(Object.fromEntries(keys.map((k) => [k, Object.hasOwn(p, k) ? p[k] : null])));
      if (m.has(key)) throw new Error(`${where}.generators[${i}]: the parameters from a generator were not unique by the given mergeKeys, Merge requires all param sets to be unique. Duplicate key was ${key}`);
      m.set(key, p);
    }
    return m;
  };
  const base = byKey(sets[0], 0);
  for (const [i, list] of sets.slice(1).entries()) {
    const overrides = byKey(list, i + 1);
    for (const [key, p] of base) {
      const o = overrides.get(key);
      if (o) base.set(key, ctx.mode.goTemplate ? (deepMerge(p, o, where) as Params) : { ...p, ...o });
    }
  }
  return [...base.values()];
}
