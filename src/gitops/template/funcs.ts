import { stringify } from 'yaml';

/** A template function: receives evaluated arguments (the piped value last). */
export type TemplateFunc = (...args: unknown[]) => unknown;

/** Go's notion of an empty value: false, 0, nil, "" and empty lists and maps. */
export function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v as object).length === 0;
  return false;
}

/** How a value prints in template output. */
export function printValue(v: unknown): string {
  if (v === undefined || v === null) return '<no value>';
  if (typeof v === 'string') return v;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

const str = (v: unknown): string => (v === undefined || v === null ? '' : printValue(v));

function index(container: unknown, ...keys: unknown[]): unknown {
  let cur = container;
  for (const k of keys) {
    if (cur === undefined || cur === null) throw new Error(`index of nil with key ${JSON.stringify(k)}`);
    if (Array.isArray(cur)) {
      if (typeof k !== 'number' || k < 0 || k >= cur.length) throw new Error(`index out of range: ${String(k)}`);
      cur = cur[k];
    } else if (typeof cur === 'object') cur = (cur as Record<string, unknown>)[String(k)];
    else throw new Error(`cannot index ${typeof cur} with ${JSON.stringify(k)}`);
  }
  return cur;
}

function printf(format: unknown, ...args: unknown[]): string {
  let i = 0;
  return str(format).replace(/%([-+ 0#]*\d*(?:\.\d+)?)([svdqtfx%])/g, (_m, _flags: string, verb: string) => {
    if (verb === '%') return '%';
    const a = args[i++];
    if (verb === 'q') return JSON.stringify(str(a));
    if (verb === 'd') return String(Math.trunc(Number(a)));
    if (verb === 'x') return Number(a).toString(16);
    return printValue(a);
  });
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  throw new Error(`incompatible types for comparison: ${typeof a} and ${typeof b}`);
}

/** The functions a template may call: Go's builtins and the sprig functions ArgoCD users rely on. */
export const FUNCS: Record<string, TemplateFunc> = {
  index,
  printf,
  print: (...a) => a.map(str).join(''),
  len: (v) => (typeof v === 'string' || Array.isArray(v) ? v.length : v && typeof v === 'object' ? Object.keys(v).length : 0),
  not: (v) => isEmpty(v),
  and: (...a) => a.find((x) => isEmpty(x)) ?? a[a.length - 1],
  or: (...a) => a.find((x) => !isEmpty(x)) ?? a[a.length - 1],
  eq: (a, ...b) => b.some((x) => x === a),
  ne: (a, b) => a !== b,
  lt: (a, b) => compare(a, b) < 0,
  le: (a, b) => compare(a, b) <= 0,
  gt: (a, b) => compare(a, b) > 0,
  ge: (a, b) => compare(a, b) >= 0,
  default: (d, v) => (isEmpty(v) ? d : v),
  empty: (v) => isEmpty(v),
  required: (msg, v) => { if (isEmpty(v)) throw new Error(str(msg)); return v; },
  ternary: (a, b, cond) => (isEmpty(cond) ? b : a),
  lower: (s) => str(s).toLowerCase(),
  upper: (s) => str(s).toUpperCase(),
  title: (s) => str(s).replace(/\b\w/g, (c) => c.toUpperCase()),
  trim: (s) => str(s).trim(),
  trimPrefix: (p, s) => (str(s).startsWith(str(p)) ? str(s).slice(str(p).length) : str(s)),
  trimSuffix: (p, s) => (str(s).endsWith(str(p)) && str(p) ? str(s).slice(0, -str(p).length) : str(s)),
  replace: (from, to, s) => str(s).split(str(from)).join(str(to)),
  contains: (sub, s) => str(s).includes(str(sub)),
  hasPrefix: (p, s) => str(s).startsWith(str(p)),
  hasSuffix: (p, s) => str(s).endsWith(str(p)),
  trunc: (n, s) => (Number(n) >= 0 ? str(s).slice(0, Number(n)) : str(s).slice(Number(n))),
  quote: (...a) => a.map((x) => JSON.stringify(str(x))).join(' '),
  squote: (...a) => a.map((x) => `'${str(x)}'`).join(' '),
  join: (sep, list) => (Array.isArray(list) ? list.map(str).join(str(sep)) : str(list)),
  split: (sep, s) => str(s).split(str(sep)),
  list: (...a) => a,
  dict: (...a) => Object.fromEntries(Array.from({ length: Math.floor(a.length / 2) }, (_, i) => [str(a[2 * i]), a[2 * i + 1]])),
  toYaml: (v) => (v === undefined ? '' : stringify(v).replace(/\n$/, '')),
  toJson: (v) => JSON.stringify(v ?? null),
  toString: (v: unknown) => str(v),
  atoi: (v) => Math.trunc(Number(str(v))) || 0,
  int: (v) => Math.trunc(Number(v)) || 0,
  b64enc: (v) => Buffer.from(str(v)).toString('base64'),
  b64dec: (v) => Buffer.from(str(v), 'base64').toString('utf8'),
  normalize: (v) => str(v).toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^-+|-+$/g, ''),
};
