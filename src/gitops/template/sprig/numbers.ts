/** Sprig's numeric functions (numeric.go): int64 arithmetic through cast, float ops through decimal. */
import { fn, GoError, type GoFunc } from '../go/funcmap.js';
import { formatValue } from '../go/fmt.js';
import { GoInt, int64 } from '../go/value.js';
import { parseGoInt, toFloat64, toInt64 } from './util.js';

const wrap64 = (v: number): number => (Number.isFinite(v) ? Number(BigInt.asIntN(64, BigInt(Math.trunc(v)))) : v);
const big = (v: unknown): bigint => BigInt(toInt64(v));
const fromBig = (v: bigint) => int64(Number(BigInt.asIntN(64, v)));
const i64 = (v: number) => int64(wrap64(v));
const plain = { minus: false, plus: false, sharp: false, space: false, zero: false, verb: 'v' };

interface Dec { c: bigint; e: number }
/** decimal.NewFromFloat: the shortest decimal that round-trips. */
function dec(v: number): Dec {
  if (!Number.isFinite(v)) throw new GoError(`Cannot create a Decimal from ${v}`);
  const [m, ex = '0'] = v.toExponential().split('e');
  const digits = m.replace('.', '').replace('-', '');
  const frac = (m.split('.')[1] ?? '').length;
  return { c: BigInt((v < 0 ? '-' : '') + digits), e: Number(ex) - frac };
}
function align(a: Dec, b: Dec): [bigint, bigint, number] {
  const e = Math.min(a.e, b.e);
  return [a.c * 10n ** BigInt(a.e - e), b.c * 10n ** BigInt(b.e - e), e];
}
const decFloat = (d: Dec): number => Number(`${d.c}e${d.e}`);
/** decimal.Div: rounded half away from zero to 16 places. */
function decDiv(a: Dec, b: Dec): Dec {
  if (b.c === 0n) throw new GoError('decimal division by 0');
  const scale = 16;
  // a/b * 10^scale, computed with one extra digit for rounding
  const num = a.c * 10n ** BigInt(Math.max(0, scale + 1 + a.e - b.e));
  const den = b.c * 10n ** BigInt(Math.max(0, -(scale + 1 + a.e - b.e)));
  let q = num / den;
  const neg = q < 0n;
  if (neg) q = -q;
  q = (q + 5n) / 10n;
  return { c: neg ? -q : q, e: -scale };
}
/** decimal.NewFromFloat(a) op b..., back to float64 as shopspring/decimal computes it. */
function decimalOp(a: number, bs: number[], op: '+' | '-' | '*' | '/'): number {
  let acc = dec(a);
  for (const b of bs.map(dec)) {
    if (op === '*') acc = { c: acc.c * b.c, e: acc.e + b.e };
    else if (op === '/') acc = decDiv(acc, b);
    else { const [x, y, e] = align(acc, b); acc = { c: op === '+' ? x + y : x - y, e }; }
  }
  return decFloat(acc);
}

function round(a: unknown, p: GoInt, ...rOpt: number[]): number {
  const roundOn = rOpt.length ? rOpt[0] : 0.5;
  const val = toFloat64(a);
  const pow = 10 ** p.v;
  const digit = pow * val;
  const frac = digit - Math.trunc(digit);
  return (frac >= roundOn ? Math.ceil(digit) : Math.floor(digit)) / pow;
}

/** Sprig's numeric functions. */
export const NUMBER_FUNCS: Array<[string, GoFunc]> = [
  ['atoi', fn(['string'], (s: string) => new GoInt(/^[+-]?[0-9]+$/.test(s) ? (parseGoInt(s.replace(/^(-?)\+?0+(?=\d)/, '$1')) ?? 0) : 0))],
  ['int64', fn(['any'], (v: unknown) => int64(toInt64(v)))],
  ['int', fn(['any'], (v: unknown) => new GoInt(toInt64(v)))],
  ['float64', fn(['any'], (v: unknown) => toFloat64(v))],
  ['toDecimal', fn(['any'], (v: unknown) => { const s = formatValue(v ?? null, plain); return int64(/^[+-]?[0-7]+$/.test(s) ? parseInt(s, 8) : 0); })],
  ['add1', fn(['any'], (v: unknown) => fromBig(big(v) + 1n))],
  ['add', fn([], (...v: unknown[]) => fromBig(v.reduce<bigint>((a, b) => a + big(b), 0n)), { variadic: 'any' })],
  ['sub', fn(['any', 'any'], (a: unknown, b: unknown) => fromBig(big(a) - big(b)))],
  ['div', fn(['any', 'any'], (a: unknown, b: unknown) => { const d = toInt64(b); if (d === 0) throw new GoError('runtime error: integer divide by zero'); return i64(Math.trunc(toInt64(a) / d)); })],
  ['mod', fn(['any', 'any'], (a: unknown, b: unknown) => { const d = toInt64(b); if (d === 0) throw new GoError('runtime error: integer divide by zero'); return i64(toInt64(a) % d); })],
  ['mul', fn(['any'], (a: unknown, ...v: unknown[]) => fromBig(v.reduce<bigint>((x, b) => x * big(b), big(a))), { variadic: 'any' })],
  ['randInt', fn(['int', 'int'], (min: GoInt, max: GoInt) => { if (max.v - min.v <= 0) throw new GoError('invalid argument to Intn'); return new GoInt(min.v + Math.floor(Math.random() * (max.v - min.v))); })],
  ['add1f', fn(['any'], (v: unknown) => decimalOp(toFloat64(v), [1], '+'))],
  ['addf', fn([], (...v: unknown[]) => decimalOp(0, v.map(toFloat64), '+'), { variadic: 'any' })],
  ['subf', fn(['any'], (a: unknown, ...v: unknown[]) => decimalOp(toFloat64(a), v.map(toFloat64), '-'), { variadic: 'any' })],
  ['divf', fn(['any'], (a: unknown, ...v: unknown[]) => decimalOp(toFloat64(a), v.map(toFloat64), '/'), { variadic: 'any' })],
  ['mulf', fn(['any'], (a: unknown, ...v: unknown[]) => decimalOp(toFloat64(a), v.map(toFloat64), '*'), { variadic: 'any' })],
  ['biggest', fn(['any'], (a: unknown, ...v: unknown[]) => int64(Math.max(toInt64(a), ...v.map(toInt64))), { variadic: 'any' })],
  ['max', fn(['any'], (a: unknown, ...v: unknown[]) => int64(Math.max(toInt64(a), ...v.map(toInt64))), { variadic: 'any' })],
  ['min', fn(['any'], (a: unknown, ...v: unknown[]) => int64(Math.min(toInt64(a), ...v.map(toInt64))), { variadic: 'any' })],
  ['maxf', fn(['any'], (a: unknown, ...v: unknown[]) => Math.max(toFloat64(a), ...v.map(toFloat64)), { variadic: 'any' })],
  ['minf', fn(['any'], (a: unknown, ...v: unknown[]) => Math.min(toFloat64(a), ...v.map(toFloat64)), { variadic: 'any' })],
  ['ceil', fn(['any'], (a: unknown) => Math.ceil(toFloat64(a)))],
  ['floor', fn(['any'], (a: unknown) => Math.floor(toFloat64(a)))],
  ['round', fn(['any', 'int'], round, { variadic: 'float64' })],
];
