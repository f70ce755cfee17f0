/** text/template's builtin functions (Go 1.19 funcs.go): and, or, not, len, index, slice, print*, html, js, urlquery, call, eq/ne/lt/le/gt/ge. */
import { sprint, sprintf, sprintln } from './fmt.js';
import { fn, GoError, type FuncMap, type GoFunc } from './funcmap.js';
import { GoInt, isMap, isTrue, typeName } from './value.js';

type Kind = 'invalid' | 'bool' | 'float' | 'int' | 'uint' | 'string';

function basicKind(v: unknown): Kind {
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'float';
  if (typeof v === 'string') return 'string';
  if (v instanceof GoInt) return v.kind.startsWith('uint') ? 'uint' : 'int';
  return 'invalid';
}
const errBadComparisonType = () => new GoError('invalid type for comparison');
const errBadComparison = () => new GoError('incompatible types for comparison');
const num = (v: unknown): number => (v instanceof GoInt ? v.v : (v as number));

function eq(a0: unknown, ...rest0: unknown[]): boolean {
  const a = a0 === null ? undefined : a0;
  const rest = rest0.map((x) => (x === null ? undefined : x));
  if (rest.length === 0) throw new GoError('missing argument for comparison');
  const k1 = basicKind(a);
  for (const b of rest) {
    const k2 = basicKind(b);
    let truth = false;
    if (k1 !== k2) {
      if ((k1 === 'int' && k2 === 'uint') || (k1 === 'uint' && k2 === 'int')) truth = num(a) === num(b);
      else if (a !== undefined && b !== undefined) throw errBadComparison();
    } else if (k1 === 'invalid') {
      if (a === undefined || b === undefined) truth = a === b;
      else if (a === null || b === null) truth = a === b;
      else throw new GoError(`non-comparable type ${sprintf('%s', [a])}: ${typeName(a)}`);
    } else truth = k1 === 'string' || k1 === 'bool' ? a === b : num(a) === num(b);
    if (truth) return true;
  }
  return false;
}

function lt(a0: unknown, b0: unknown): boolean {
  const [a, b] = [a0 ?? undefined, b0 ?? undefined];
  const k1 = basicKind(a);
  if (k1 === 'invalid') throw errBadComparisonType();
  const k2 = basicKind(b);
  if (k2 === 'invalid') throw errBadComparisonType();
  if (k1 !== k2) {
    if ((k1 === 'int' && k2 === 'uint') || (k1 === 'uint' && k2 === 'int')) return num(a) < num(b);
    throw errBadComparison();
  }
  if (k1 === 'bool') throw errBadComparisonType();
  if (k1 === 'string') return (a as string) < (b as string);
  return num(a) < num(b);
}

function index(item: unknown, ...indexes: unknown[]): unknown {
  if (item === undefined || item === null) throw new GoError('index of untyped nil');
  let cur: unknown = item;
  for (const ix of indexes) {
    if (cur === null || cur === undefined) throw new GoError('index of nil pointer');
    if (Array.isArray(cur) || typeof cur === 'string') {
      const len = typeof cur === 'string' ? Buffer.byteLength(cur) : cur.length;
      const x = indexArg(ix, len);
      if (x === len) throw new GoError(`reflect: ${typeof cur === 'string' ? 'string' : 'slice'} index out of range`);
      cur = typeof cur === 'string' ? new GoInt(Buffer.from(cur)[x], 'uint8') : cur[x];
    } else if (isMap(cur)) {
      if (ix === undefined || ix === null) cur = cur.get('') ?? null;
      else if (typeof ix !== 'string') throw new GoError(`value has type ${typeName(ix)}; should be string`);
      else cur = cur.has(ix) ? cur.get(ix) : null;
    } else throw new GoError(`can't index item of type ${typeName(cur)}`);
  }
  return cur;
}

function indexArg(ix: unknown, cap: number): number {
  if (ix === undefined || ix === null) throw new GoError('cannot index slice/array with nil');
  if (!(ix instanceof GoInt)) throw new GoError(`cannot index slice/array with type ${typeName(ix)}`);
  if (ix.v < 0 || ix.v > cap) throw new GoError(`index out of range: ${ix.v}`);
  return ix.v;
}

