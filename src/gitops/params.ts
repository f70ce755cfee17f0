import { printValue } from './template/go/fmt.js';
import { GoStrings, toGo } from './template/go/value.js';

/**
 * The parameters of one generated element, in ArgoCD's shape for the template mode: with
 * `goTemplate: false` a flat map whose keys carry the dots (`metadata.labels.region`, `path[0]`) and
 * whose values are strings; with `goTemplate: true` nested maps and lists, as the generator read them.
 */
export type Params = Record<string, unknown>;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Refuses a parameter name or template key that would reach an object's prototype (both come from Git and CRDs). */
export function checkParamName(key: string, where: string): void {
  if (FORBIDDEN_KEYS.has(key)) throw new Error(`${where}: key "${key}" is not allowed`);
}

/** Sets `params[key]` after checkParamName. */
export function setParam(params: Params, key: string, value: unknown, where: string): void {
  checkParamName(key, where);
  params[key] = value;
}

/** A value as Go's `fmt.Sprintf("%v", v)` prints it (float64 numbers: `1e+06`; nil: `<nil>`). */
export function goString(v: unknown): string {
  return typeof v === 'string' ? v : printValue(toGo(v));
}

/** A Go `[]string` among parameters (path segments): Go's flatten and `%v` treat it as one value. */
export function goStrings(items: string[]): string[] {
  return GoStrings.from(items);
}

/**
 * Flattens nested maps and lists into dotted keys as ArgoCD does (github.com/jeremywohl/flatten,
 * DotStyle): `{a: {b: 1}, l: ['x']}` gives `a.b` = `1`, `l.0` = `x`; empty maps and lists give
 * nothing; leaves print as Go's `%v`. The git files generator uses it for `goTemplate: false`, and
 * the post selector matches against it in both modes.
 */
export function flattenParams(params: Params): Record<string, string> {
  // A null-prototype map: a key named __proto__ is an ordinary entry here.
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  const walk = (prefix: string, v: unknown) => {
    if (Array.isArray(v) && !(v instanceof GoStrings)) v.forEach((item, i) => walk(prefix ? `${prefix}.${i}` : String(i), item));
    else if (v && typeof v === 'object' && !Array.isArray(v)) for (const [k, child] of Object.entries(v)) walk(prefix ? `${prefix}.${k}` : k, child);
    else out[prefix] = goString(v);
  };
  for (const [k, v] of Object.entries(params)) walk(k, v);
  return out;
}

/** JSON with map keys sorted, as Go's json.Marshal of a map writes it; a missing value is `null`. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(sortKeys(v)) ?? 'null';
}

function sortKeys(v: unknown): unknown {
  if (v === undefined) return null;
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}
