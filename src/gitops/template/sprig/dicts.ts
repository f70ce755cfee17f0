/** Sprig's dict functions (dict.go) and defaults (defaults.go). */
import { fn, GoError, type GoFunc } from '../go/funcmap.js';
import { GoInt, isMap, sortedKeys, type GoMap } from '../go/value.js';
import { assertMap, assertString, empty, strval } from './util.js';

function deepCopy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(deepCopy);
  if (isMap(v)) return new Map([...v].map(([k, x]) => [k, deepCopy(x)]));
  return v;
}

/** mergo.Merge for map[string]interface{}: fills keys missing (or empty) in dst, recursing into maps. */
function mergeInto(dst: GoMap, src: GoMap, overwrite: boolean): void {
  for (const [k, sv] of src) {
    const dv = dst.get(k);
    if (isMap(dv) && isMap(sv)) mergeInto(dv, sv, overwrite);
    else if (!dst.has(k) || overwrite || empty(dv)) dst.set(k, sv);
  }
}

function dig(...ps: unknown[]): unknown {
  if (ps.length < 3) throw new GoError('dig needs at least three arguments');
  let dict = assertMap(ps[ps.length - 1]);
  const def = ps[ps.length - 2];
  const ks = ps.slice(0, -2).map(assertString);
  for (let i = 0; i < ks.length; i++) {
    if (!dict.has(ks[i])) return def;
    const step = dict.get(ks[i]);
    if (i === ks.length - 1) return step;
    dict = assertMap(step);
  }
  return def;
}

/** Sprig's dict and default functions. */
export const DICT_FUNCS: Array<[string, GoFunc]> = [
  ['dict', fn([], (...v: unknown[]) => {
    const m: GoMap = new Map();
    for (let i = 0; i < v.length; i += 2) m.set(strval(v[i]), i + 1 >= v.length ? '' : v[i + 1]);
    return m;
  }, { variadic: 'any' })],
  ['get', fn(['map', 'string'], (d: GoMap, k: string) => (d.has(k) ? d.get(k) : ''), { anyResult: true })],
  ['set', fn(['map', 'string', 'any'], (d: GoMap, k: string, v: unknown) => { d.set(k, v); return d; })],
  ['unset', fn(['map', 'string'], (d: GoMap, k: string) => { d.delete(k); return d; })],
  ['hasKey', fn(['map', 'string'], (d: GoMap, k: string) => d.has(k))],
  ['pluck', fn(['string'], (k: string, ...ds: GoMap[]) => ds.filter((d) => d.has(k)).map((d) => d.get(k)), { variadic: 'map' })],
  ['keys', fn([], (...ds: GoMap[]) => ds.flatMap((d) => [...d.keys()]), { variadic: 'map' })],
  ['pick', fn(['map'], (d: GoMap, ...ks: string[]) => new Map(ks.filter((k) => d.has(k)).map((k) => [k, d.get(k)])), { variadic: 'string' })],
  ['omit', fn(['map'], (d: GoMap, ...ks: string[]) => new Map([...d].filter(([k]) => !ks.includes(k))), { variadic: 'string' })],
  ['merge', fn(['map'], (dst: GoMap, ...srcs: GoMap[]) => { for (const s of srcs) mergeInto(dst, s, false); return dst; }, { variadic: 'map', anyResult: true })],
  ['mergeOverwrite', fn(['map'], (dst: GoMap, ...srcs: GoMap[]) => { for (const s of srcs) mergeInto(dst, s, true); return dst; }, { variadic: 'map', anyResult: true })],
  ['mustMerge', fn(['map'], (dst: GoMap, ...srcs: GoMap[]) => { for (const s of srcs) mergeInto(dst, s, false); return dst; }, { variadic: 'map', anyResult: true })],
  ['mustMergeOverwrite', fn(['map'], (dst: GoMap, ...srcs: GoMap[]) => { for (const s of srcs) mergeInto(dst, s, true); return dst; }, { variadic: 'map', anyResult: true })],
  ['values', fn(['map'], (d: GoMap) => sortedKeys(d).map((k) => d.get(k)))],
  ['dig', fn([], dig, { variadic: 'any', anyResult: true })],
  ['deepCopy', fn(['any'], (v: unknown) => { if (v === null || v === undefined) throw new GoError('deepCopy error: cannot deep copy nil'); return deepCopy(v); }, { anyResult: true })],
  ['mustDeepCopy', fn(['any'], (v: unknown) => { if (v === null || v === undefined) throw new GoError('copy: Copy called with nil'); return deepCopy(v); }, { anyResult: true })],
  ['default', fn(['any'], (d: unknown, ...given: unknown[]) => (given.length === 0 || empty(given[0]) ? d : given[0]), { variadic: 'any', anyResult: true })],
  ['empty', fn(['any'], empty)],
  ['coalesce', fn([], (...v: unknown[]) => v.find((x) => !empty(x)) ?? null, { variadic: 'any', anyResult: true })],
  ['all', fn([], (...v: unknown[]) => v.every((x) => !empty(x)), { variadic: 'any' })],
  ['any', fn([], (...v: unknown[]) => v.some((x) => !empty(x)), { variadic: 'any' })],
  ['ternary', fn(['any', 'any', 'bool'], (t: unknown, f: unknown, c: boolean) => (c ? t : f), { anyResult: true })],
  ['deepEqual', fn(['any', 'any'], (a: unknown, b: unknown) => {
    const eqv = (x: unknown, y: unknown): boolean => {
      if ((x === null || x === undefined) && (y === null || y === undefined)) return true;
      if (x instanceof GoInt && y instanceof GoInt) return x.kind === y.kind && x.v === y.v;
      if (Array.isArray(x) && Array.isArray(y)) return x.length === y.length && x.every((e, i) => eqv(e, y[i]));
      if (isMap(x) && isMap(y)) return x.size === y.size && [...x].every(([k, e]) => y.has(k) && eqv(e, y.get(k)));
      return x === y;
    };
    return eqv(a, b);
  })],
];
