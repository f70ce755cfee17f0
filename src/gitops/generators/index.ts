import { flattenParams, setParam, type Params } from '../params.js';
import { compileSelector } from '../selector.js';
import { clustersGenerator } from './clusters.js';
import { merge, matrix } from './combine.js';
import { gitGenerator } from './git.js';
import { listGenerator } from './list.js';
import { objectField, type GeneratorContext, type GeneratorFn } from './types.js';

const MAX_SETS = 10_000;

/** The generators that read a source of parameters, by field name. */
const TERMINAL: Record<string, GeneratorFn> = { clusters: clustersGenerator, list: listGenerator, git: gitGenerator };

/** ArgoCD's generators that Meridian does not run, and why: a clear error instead of no Applications. */
const UNSUPPORTED: Record<string, string> = {
  scmProvider: 'the SCM provider generator needs network access to an SCM provider API',
  pullRequest: 'the pull request generator needs network access to an SCM provider API',
  clusterDecisionResource: "the cluster decision resource generator reads ArgoCD's duck-typed resources",
  plugin: 'the plugin generator calls an external plugin service',
};

const KNOWN = [...Object.keys(TERMINAL), 'matrix', 'merge'];

/**
 * The generator kind of one generator spec (exactly one kind besides `selector`), checked as ArgoCD
 * checks it, with errors naming the field.
 */
export function generatorKind(spec: unknown, where: string): string {
  const body = objectField(spec, where);
  const kinds = Object.keys(body).filter((k) => k !== 'selector');
  const kind = kinds[0];
  if (kinds.length === 1 && Object.hasOwn(UNSUPPORTED, kind)) throw new Error(`${where}.${kind}: not supported by Meridian (${UNSUPPORTED[kind]})`);
  if (kinds.length !== 1 || !KNOWN.includes(kind)) {
    throw new Error(`${where}: expected exactly one of ${KNOWN.join(', ')}, got ${kinds.join(', ') || 'nothing'}${kinds.length > 1 ? ' (give each generator its own list entry)' : ''}`);
  }
  return kind;
}

/**
 * Runs one generator spec, then its post selector (`selector`, matched against the flattened
 * parameters: `values.env`, `metadata.labels.region`). `depth` is 0 at the top level, 1 inside a
 * matrix or merge, 2 inside a nested one, where matrix and merge are refused as in ArgoCD (combination
 * generators nest once).
 */
export async function runGenerator(spec: unknown, ctx: GeneratorContext, where: string, depth = 0): Promise<Params[]> {
  const kind = generatorKind(spec, where);
  const body = spec as Record<string, unknown>;
  if (depth >= 2 && !Object.hasOwn(TERMINAL, kind)) throw new Error(`${where}.${kind}: combination generators (matrix, merge) can only be nested once`);
  const selected = compileSelector(body.selector, `${where}.selector`, { labelValues: false });
  const at = `${where}.${kind}`;
  const sets = kind === 'matrix' ? await matrix(body[kind], ctx, at, (g, w) => runGenerator(g, ctx, w, depth + 1))
    : kind === 'merge' ? await merge(body[kind], ctx, at, (g, w) => runGenerator(g, ctx, w, depth + 1))
      : await TERMINAL[kind](body[kind], ctx, at);
  if (sets.length > MAX_SETS) throw new Error(`${where}: more than ${MAX_SETS} parameter sets`);
  return body.selector === undefined || body.selector === null ? sets : sets.filter((p) => selected(flattenParams(p)));
}

/** The parameter sets of one top-level generator and the template they render with. */
export interface GeneratedSets {
  params: Params[];
  template: unknown;
}

/**
 * Runs every top-level generator in order. Each keeps its own template: the ApplicationSet's, or,
 * when the generator carries a `template` (ArgoCD's generator templates), that one with every field
 * it leaves empty taken from the ApplicationSet's. Parameter sets are not deduplicated (ArgoCD
 * reports Applications of the same name instead).
 */
export async function generateTemplatedParams(generators: unknown[], ctx: GeneratorContext, template: unknown): Promise<GeneratedSets[]> {
  const out: GeneratedSets[] = [];
  for (const [i, g] of generators.entries()) {
    const where = `spec.generators[${i}]`;
    const kind = generatorKind(g, where);
    const own = (objectField((g as Record<string, unknown>)[kind] ?? {}, `${where}.${kind}`)).template;
    out.push({ params: await runGenerator(g, ctx, where), template: own === undefined || own === null ? template : fillTemplate(own, template) });
  }
  return out;
}

/** The parameter sets of every top-level generator, in order. */
export async function generateParams(generators: unknown[], ctx: GeneratorContext): Promise<Params[]> {
  return (await generateTemplatedParams(generators, ctx, undefined)).flatMap((g) => g.params);
}

/** Go's notion of an empty value, as mergo uses it to decide which fields to fill. */
function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === '' || v === 0 || v === false || (Array.isArray(v) && v.length === 0);
}

/**
 * A generator's template completed from the ApplicationSet's, as ArgoCD's mergo.Merge(generator,
 * spec) does: maps merge key by key, and any other field the generator leaves empty (`""`, `0`,
 * `false`, an empty list) takes the ApplicationSet's value.
 */
export function fillTemplate(own: unknown, base: unknown): unknown {
  const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isMap(own) && isMap(base)) {
    const out: Record<string, unknown> = { ...own };
    for (const [k, v] of Object.entries(base)) setParam(out, k, Object.hasOwn(own, k) ? fillTemplate(own[k], v) : v, 'template');
    return out;
  }
  return isEmpty(own) && base !== undefined ? base : own;
}