function length(item: unknown): GoInt {
  if (item === null) throw new GoError('len of nil pointer');
  if (typeof item === 'string') return new GoInt(Buffer.byteLength(item));
  if (Array.isArray(item)) return new GoInt(item.length);
  if (isMap(item)) return new GoInt(item.size);
  if (item === undefined) throw new GoError('reflect: call of reflect.Value.Type on zero Value');
  throw new GoError(`len of type ${typeName(item)}`);
}

function evalArgs(args: unknown[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args);
}

/** template.HTMLEscapeString. */
export function htmlEscape(s: string): string {
  return s.replace(/[\0"'&<>]/g, (c) => ({ '\0': '\uFFFD', '"': '&#34;', "'": '&#39;', '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] as string);
}

/** template.JSEscapeString. */
export function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    const m: Record<string, string> = { '\\': '\\\\', "'": "\\'", '"': '\\"', '<': '\\u003C', '>': '\\u003E', '&': '\\u0026', '=': '\\u003D' };
    if (m[ch]) out += m[ch];
    else if (cp < 0x20) out += '\\u00' + cp.toString(16).toUpperCase().padStart(2, '0');
    else if (cp >= 0x80 && !/[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(ch) && ch !== ' ') out += '\\u' + cp.toString(16).toUpperCase().padStart(4, '0');
    else out += ch;
  }
  return out;
}

/** url.QueryEscape. */
export function queryEscape(s: string): string {
  return Array.from(Buffer.from(s, 'utf8'), (b) => {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) return c;
    if (c === ' ') return '+';
    return '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }).join('');
}

const entries: Array<[string, GoFunc]> = [
  ['and', fn(['value'], () => undefined, { variadic: 'value', builtin: true })],
  ['or', fn(['value'], () => undefined, { variadic: 'value', builtin: true })],
  ['not', fn(['value'], (v: unknown) => !isTrue(v), { builtin: true })],
  ['len', fn(['value'], length, { builtin: true })],
  ['index', fn(['value'], index, { variadic: 'value', builtin: true, anyResult: true })],
  ['slice', fn(['value'], () => { throw new GoError('slice is replaced by Sprig'); }, { variadic: 'value', builtin: true })],
  ['print', fn([], (...a: unknown[]) => sprint(a), { variadic: 'any', builtin: true })],
  ['printf', fn(['string'], (f: string, ...a: unknown[]) => sprintf(f, a), { variadic: 'any', builtin: true })],
  ['println', fn([], (...a: unknown[]) => sprintln(a), { variadic: 'any', builtin: true })],
  ['html', fn([], (...a: unknown[]) => htmlEscape(evalArgs(a)), { variadic: 'any', builtin: true })],
  ['js', fn([], (...a: unknown[]) => jsEscape(evalArgs(a)), { variadic: 'any', builtin: true })],
  ['urlquery', fn([], (...a: unknown[]) => queryEscape(evalArgs(a)), { variadic: 'any', builtin: true })],
  ['call', fn(['value'], (f: unknown) => { throw new GoError(`non-function of type ${typeName(f)}`); }, { variadic: 'value', builtin: true })],
  ['eq', fn(['value'], eq, { variadic: 'value', builtin: true })],
  ['ne', fn(['value', 'value'], (a: unknown, b: unknown) => !eq(a, b), { builtin: true })],
  ['lt', fn(['value', 'value'], lt, { builtin: true })],
  ['le', fn(['value', 'value'], (a: unknown, b: unknown) => lt(a, b) || eq(a, b), { builtin: true })],
  ['gt', fn(['value', 'value'], (a: unknown, b: unknown) => !(lt(a, b) || eq(a, b)), { builtin: true })],
  ['ge', fn(['value', 'value'], (a: unknown, b: unknown) => !lt(a, b), { builtin: true })],
];

/** Go's builtin function map. */
export const GO_BUILTINS: FuncMap = new Map(entries);
