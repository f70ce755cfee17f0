/** Sprig's list functions (list.go), with their must* variants returning errors instead of panicking. */
import { fn, GoError, type GoFunc } from '../go/funcmap.js';
import { GoInt, GoStrings, isMap } from '../go/value.js';
import { deepEqual, sliceOf, strval, toInt64 } from './util.js';

const withMust = (name: string, params: GoFunc['params'], impl: (...a: never[]) => unknown, opts: Partial<GoFunc> = {}): Array<[string, GoFunc]> => [
  [name, fn(params, impl, opts)],
  ['must' + name[0].toUpperCase() + name.slice(1), fn(params, impl, opts)],
];

const on = (what: string) => (kind: string) => `Cannot ${what} on type ${kind}`;
const find = (what: string) => (kind: string) => `Cannot find ${what} on type ${kind}`;

function toIntIndex(v: unknown): number {
  return toInt64(v);
}

/** Sprig's list functions. */
export const LIST_FUNCS: Array<[string, GoFunc]> = [
  ['list', fn([], (...a: unknown[]) => a, { variadic: 'any' })],
  ['tuple', fn([], (...a: unknown[]) => a, { variadic: 'any' })],
  ...withMust('push', ['any', 'any'], (l: unknown, v: unknown) => [...sliceOf(l, on('push')), v]),
  ...withMust('append', ['any', 'any'], (l: unknown, v: unknown) => [...sliceOf(l, on('push')), v]),
  ...withMust('prepend', ['any', 'any'], (l: unknown, v: unknown) => [v, ...sliceOf(l, on('prepend'))]),
  ...withMust('chunk', ['int', 'any'], (size: GoInt, l: unknown) => {
    const a = sliceOf(l, (k) => `Cannot chunk type ${k}`);
    const n = size.v;
    const cs = Math.floor((a.length - 1) / n) + 1;
    const out: unknown[][] = [];
    for (let i = 0; i < cs; i++) out.push(a.slice(i * n, i * n + n));
    return out;
  }),
  ...withMust('last', ['any'], (l: unknown) => { const a = sliceOf(l, find('last')); return a.length ? a[a.length - 1] : null; }, { anyResult: true }),
  ...withMust('first', ['any'], (l: unknown) => { const a = sliceOf(l, find('first')); return a.length ? a[0] : null; }, { anyResult: true }),
  ...withMust('rest', ['any'], (l: unknown) => { const a = sliceOf(l, find('rest')); return a.slice(1); }, { anyResult: true }),
  ...withMust('initial', ['any'], (l: unknown) => { const a = sliceOf(l, find('initial')); return a.slice(0, -1); }, { anyResult: true }),
  ...withMust('reverse', ['any'], (l: unknown) => [...sliceOf(l, find('reverse'))].reverse()),
  ...withMust('compact', ['any'], (l: unknown) => sliceOf(l, on('compact')).filter((x) => !emptyish(x))),
  ...withMust('uniq', ['any'], (l: unknown) => sliceOf(l, find('uniq')).reduce<unknown[]>((acc, x) => (acc.some((y) => deepEqual(x, y)) ? acc : [...acc, x]), [])),
  ...withMust('without', ['any'], (l: unknown, ...omit: unknown[]) => sliceOf(l, find('without')).filter((x) => !omit.some((o) => deepEqual(x, o))), { variadic: 'any' }),
  ...withMust('has', ['any', 'any'], (needle: unknown, hay: unknown) => (hay === null || hay === undefined ? false : sliceOf(hay, find('has')).some((x) => deepEqual(needle, x)))),
  ...withMust('slice', ['any'], (l: unknown, ...ix: unknown[]) => {
    const a = sliceOf(l, (k) => `list should be type of slice or array but ${k}`);
    if (a.length === 0) return null;
    const start = ix.length > 0 ? toIntIndex(ix[0]) : 0;
    const end = ix.length < 2 ? a.length : toIntIndex(ix[1]);
    if (start < 0 || end < start || end > a.length) throw new GoError('reflect.Value.Slice: slice index out of bounds');
    const out = a.slice(start, end);
    return l instanceof GoStrings ? GoStrings.from(out as string[]) : out;
  }, { variadic: 'any', anyResult: true }),
  ['concat', fn([], (...lists: unknown[]) => {
    const out: unknown[] = [];
    for (const l of lists) out.push(...sliceOf(l, (k) => `Cannot concat type ${k} as list`));
    return out;
  }, { variadic: 'any', anyResult: true })],
  ['sortAlpha', fn(['any'], (l: unknown) => {
    if (Array.isArray(l) || l instanceof Uint8Array) {
      const s = Array.isArray(l) ? l.filter((x) => x !== null && x !== undefined).map(strval) : Array.from(l, String);
      return GoStrings.from(s.sort((a, b) => (Buffer.compare(Buffer.from(a), Buffer.from(b))))) as GoStrings;
    }
    return GoStrings.from([strval(l)]) as GoStrings;
  })],
  ['until', fn(['int'], (c: GoInt) => untilStep(0, c.v, c.v < 0 ? -1 : 1))],
  ['untilStep', fn(['int', 'int', 'int'], (a: GoInt, b: GoInt, s: GoInt) => untilStep(a.v, b.v, s.v))],
  ['seq', fn([], (...p: GoInt[]) => seq(p.map((x) => x.v)), { variadic: 'int' })],
];

function emptyish(x: unknown): boolean {
  if (x === null || x === undefined) return true;
  if (typeof x === 'string') return x === '';
  if (typeof x === 'number') return x === 0;
  if (typeof x === 'boolean') return !x;
  if (x instanceof GoInt) return x.v === 0;
  if (Array.isArray(x)) return x.length === 0;
  if (isMap(x)) return x.size === 0;
  return false;
}

/** Sprig's untilStep as Go []int. */
export function untilStep(start: number, stop: number, step: number): GoInt[] {
  const v: GoInt[] = [];
  if (stop < start) {
    if (step >= 0) return v;
    for (let i = start; i > stop; i += step) { v.push(new GoInt(i)); if (v.length > 1e6) throw new GoError('until: too many elements'); }
    return v;
  }
  if (step <= 0) return v;
  for (let i = start; i < stop; i += step) { v.push(new GoInt(i)); if (v.length > 1e6) throw new GoError('until: too many elements'); }
  return v;
}

function seq(p: number[]): string {
  const join = (a: GoInt[]) => a.map((x) => x.v).join(' ');
  switch (p.length) {
    case 0: return '';
    case 1: { const inc = p[0] < 1 ? -1 : 1; return join(untilStep(1, p[0] + inc, inc)); }
    case 2: { const step = p[1] < p[0] ? -1 : 1; return join(untilStep(p[0], p[1] + step, step)); }
    case 3: {
      let inc = 1;
      if (p[2] < p[0]) { inc = -1; if (p[1] > 0) return ''; }
      return join(untilStep(p[0], p[2] + inc, p[1]));
    }
    default: return '';
  }
}
