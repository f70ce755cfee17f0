/** Sprig's reflection, path, regex, URL, random and crypto functions. */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { posix } from 'node:path';
import { createContext, Script } from 'node:vm';
import { fn, GoError, type GoFunc } from '../go/funcmap.js';
import { GoInt, GoStrings, kindName, typeName, type GoMap } from '../go/value.js';
import { formatValue } from '../go/fmt.js';

const plain = { minus: false, plus: false, sharp: false, space: false, zero: false, verb: 'v' };

/** Go RE2 syntax to a JS RegExp (named groups, leading inline flags); throws Go's error text on failure. */
export function goRegexp(expr: string, global = false): RegExp {
  let src = expr.replace(/\(\?P</g, '(?<');
  let flags = global ? 'gu' : 'u';
  const m = /^\(\?([imsU]+)\)/.exec(src);
  if (m) { src = src.slice(m[0].length); if (m[1].includes('i')) flags += 'i'; if (m[1].includes('s')) flags += 's'; if (m[1].includes('m')) flags += 'm'; }
  if (/\\[zAQE]|\\p\{[A-Z][a-z]?\}/.test(src)) src = src.replace(/\\z/g, '$(?![\\s\\S])').replace(/\\A/g, '^(?<![\\s\\S])');
  try { return new RegExp(src, flags); } catch (e) { throw new GoError(`error parsing regexp: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`); }
}

/** A regexp that ran past its time limit. */
class RegexTimeout extends GoError {}

// JavaScript regexps backtrack (Go's RE2 does not): a pattern such as (a+)+$ can take exponential
// time and would stall every controller in the process, so each evaluation runs under a watchdog.
const sandbox = createContext({});
const runner = new Script('__out.v = __f()');
const REGEX_TIMEOUT_MS = 250;
function bounded<T>(f: () => T): T {
  const out: { v?: T } = {};
  Object.assign(sandbox, { __f: f, __out: out });
  try {
    runner.runInContext(sandbox, { timeout: REGEX_TIMEOUT_MS });
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw new RegexTimeout(`regexp evaluation took longer than ${REGEX_TIMEOUT_MS}ms (catastrophic backtracking)`);
    throw e;
  } finally {
    Object.assign(sandbox, { __f: undefined, __out: undefined });
  }
  return out.v as T;
}

/** Expands a Go replacement template ($1, ${1}, $name, ${name}, $$). */
function expand(template: string, m: RegExpExecArray | string[], groups: Record<string, string> | undefined): string {
  return template.replace(/\$(\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g, (_all, d: string, braced?: string, bare?: string) => {
    if (d === '$') return '$';
    const name = braced ?? bare ?? '';
    if (/^[0-9]+$/.test(name)) return m[Number(name)] ?? '';
    return groups?.[name] ?? '';
  });
}

const regexFuncs = (name: string, params: GoFunc['params'], impl: (...a: never[]) => unknown): Array<[string, GoFunc]> => [
  [name, fn(params, (...a: never[]) => {
    try { return bounded(() => impl(...a)); } catch (e) { if (name === 'regexMatch' && !(e instanceof RegexTimeout)) return false; throw e; }
  })],
  ['must' + name[0].toUpperCase() + name.slice(1), fn(params, (...a: never[]) => bounded(() => impl(...a)))],
];

function findAll(re: RegExp, s: string, n: number): string[] {
  const out: string[] = [];
  if (n === 0) return out;
  for (const m of s.matchAll(re)) { out.push(m[0]); if (n > 0 && out.length >= n) break; }
  return out;
}

/** Sprig's miscellaneous functions. */
export const MISC_FUNCS: Array<[string, GoFunc]> = [
  ['hello', fn([], () => 'Hello!')],
  ['typeOf', fn(['any'], (v: unknown) => (v === null || v === undefined ? '<nil>' : typeName(v)))],
  ['typeIs', fn(['string', 'any'], (t: string, v: unknown) => t === (v === null || v === undefined ? '<nil>' : typeName(v)))],
  ['typeIsLike', fn(['string', 'any'], (t: string, v: unknown) => { const n = v === null || v === undefined ? '<nil>' : typeName(v); return t === n || '*' + t === n; })],
  ['kindOf', fn(['any'], kindName)],
  ['kindIs', fn(['string', 'any'], (t: string, v: unknown) => t === kindName(v))],
  ['base', fn(['string'], (s: string) => (s === '' ? '.' : posix.basename(s.replace(/\/+$/, '')) || '/'))],
  ['dir', fn(['string'], goDir)],
  ['clean', fn(['string'], (s: string) => (s === '' ? '.' : posix.normalize(s).replace(/(.)\/$/, '$1')))],
  ['ext', fn(['string'], (s: string) => { const b = s.slice(s.lastIndexOf('/') + 1); const i = b.lastIndexOf('.'); return i >= 0 ? b.slice(i) : ''; })],
  ['isAbs', fn(['string'], (s: string) => s.startsWith('/'))],
  ['osBase', fn(['string'], (s: string) => (s === '' ? '.' : posix.basename(s.replace(/\/+$/, '')) || '/'))],
  ['osDir', fn(['string'], goDir)],
  ['osClean', fn(['string'], (s: string) => (s === '' ? '.' : posix.normalize(s).replace(/(.)\/$/, '$1')))],
  ['osExt', fn(['string'], (s: string) => { const b = s.slice(s.lastIndexOf('/') + 1); const i = b.lastIndexOf('.'); return i >= 0 ? b.slice(i) : ''; })],
  ['osIsAbs', fn(['string'], (s: string) => s.startsWith('/'))],
  ...regexFuncs('regexMatch', ['string', 'string'], (re: string, s: string) => goRegexp(re).test(s)),
  ...regexFuncs('regexFindAll', ['string', 'string', 'int'], (re: string, s: string, n: GoInt) => GoStrings.from(findAll(goRegexp(re, true), s, n.v)) as GoStrings),
  ...regexFuncs('regexFind', ['string', 'string'], (re: string, s: string) => goRegexp(re).exec(s)?.[0] ?? ''),
  ...regexFuncs('regexReplaceAll', ['string', 'string', 'string'], (re: string, s: string, repl: string) => s.replace(goRegexp(re, true), (...args: unknown[]) => {
    const groups = typeof args[args.length - 1] === 'object' ? (args[args.length - 1] as Record<string, string>) : undefined;
    const caps = args.slice(0, groups ? -3 : -2).map((x) => (x === undefined ? '' : String(x)));
    return expand(repl, caps, groups);
  })),
  ...regexFuncs('regexReplaceAllLiteral', ['string', 'string', 'string'], (re: string, s: string, repl: string) => s.replace(goRegexp(re, true), () => repl)),
  ...regexFuncs('regexSplit', ['string', 'string', 'int'], (re: string, s: string, n: GoInt) => GoStrings.from(regexSplit(goRegexp(re, true), s, n.v)) as GoStrings),
  ['regexQuoteMeta', fn(['string'], (s: string) => s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&'))],
  ['urlParse', fn(['string'], urlParse)],
  ['urlJoin', fn(['map'], urlJoin)],
  ['uuidv4', fn([], () => randomUUID())],
  ['randBytes', fn(['int'], (n: GoInt) => randomBytes(Math.max(0, n.v)).toString('base64'))],
  ['randAlphaNum', fn(['int'], (n: GoInt) => randomFrom('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', n.v))],
  ['randAlpha', fn(['int'], (n: GoInt) => randomFrom('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', n.v))],
  ['randAscii', fn(['int'], (n: GoInt) => randomFrom(Array.from({ length: 94 }, (_, i) => String.fromCharCode(32 + i + 1)).join(''), n.v))],
  ['randNumeric', fn(['int'], (n: GoInt) => randomFrom('0123456789', n.v))],
  ['shuffle', fn(['string'], (s: string) => { const a = [...s]; for (let i = a.length - 1; i > 0; i--) { const j = Math.floor(Math.random() * (i + 1)); [a[i], a[j]] = [a[j], a[i]]; } return a.join(''); })],
  ['fail', fn(['string'], (msg: string) => { throw new GoError(msg); })],
  ['derivePassword', fn(['any', 'string', 'string', 'string', 'string'], () => { throw new GoError('derivePassword is not supported by Meridian'); })],
];

/** path.Clean. */
function goClean(s: string): string {
  if (s === '') return '.';
  const n = posix.normalize(s);
  return n.length > 1 ? n.replace(/\/$/, '') : n;
}

/** path.Dir: everything up to the last slash, cleaned. */
function goDir(s: string): string {
  return goClean(s.slice(0, s.lastIndexOf('/') + 1));
}

function randomFrom(chars: string, n: number): string {
  if (n < 0) throw new GoError(`Requested random string length ${n} is less than 0.`);
  if (n > 1 << 20) throw new GoError('random string too long');
  const bytes = randomBytes(n * 2);
  return Array.from({ length: n }, (_, i) => chars[bytes.readUInt16BE(i * 2) % chars.length]).join('');
}

function regexSplit(re: RegExp, s: string, n: number): string[] {
  if (n === 0) return [];
  if (re.source === '(?:)' && s.length > 0) return [...s].slice(0, n < 0 ? undefined : n);
  const out: string[] = [];
  let beg = 0;
  for (const m of s.matchAll(re)) {
    if (n > 0 && out.length === n - 1) break;
    const end = m.index ?? 0;
    if (m[0].length === 0) { if (end === 0) continue; }
    out.push(s.slice(beg, end));
    beg = end + m[0].length;
  }
  out.push(s.slice(beg));
  return out;
}

function urlParse(v: string): GoMap {
  let u: URL;
  try { u = new URL(v); } catch { throw new GoError(`unable to parse url: parse ${JSON.stringify(v)}: invalid URL`); }
  const m: GoMap = new Map();
  m.set('scheme', u.protocol.replace(/:$/, ''));
  m.set('host', u.host);
  m.set('hostname', u.hostname);
  m.set('path', decodeURIComponent(u.pathname === '/' && !/^[a-z]+:\/\/[^/]*\//i.test(v) ? '' : u.pathname));
  m.set('query', u.search.replace(/^\?/, ''));
  m.set('opaque', '');
  m.set('fragment', decodeURIComponent(u.hash.replace(/^#/, '')));
  m.set('userinfo', u.username ? (u.password ? `${u.username}:${u.password}` : u.username) : '');
  return m;
}

function urlJoin(d: GoMap): string {
  const s = (k: string) => { const x = d.get(k); return x === undefined ? '' : typeof x === 'string' ? x : formatValue(x, plain); };
  let out = '';
  if (s('scheme')) out += s('scheme') + ':';
  if (s('host') || s('userinfo')) out += '//' + (s('userinfo') ? s('userinfo') + '@' : '') + s('host');
  out += s('path');
  if (s('query')) out += '?' + s('query');
  if (s('fragment')) out += '#' + s('fragment');
  return out;
}

/** Functions that need keys, certificates or passwords: registered so templates parse as in Go, but refused when called. */
export const UNSUPPORTED_FUNCS: Array<[string, GoFunc]> = ['bcrypt', 'htpasswd', 'genPrivateKey', 'buildCustomCert', 'genCA', 'genCAWithKey', 'genSelfSignedCert', 'genSelfSignedCertWithKey', 'genSignedCert', 'genSignedCertWithKey']
  .map((name) => [name, fn([], () => { throw new GoError(`${name} is not supported by Meridian's template engine`); }, { variadic: 'any' })]);

void createHash;
