/**
 * Go's value model for templates. A JSON number is a float64 (a JS number); Go integers (`int`,
 * `int64`, runes) are `GoInt`; a Go map is a `Map` (so `__proto__` is an ordinary key); `null` is a
 * nil interface; `undefined` is Go's invalid reflect.Value (a missing key, printed `<no value>`).
 */
export type IntKind = 'int' | 'int64' | 'int32' | 'uint8' | 'uint' | 'uint64';

/** A Go integer of a given kind (values beyond 2^53 lose precision, documented in ADR 0008). */
export class GoInt {
  /** Wraps an integer of a Go kind. */
  constructor(readonly v: number, readonly kind: IntKind = 'int') {}
}

/** A Go map[string]interface{}. */
export type GoMap = Map<string, unknown>;

/** A Go []string (Sprig returns them; they print like []interface{} but are typed). */
export class GoStrings extends Array<string> {}

/** Shorthand constructors. */
export const int = (v: number): GoInt => new GoInt(Math.trunc(v), 'int');
/** A Go int64. */
export const int64 = (v: number): GoInt => new GoInt(Math.trunc(v), 'int64');

/** True for a Go map. */
export function isMap(v: unknown): v is GoMap {
  return v instanceof Map;
}

/** Go's type name as %T and template errors print it. */
export function typeName(v: unknown): string {
  if (v === undefined) return '<nil>';
  if (v === null) return '<nil>';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'boolean') return 'bool';
  if (v instanceof GoInt) return v.kind;
  if (v instanceof GoStrings) return '[]string';
  if (Array.isArray(v)) return '[]interface {}';
  if (v instanceof Uint8Array) return '[]uint8';
  if (isMap(v)) return 'map[string]interface {}';
  if (typeof v === 'function') return 'func';
  return 'struct';
}

/** Go's reflect Kind name, as Sprig's kindOf prints it. */
export function kindName(v: unknown): string {
  if (v === undefined || v === null) return 'invalid';
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (v instanceof GoInt) return v.kind;
  if (Array.isArray(v) || v instanceof Uint8Array) return 'slice';
  if (isMap(v)) return 'map';
  if (typeof v === 'function') return 'func';
  return 'struct';
}

/** text/template's truth: false, 0, nil, and empty strings, slices and maps are false. */
export function isTrue(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return v.length > 0;
  if (v instanceof GoInt) return v.v !== 0;
  if (Array.isArray(v) || v instanceof Uint8Array) return v.length > 0;
  if (isMap(v)) return v.size > 0;
  return true;
}

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** Converts JSON-like data (parameters) to Go values: objects become Maps, numbers float64. */
export function toGo(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  if (typeof v === 'bigint') return new GoInt(Number(v), 'int64');
  if (Array.isArray(v)) return v.map(toGo);
  if (v instanceof Map || v instanceof GoInt) return v;
  if (typeof v === 'object') {
    const m: GoMap = new Map();
    for (const k of Object.keys(v)) m.set(k, toGo((v as Record<string, unknown>)[k]));
    return m;
  }
  return v;
}

/**
 * Converts a Go value back to JSON-like data with null-prototype objects; refuses keys that would
 * reach an object prototype in code that later spreads or assigns them.
 */
export function fromGo(v: unknown, where = 'value'): unknown {
  if (v === undefined) return null;
  if (v instanceof GoInt) return v.v;
  if (Array.isArray(v)) return Array.from(v, (x, i) => fromGo(x, `${where}[${i}]`));
  if (isMap(v)) {
    const o: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const [k, x] of v) {
      if (FORBIDDEN.has(k)) throw new Error(`${where}: key "${k}" is not allowed`);
      o[k] = fromGo(x, `${where}.${k}`);
    }
    return o;
  }
  return v;
}

/** Sorted keys of a Go map, as Go's fmt, range and json print them. */
export function sortedKeys(m: GoMap): string[] {
  return [...m.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
