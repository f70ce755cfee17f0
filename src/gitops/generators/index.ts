import { flattenParams, paramsKey, type Params } from '../params.js';
import { deepMerge, renderValue } from '../template/index.js';
import { clustersGenerator } from './clusters.js';
import { gitGenerator } from './git.js';
import { listGenerator } from './list.js';
import { listField, objectField, type GeneratorContext, type GeneratorFn } from './types.js';

const MAX_SETS = 10_000;

/** Every generator by its field name. */
const GENERATORS: Record<string, GeneratorFn> = {
  clusters: clustersGenerator,
  list: listGenerator,
  git: gitGenerator,
  matrix: (spec, ctx, where) => matrix(spec, ctx, where),
  merge: (spec, ctx, where) => merge(spec, ctx, where),
};

/** Runs one generator spec (exactly one of clusters, list, git, matrix, merge). */
export async function runGenerator(spec: unknown, ctx: GeneratorContext, where: string): Promise<Params[]> {
  const body = objectField(spec, where);
  const kinds = Object.keys(body).filter((k) => k !== 'selector');
  if (kinds.length !== 1 || !Object.hasOwn(GENERATORS, kinds[0])) {
    throw new Error(`${where}: expected exactly one of ${Object.keys(GENERATORS).join(', ')}, got ${kinds.join(', ') || 'nothing'}`);
  }
  const sets = await GENERATORS[kinds[0]](body[kinds[0]], ctx, `${where}.${kinds[0]}`);
  if (sets.length > MAX_SETS) throw new Error(`${where}: more than ${MAX_SETS} parameter sets`);
  return sets;
}

/** Runs every top-level generator and concatenates their parameter sets, duplicates dropped. */
export async function generateParams(generators: unknown[], ctx: GeneratorContext): Promise<Params[]> {
  const out: Params[] = [];
  const seen = new Set<string>();
  for (const [i, g] of generators.entries()) {
    for (const p of await runGenerator(g, ctx, `spec.generators[${i}]`)) {
      const key = paramsKey(p);
      if (!seen.has(key)) { seen.add(key); out.push(p); }
    }
  }
  return out;
}

/**
 * The matrix generator over any number of children: the cartesian product, each combination merged.
 * A child may use the parameters of the children before it (`path: apps/{{name}}`), like ArgoCD's.
 */
async function matrix(spec: unknown, ctx: GeneratorContext, where: string): Promise<Params[]> {
  const children = listField(objectField(spec, where), 'generators', where);
  if (children.length < 2) throw new Error(`${where}.generators: needs at least two generators`);
  let sets: Params[] = [{}];
  for (const [i, child] of children.entries()) {
    const next: Params[] = [];
    for (const base of sets) {
      const resolved = Object.keys(base).length ? renderValue(child, base, ctx.mode, `${where}.generators[${i}]`) : child;
      for (const p of await runGenerator(resolved, ctx, `${where}.generators[${i}]`)) next.push(deepMerge(base, p) as Params);
    }
    if (next.length > MAX_SETS) throw new Error(`${where}: more than ${MAX_SETS} combinations`);
    sets = next;
  }
  return sets;
}

/** The merge generator over any number of children: later children override the first's sets that share the merge keys. */
async function merge(spec: unknown, ctx: GeneratorContext, where: string): Promise<Params[]> {
  const body = objectField(spec, where);
  const keys = listField(body, 'mergeKeys', where).map(String);
  if (!keys.length) throw new Error(`${where}.mergeKeys: needs at least one key`);
  const children = listField(body, 'generators', where);
  if (children.length < 1) throw new Error(`${where}.generators: needs at least one generator`);
  const keyOf = (p: Params) => JSON.stringify(keys.map((k) => flattenParams(p)[k] ?? null));
  const base = await runGenerator(children[0], ctx, `${where}.generators[0]`);
  for (const [i, child] of children.slice(1).entries()) {
    const overrides = new Map<string, Params>();
    for (const p of await runGenerator(child, ctx, `${where}.generators[${i + 1}]`)) overrides.set(keyOf(p), p);
    for (const [j, b] of base.entries()) {
      const o = overrides.get(keyOf(b));
      if (o) base[j] = deepMerge(b, o) as Params;
    }
  }
  return base;
}
