/** Conversions Sprig borrows from spf13/cast and reflect, over the Go value model. */
import { formatValue } from '../go/fmt.js';
import { GoError } from '../go/funcmap.js';
import { GoInt, isMap, kindName, typeName } from '../go/value.js';

const plain = { minus: false, plus: false, sharp: false, space: false, zero: false, verb: 'v' };

/** Sprig's strval: strings as they are, anything else with %v. */
export function strval(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  return formatValue(v ?? null, plain);
}

function trimZeroDecimal(s: string): string {
  let foundZero = false;
  for (let i = s.length; i > 0; i--) {
    const c = s[i - 1];
    if (c === '.') { if (foundZero) return s.slice(0, i - 1); }
    else if (c === '0') foundZero = true;
    else return s;
  }
  return s;
}

/** Go's strconv.ParseInt(s, 0, 64); undefined when it fails. */
export function parseGoInt(s: string): number | undefined {
  if (!/^[+-]?(0[xX](_?[0-9a-fA-F])+|0[bB](_?[01])+|0[oO](_?[0-7])+|0(_?[0-7])*|[1-9](_?[0-9])*)$/.test(s)) return undefined;
  const neg = s.startsWith('-');
  let body = s.replace(/^[+-]/, '').replace(/_/g, '');
  if (/^0[0-7]+$/.test(body)) body = '0o' + body.slice(1);
  const big = BigInt(body.replace(/^0[oO]/, '0o'));
  const v = neg ? -big : big;
  if (v < -(2n ** 63n) || v >= 2n ** 63n) return undefined;
  return Number(v);
}

/** cast.ToInt64 (errors become 0). */
export function toInt64(v: unknown): number {
  if (v instanceof GoInt) return v.v;
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : -(2 ** 63);
  if (typeof v === 'string') return parseGoInt(trimZeroDecimal(v)) ?? 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return 0;
}

/** cast.ToFloat64 (errors become 0). */
export function toFloat64(v: unknown): number {
  if (v instanceof GoInt) return v.v;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const t = v.replace(/_/g, '');
    if (/^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|[iI]nf(inity)?|NaN)$/.test(t) && !/^_|_$/.test(v)) {
      if (/inf/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
      return Number(t);
    }
    return 0;
  }
  if (typeof v === 'boolean') return v ? 1 : 0;
  return 0;
}

/** The elements of a Go slice, or Go's panic for other kinds (reflect.TypeOf(nil).Kind() panics). */
export function sliceOf(v: unknown, err: (kind: string) => string): unknown[] {
  if (v === null || v === undefined) throw new GoError('runtime error: invalid memory address or nil pointer dereference');
  if (Array.isArray(v)) return v;
  if (v instanceof Uint8Array) return Array.from(v, (b) => new GoInt(b, 'uint8'));
  throw new GoError(err(kindName(v)));
}

/** reflect.DeepEqual over Go values. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (typeName(a) !== typeName(b)) return false;
  if (a instanceof GoInt && b instanceof GoInt) return a.v === b.v;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isMap(a) && isMap(b)) return a.size === b.size && [...a].every(([k, v]) => b.has(k) && deepEqual(v, b.get(k)));
  return a === b || (Number.isNaN(a) && Number.isNaN(b) ? false : false);
}

/** A Go type assertion failure as the runtime panics it. */
export function assertString(v: unknown): string {
  if (typeof v === 'string') return v;
  throw new GoError(`interface conversion: interface {} is ${v === null || v === undefined ? 'nil' : typeName(v)}, not string`);
}

/** A Go map type assertion. */
export function assertMap(v: unknown): Map<string, unknown> {
  if (isMap(v)) return v;
  throw new GoError(`interface conversion: interface {} is ${v === null || v === undefined ? 'nil' : typeName(v)}, not map[string]interface {}`);
}

/** Sprig's empty(): the zero value of its type. */
export function empty(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (typeof v === 'string') return v.length === 0;
  if (typeof v === 'number') return v === 0;
  if (typeof v === 'boolean') return !v;
  if (v instanceof GoInt) return v.v === 0;
  if (Array.isArray(v) || v instanceof Uint8Array) return v.length === 0;
  if (isMap(v)) return v.size === 0;
  return false;
}

/** Go string length in bytes and byte slicing (Sprig's trunc and substr work on bytes). */
export function byteSlice(s: string, start: number, end?: number): string {
  const b = Buffer.from(s, 'utf8');
  if (start < 0 || (end !== undefined && (end < start || end > b.length)) || start > b.length) {
    throw new GoError(`runtime error: slice bounds out of range [${end !== undefined && end > b.length ? `:${end}] with length ${b.length}` : `${start}:${end ?? b.length}]`}`);
  }
  return b.subarray(start, end).toString('utf8');
}

/** Byte length of a Go string. */
export const byteLen = (s: string): number => Buffer.byteLength(s, 'utf8');
