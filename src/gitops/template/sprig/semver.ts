/** Masterminds/semver v3 as Sprig uses it: semver (parse) and semverCompare (constraints). */
import { fn, GoError, type GoFunc } from '../go/funcmap.js';
import { GoInt } from '../go/value.js';

interface Version { major: number; minor: number; patch: number; pre: string; meta: string; original: string }

const VERSION = /^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?(\+([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?$/;

function parseVersion(s: string): Version {
  const m = VERSION.exec(s);
  if (!m) throw new GoError('Invalid Semantic Version');
  const pre = m[5] ?? '';
  for (const p of pre ? pre.split('.') : []) if (/^[0-9]+$/.test(p) && p.length > 1 && p.startsWith('0')) throw new GoError('Version segment starts with 0');
  return { major: Number(m[1]), minor: Number((m[2] ?? '.0').slice(1)), patch: Number((m[3] ?? '.0').slice(1)), pre, meta: m[8] ?? '', original: s };
}

function comparePre(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '') return 1;
  if (b === '') return -1;
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    if (i >= pa.length) return -1;
    if (i >= pb.length) return 1;
    const x = pa[i];
    const y = pb[i];
    if (x === y) continue;
    const xn = /^[0-9]+$/.test(x);
    const yn = /^[0-9]+$/.test(y);
    if (xn && yn) return Number(x) < Number(y) ? -1 : 1;
    if (xn) return -1;
    if (yn) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

function compare(a: Version, b: Version): number {
  for (const k of ['major', 'minor', 'patch'] as const) if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  return comparePre(a.pre, b.pre);
}

interface Term { op: string; v: Version; dirty: 0 | 1 | 2 | 3 }

const TERM = /^\s*(=|!=|>=|=>|<=|=<|>|<|~>|~|\^)?\s*v?([0-9xX*]+)(\.[0-9xX*]+)?(\.[0-9xX*]+)?(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?\s*$/;

function parseTerm(s: string): Term {
  const m = TERM.exec(s);
  if (!m) throw new GoError(`improper constraint: ${s}`);
  const parts = [m[2], m[3]?.slice(1), m[4]?.slice(1)];
  const wild = (p: string | undefined) => p === undefined || /^[xX*]$/.test(p);
  let dirty: Term['dirty'] = 0;
  if (wild(parts[0])) dirty = 1; else if (wild(parts[1])) dirty = 2; else if (wild(parts[2])) dirty = 3;
  const num = (p: string | undefined) => (p === undefined || /^[xX*]$/.test(p) ? 0 : Number(p));
  const v: Version = { major: num(parts[0]), minor: num(parts[1]), patch: num(parts[2]), pre: (m[5] ?? '').slice(1), meta: '', original: s };
  const explicit = { minor: parts[1] !== undefined, patch: parts[2] !== undefined };
  const op = m[1] ?? '';
  return { op, v, dirty: op === '' || op === '=' || op === '!=' || op === '<=' || op === '=<' || op === '>' || op === '<' ? dirty : explicit.minor || op === '~' || op === '~>' || op === '^' ? dirty : dirty };
}

// eslint-disable-next-line complexity -- a port of one of Go's switch-heavy functions, kept whole so it reads against the original
function check(t: Term, v: Version): boolean {
  const c = t.v;
  if (v.pre !== '' && c.pre === '') return false;
  const cmp = compare(v, c);
  const bump = (level: 1 | 2 | 3): Version => {
    if (level === 1) return { ...c, major: c.major + 1, minor: 0, patch: 0, pre: '' };
    if (level === 2) return { ...c, minor: c.minor + 1, patch: 0, pre: '' };
    return { ...c, patch: c.patch + 1, pre: '' };
  };
  const inWild = () => t.dirty === 1 || (compare(v, c) >= 0 && compare(v, bump(t.dirty === 2 ? 1 : 2)) < 0);
  switch (t.op) {
    case '': case '=': return t.dirty ? inWild() : cmp === 0;
    case '!=': return t.dirty ? !inWild() : cmp !== 0;
    case '>': if (t.dirty === 1) return false; return t.dirty ? compare(v, bump(t.dirty === 2 ? 1 : 2)) >= 0 : cmp > 0;
    case '<': return t.dirty === 1 ? false : cmp < 0;
    case '>=': case '=>': return cmp >= 0;
    case '<=': case '=<': if (t.dirty === 1) return true; return t.dirty ? compare(v, bump(t.dirty === 2 ? 1 : 2)) < 0 : cmp <= 0;
    case '~': case '~>': {
      if (cmp < 0) return false;
      if (t.dirty === 1) return true;
      return compare(v, t.dirty === 2 ? bump(1) : bump(2)) < 0;
    }
    case '^': {
      if (cmp < 0) return false;
      if (c.major > 0 || t.dirty === 1) return v.major === c.major || t.dirty === 1;
      if (c.minor > 0 || t.dirty === 2) return v.major === 0 && (t.dirty === 2 || v.minor === c.minor);
      if (t.dirty === 3) return v.major === 0 && v.minor === c.minor;
      return v.major === 0 && v.minor === 0 && v.patch === c.patch;
    }
  }
  return false;
}

function parseConstraint(s: string): Term[][] {
  return s.split('||').map((group) => {
    const g = group.trim().replace(/\s*([0-9xX*][^\s,]*)\s+-\s+(v?[0-9xX*][^\s,]*)/g, '>= $1, <= $2').replace(/(=|!=|>=|=>|<=|=<|>|<|~>|~|\^)\s+/g, '$1');
    const terms = g.split(/\s*,\s*|\s+(?=[=!<>~^]|v?[0-9])/).filter((x) => x.trim() !== '');
    if (!terms.length) throw new GoError(`improper constraint: ${s}`);
    return terms.map((x) => { try { return parseTerm(x); } catch { throw new GoError(`improper constraint: ${s}`); } });
  });
}

/** Sprig's semver functions. */
export const SEMVER_FUNCS: Array<[string, GoFunc]> = [
  ['semverCompare', fn(['string', 'string'], (constraint: string, version: string) => {
    const groups = parseConstraint(constraint);
    const v = parseVersion(version);
    return groups.some((g) => g.every((t) => check(t, v)));
  })],
  ['semver', fn(['string'], (s: string) => {
    const v = parseVersion(s);
    const m = new Map<string, unknown>([['Major', new GoInt(v.major, 'uint64')], ['Minor', new GoInt(v.minor, 'uint64')], ['Patch', new GoInt(v.patch, 'uint64')], ['Prerelease', v.pre], ['Metadata', v.meta], ['Original', v.original]]);
    return m;
  })],
];
