/** Sprig's string functions (strings.go and its goutils/xstrings helpers). */
import { formatValue } from '../go/fmt.js';
import { fn, type GoFunc } from '../go/funcmap.js';
import { quote as goQuote } from '../go/strconv.js';
import { GoInt, GoStrings, isMap } from '../go/value.js';
import { byteLen, byteSlice, strval } from './util.js';

const plain = { minus: false, plus: false, sharp: false, space: false, zero: false, verb: 'v' };
const isSpaceRune = (c: string) => /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/.test(c);
const trimSpace = (s: string) => s.replace(/^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g, '');

function cutset(s: string, set: string, left: boolean, right: boolean): string {
  const chars = [...s];
  const inSet = (c: string) => set.includes(c);
  let a = 0;
  let b = chars.length;
  if (left) while (a < b && inSet(chars[a])) a++;
  if (right) while (b > a && inSet(chars[b - 1])) b--;
  return chars.slice(a, b).join('');
}

function title(s: string): string {
  let prev = ' ';
  let out = '';
  for (const c of s) {
    const sep = !/[\p{L}\p{N}_]/u.test(prev) && !(prev.codePointAt(0)! < 0x80 && /[0-9A-Za-z_]/.test(prev));
    out += sep ? c.toUpperCase() : c;
    prev = c;
  }
  return out;
}

function abbreviateFull(str: string, offset: number, maxWidth: number): string {
  if (str === '') return '';
  const len = byteLen(str);
  if (len <= maxWidth) return str;
  if (offset > len) offset = len;
  if (len - offset < maxWidth - 3) offset = len - (maxWidth - 3);
  if (offset <= 4) return byteSlice(str, 0, maxWidth - 3) + '...';
  if (offset + maxWidth - 3 < len) return '...' + abbreviateFull(byteSlice(str, offset), 0, maxWidth - 3);
  return '...' + byteSlice(str, len - (maxWidth - 3));
}

function swapCase(s: string): string {
  return [...s].map((c) => (c === c.toUpperCase() && c !== c.toLowerCase() ? c.toLowerCase() : c === c.toLowerCase() && c !== c.toUpperCase() ? c.toUpperCase() : c)).join('');
}

function initials(s: string): string {
  let out = '';
  let lastSep = true;
  for (const c of s) {
    if (isSpaceRune(c)) lastSep = true;
    else if (lastSep) { out += c; lastSep = false; }
  }
  return out;
}

/** goutils.WrapCustom. */
function wrapCustom(str: string, wrapLength: number, newLine: string, wrapLongWords: boolean): string {
  if (str === '') return '';
  if (newLine === '') newLine = '\n';
  if (wrapLength < 1) wrapLength = 1;
  const inputLineLength = str.length;
  let offset = 0;
  let out = '';
  while (inputLineLength - offset > wrapLength) {
    if (str[offset] === ' ') { offset++; continue; }
    const end = wrapLength + offset + 1;
    const spaceToWrapAt = str.slice(offset, end).lastIndexOf(' ') + offset;
    if (spaceToWrapAt >= offset) {
      out += str.slice(offset, spaceToWrapAt) + newLine;
      offset = spaceToWrapAt + 1;
    } else if (wrapLongWords) {
      out += str.slice(offset, wrapLength + offset) + newLine;
      offset += wrapLength;
    } else {
      const next = str.slice(wrapLength + offset).indexOf(' ');
      if (next === -1) { out += str.slice(offset); offset = inputLineLength; }
      else { const at = next + wrapLength + offset; out += str.slice(offset, at) + newLine; offset = at + 1; }
    }
  }
  return out + str.slice(offset);
}

function words(s: string): string[] {
  return s.split(/[^\p{L}\p{N}]+/u).flatMap((w) => w.split(/(?<=[\p{Ll}\p{N}])(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})/u)).filter(Boolean);
}

function quoteAll(args: unknown[], q: (s: unknown) => string): string {
  return args.filter((a) => a !== null && a !== undefined).map(q).join(' ');
}

/** Sprig's string functions. */
export const STRING_FUNCS: Array<[string, GoFunc]> = [
  ['abbrev', fn(['int', 'string'], (w: GoInt, s: string) => (w.v < 4 ? s : abbreviateFull(s, 0, w.v)))],
  ['abbrevboth', fn(['int', 'int', 'string'], (l: GoInt, r: GoInt, s: string) => (r.v < 4 || (l.v > 0 && r.v < 7) ? s : abbreviateFull(s, l.v, r.v)))],
  ['trunc', fn(['int', 'string'], (c: GoInt, s: string) => {
    const n = byteLen(s);
    if (c.v < 0 && n + c.v > 0) return byteSlice(s, n + c.v);
    if (c.v >= 0 && n > c.v) return byteSlice(s, 0, c.v);
    return s;
  })],
  ['trim', fn(['string'], trimSpace)],
  ['upper', fn(['string'], (s: string) => s.toUpperCase())],
  ['lower', fn(['string'], (s: string) => s.toLowerCase())],
  ['title', fn(['string'], title)],
  ['untitle', fn(['string'], (s: string) => { let prevSpace = true; return [...s].map((c) => { const out = prevSpace ? c.toLowerCase() : c; prevSpace = isSpaceRune(c); return out; }).join(''); })],
  ['substr', fn(['int', 'int', 'string'], (a: GoInt, b: GoInt, s: string) => {
    if (a.v < 0) return byteSlice(s, 0, b.v);
    if (b.v < 0 || b.v > byteLen(s)) return byteSlice(s, a.v);
    return byteSlice(s, a.v, b.v);
  })],
  ['repeat', fn(['int', 'string'], (c: GoInt, s: string) => { if (c.v < 0) throw new Error('strings: negative Repeat count'); return s.repeat(c.v); })],
  ['trimall', fn(['string', 'string'], (a: string, b: string) => cutset(b, a, true, true))],
  ['trimAll', fn(['string', 'string'], (a: string, b: string) => cutset(b, a, true, true))],
  ['trimSuffix', fn(['string', 'string'], (a: string, b: string) => (a && b.endsWith(a) ? b.slice(0, b.length - a.length) : b))],
  ['trimPrefix', fn(['string', 'string'], (a: string, b: string) => (b.startsWith(a) ? b.slice(a.length) : b))],
  ['nospace', fn(['string'], (s: string) => [...s].filter((c) => !isSpaceRune(c)).join(''))],
  ['initials', fn(['string'], initials)],
  ['swapcase', fn(['string'], swapCase)],
  ['snakecase', fn(['string'], (s: string) => words(s).map((w) => w.toLowerCase()).join('_'))],
  ['camelcase', fn(['string'], (s: string) => s.split('_').map((w) => (w ? w[0].toUpperCase() + w.slice(1) : '')).join(''))],
  ['kebabcase', fn(['string'], (s: string) => words(s).map((w) => w.toLowerCase()).join('-'))],
  ['wrap', fn(['int', 'string'], (l: GoInt, s: string) => wrapCustom(s, l.v, '', false))],
  ['wrapWith', fn(['int', 'string', 'string'], (l: GoInt, sep: string, s: string) => wrapCustom(s, l.v, sep, true))],
  ['contains', fn(['string', 'string'], (sub: string, s: string) => s.includes(sub))],
  ['hasPrefix', fn(['string', 'string'], (sub: string, s: string) => s.startsWith(sub))],
  ['hasSuffix', fn(['string', 'string'], (sub: string, s: string) => s.endsWith(sub))],
  ['quote', fn([], (...a: unknown[]) => quoteAll(a, (x) => goQuote(strval(x))), { variadic: 'any' })],
  ['squote', fn([], (...a: unknown[]) => quoteAll(a, (x) => `'${formatValue(x, plain)}'`), { variadic: 'any' })],
  ['cat', fn([], (...a: unknown[]) => a.filter((x) => x !== null && x !== undefined).map((x) => formatValue(x, plain)).join(' '), { variadic: 'any' })],
  ['indent', fn(['int', 'string'], (n: GoInt, s: string) => { const pad = ' '.repeat(Math.max(n.v, 0)); return pad + s.split('\n').join('\n' + pad); })],
  ['nindent', fn(['int', 'string'], (n: GoInt, s: string) => { const pad = ' '.repeat(Math.max(n.v, 0)); return '\n' + pad + s.split('\n').join('\n' + pad); })],
  ['replace', fn(['string', 'string', 'string'], (o: string, n: string, s: string) => (o === '' ? [...s].map((c) => n + c).join('') + n : s.split(o).join(n)))],
  ['plural', fn(['string', 'string', 'int'], (one: string, many: string, c: GoInt) => (c.v === 1 ? one : many))],
  ['toString', fn(['any'], strval)],
  ['split', fn(['string', 'string'], (sep: string, s: string) => new Map(goSplit(s, sep, -1).map((p, i) => [`_${i}`, p])))],
  ['splitn', fn(['string', 'int', 'string'], (sep: string, n: GoInt, s: string) => new Map(goSplit(s, sep, n.v).map((p, i) => [`_${i}`, p])))],
  ['splitList', fn(['string', 'string'], (sep: string, s: string) => GoStrings.from(goSplit(s, sep, -1)) as GoStrings)],
  ['toStrings', fn(['any'], (v: unknown) => {
    if (Array.isArray(v)) return GoStrings.from(v.filter((x) => x !== null && x !== undefined).map(strval)) as GoStrings;
    if (v instanceof Uint8Array) return GoStrings.from(Array.from(v, (b) => String(b))) as GoStrings;
    return GoStrings.from([strval(v)]) as GoStrings;
  })],
  ['join', fn(['string', 'any'], (sep: string, v: unknown) => {
    if (Array.isArray(v)) return v.filter((x) => x !== null && x !== undefined).map(strval).join(sep);
    if (isMap(v) || v === null || v === undefined) return v === null || v === undefined ? '' : strval(v);
    return strval(v);
  })],
];

/** strings.SplitN (n < 0: all). */
export function goSplit(s: string, sep: string, n: number): string[] {
  if (n === 0) return [];
  if (sep === '') {
    const chars = [...s];
    if (n > 0 && chars.length > n) return [...chars.slice(0, n - 1), chars.slice(n - 1).join('')];
    return chars;
  }
  const parts = s.split(sep);
  if (n > 0 && parts.length > n) return [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
  return parts;
}
