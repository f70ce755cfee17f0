/** Go's fmt package for the values templates carry: Sprint, Sprintln, Sprintf with flags, width and precision. */
import { formatFloat, quote, quoteWith } from './strconv.js';
import { GoInt, isMap, sortedKeys, typeName } from './value.js';

interface Spec { minus: boolean; plus: boolean; sharp: boolean; space: boolean; zero: boolean; width?: number; prec?: number; verb: string; plusV?: boolean; sharpV?: boolean }

const plain: Spec = { minus: false, plus: false, sharp: false, space: false, zero: false, verb: 'v' };

function pad(s: string, spec: Spec, numeric = false): string {
  const w = spec.width ?? 0;
  const n = [...s].length;
  if (n >= w) return s;
  if (spec.minus) return s + ' '.repeat(w - n);
  if (spec.zero) {
    if (numeric && /^[+\- ]/.test(s)) return s[0] + '0'.repeat(w - n) + s.slice(1);
    return '0'.repeat(w - n) + s;
  }
  return ' '.repeat(w - n) + s;
}

function bad(v: unknown, spec: Spec): string {
  if (v === undefined || v === null) return `%!${spec.verb}(<nil>)`;
  return `%!${spec.verb}(${typeName(v)}=${formatValue(v, { ...spec, verb: 'v' })})`;
}

/** strconv's 'x' (hex mantissa, binary exponent) and 'b' formats of a float64. */
function hexFloat(v: number, verb: string, prec: number | undefined): string {
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, v);
  const bits = buf.getBigUint64(0);
  const neg = bits >> 63n === 1n;
  let exp = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  if (verb === 'b') {
    if (exp === 0) exp = 1; else mant |= 1n << 52n;
    return `${neg ? '-' : ''}${mant}p${exp - 1075 >= 0 ? '+' : ''}${exp - 1075}`;
  }
  if (exp === 0 && mant === 0n) { const z = `${neg ? "-" : ""}0x0${prec ? "." + "0".repeat(prec) : ""}p+00`; return verb === "X" ? z.toUpperCase() : z; }
  if (exp === 0) { exp = 1; while (!(mant & (1n << 52n))) { mant <<= 1n; exp--; } mant &= (1n << 52n) - 1n; }
  let e = exp - 1023;
  let digits = mant.toString(16).padStart(13, '0');
  if (prec !== undefined && prec < 13) {
    const shift = BigInt((13 - prec) * 4);
    let m = (mant | (1n << 52n));
    const half = 1n << (shift - 1n);
    const rem = m & ((1n << shift) - 1n);
    m >>= shift;
    if (rem > half || (rem === half && (m & 1n) === 1n)) m += 1n;
    if (m >> BigInt(prec * 4) >= 2n) { m >>= 1n; e++; }
    digits = prec ? (m & ((1n << BigInt(prec * 4)) - 1n)).toString(16).padStart(prec, '0') : '';
  } else {
    digits = digits.replace(/0+$/, '');
    if (prec !== undefined) digits = digits.padEnd(prec, '0');
  }
  const es = `${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  const out = `${neg ? '-' : ''}0x1${digits ? '.' + digits : ''}p${es}`;
  return verb === 'X' ? out.toUpperCase() : out;
}

const validRune = (n: number) => n >= 0 && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff);

// eslint-disable-next-line complexity -- a port of one of Go's switch-heavy functions, kept whole so it reads against the original
function fmtInt(n: number, spec: Spec, kind: string): string {
  const neg = n < 0;
  const a = Math.abs(n);
  let body: string;
  switch (spec.verb) {
    case 'v': case 'd': body = BigInt(a).toString(); break;
    case 'b': body = a.toString(2); break;
    case 'o': case 'O': body = (spec.verb === 'O' ? '0o' : spec.sharp ? '0' : '') + a.toString(8); break;
    case 'x': body = (spec.sharp ? '0x' : '') + a.toString(16); break;
    case 'X': body = (spec.sharp ? '0X' : '') + a.toString(16).toUpperCase(); break;
    case 'c': return pad(String.fromCodePoint(validRune(n) ? n : 0xfffd), { ...spec, zero: false });
    case 'q': return pad(quoteWith(String.fromCodePoint(validRune(n) ? n : 0xfffd), "'", spec.plus), { ...spec, zero: false });
    case 'U': return pad('U+' + (n < 0 ? (2n ** 64n + BigInt(n)).toString(16) : a.toString(16)).toUpperCase().padStart(4, '0'), { ...spec, zero: false });
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G':
      return bad(new GoInt(n, kind as GoInt['kind']), spec);
    default: return bad(new GoInt(n, kind as GoInt['kind']), spec);
  }
  if (spec.prec !== undefined) body = body.padStart(spec.prec, '0');
  const sign = neg ? '-' : spec.plus ? '+' : spec.space ? ' ' : '';
  return pad(sign + body, spec.prec !== undefined ? { ...spec, zero: false } : spec, true);
}

function fmtFloatV(v: number, spec: Spec): string {
  if ('xXb'.includes(spec.verb)) {
    let h = hexFloat(v, spec.verb, spec.verb === 'b' ? undefined : spec.prec);
    if (spec.plus && !h.startsWith('-')) h = '+' + h;
    else if (spec.space && !h.startsWith('-')) h = ' ' + h;
    return pad(h, spec, true);
  }
  if (spec.sharpV) spec = { ...spec, sharp: false, sharpV: false };
  const verb = spec.verb === 'v' ? 'g' : spec.verb;
  if (!'eEfFgG'.includes(verb) || verb === '') return bad(v, spec);
  const prec = spec.prec ?? ('fFeE'.includes(verb) ? 6 : -1);
  let s = formatFloat(v, verb, prec);
  if (spec.sharp && !s.includes('.') && Number.isFinite(v)) {
    const m = /^(-?[0-9]+)(e.*)?$/i.exec(s);
    if (m) s = `${m[1]}.${m[2] ?? ''}`;
  }
  if (spec.plus && !s.startsWith('-')) s = '+' + s;
  else if (spec.space && !s.startsWith('-')) s = ' ' + s;
  if (!Number.isFinite(v)) return pad(s, { ...spec, zero: false });
  return pad(s, spec, true);
}

function fmtString(s: string, spec: Spec): string {
  if (spec.sharpV) return pad(quote(s), spec);
  switch (spec.verb) {
    case 'v': case 's': return pad(spec.prec !== undefined ? [...s].slice(0, spec.prec).join('') : s, spec);
    case 'q':
      // eslint-disable-next-line no-control-regex -- Go's CanBackquote refuses control characters
      if (spec.sharp && !s.includes('`') && !/[\x00-\x08\x0b-\x1f\x7f]/.test(s)) return pad('`' + s + '`', spec);
      return pad(quoteWith(spec.prec !== undefined ? [...s].slice(0, spec.prec).join('') : s, '"', spec.plus), spec);
    case 'x': case 'X': {
      let hex = Buffer.from(s, 'utf8').toString('hex');
      if (spec.prec !== undefined) hex = hex.slice(0, spec.prec * 2);
      if (spec.verb === 'X') hex = hex.toUpperCase();
      if (spec.space) hex = (hex.match(/../g) ?? []).map((b) => (spec.sharp ? '0x' + b : b)).join(' ');
      else if (spec.sharp) hex = '0x' + hex;
      return pad(hex, spec);
    }
    default: return bad(s, spec);
  }
}

/** Formats one value for a verb, as fmt's printArg does (slices and maps element by element). */
export function formatValue(v: unknown, spec: Spec, depth = 0): string {
  if (spec.verb === 'T') return pad(v === undefined || v === null ? '<nil>' : typeName(v), spec);
  if (v === undefined || v === null) return spec.verb === 'v' || depth > 0 ? pad('<nil>', spec) : bad(v, spec);
  if (typeof v === 'string') return fmtString(v, spec);
  if (typeof v === 'number') return fmtFloatV(v, spec);
  if (v instanceof GoInt) return fmtInt(v.v, spec, v.kind);
  if (typeof v === 'boolean') return spec.verb === 'v' || spec.verb === 't' ? pad(String(v), spec) : bad(v, spec);
  if (Array.isArray(v)) {
    if (spec.sharpV) return `${typeName(v)}{${v.map((x) => formatValue(x, spec, depth + 1)).join(', ')}}`;
    return '[' + v.map((x) => formatValue(x, spec, depth + 1)).join(' ') + ']';
  }
  if (v instanceof Uint8Array) return '[' + [...v].join(' ') + ']';
  if (isMap(v)) {
    if (spec.sharpV) return `map[string]interface {}{${sortedKeys(v).map((k) => `${quote(k)}:${formatValue(v.get(k), spec, depth + 1)}`).join(', ')}}`;
    return 'map[' + sortedKeys(v).map((k) => `${formatValue(k, spec, depth + 1)}:${formatValue(v.get(k), spec, depth + 1)}`).join(' ') + ']';
  }
  if (typeof v === 'object' && 'toGoString' in v) return pad(String((v as { toGoString(): string }).toGoString()), spec);
  return pad(String(v), spec);
}

/** fmt.Sprint: a space between operands when neither side is a string. */
export function sprint(args: unknown[]): string {
  let out = '';
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += formatValue(a, plain);
  });
  return out;
}

/** fmt.Sprintln: spaces between all operands and a newline. */
export function sprintln(args: unknown[]): string {
  return args.map((a) => formatValue(a, plain)).join(' ') + '\n';
}

/** fmt.Sprintf with Go's verbs, flags, width, precision, argument errors (%!d(MISSING), %!(EXTRA ...)). */
// eslint-disable-next-line complexity -- a port of one of Go's switch-heavy functions, kept whole so it reads against the original
export function sprintf(format: string, args: unknown[]): string {
  let out = '';
  let argi = 0;
  let i = 0;
  let reordered = false;
  const intArg = (): number | undefined => {
    const a = args[argi++];
    return a instanceof GoInt ? a.v : undefined;
  };
  while (i < format.length) {
    const c = format[i];
    if (c !== '%') { out += c; i++; continue; }
    i++;
    const spec: Spec = { minus: false, plus: false, sharp: false, space: false, zero: false, verb: '' };
    for (; i < format.length; i++) {
      const f = format[i];
      if (f === '-') { spec.minus = true; spec.zero = false; } else if (f === '+') spec.plus = true;
      else if (f === '#') spec.sharp = true; else if (f === ' ') spec.space = true;
      else if (f === '0') spec.zero = !spec.minus; else break;
    }
    const argIndex = () => {
      const m = /^\[(\d+)\]/.exec(format.slice(i));
      if (!m) return;
      i += m[0].length;
      argi = Number(m[1]) - 1;
      reordered = true;
    };
    argIndex();
    let badWidth = false;
    if (format[i] === '*') { i++; const w = intArg(); if (w === undefined) badWidth = true; else if (w < 0) { spec.minus = true; spec.width = -w; } else spec.width = w; }
    else { const m = /^[0-9]+/.exec(format.slice(i)); if (m) { spec.width = Number(m[0]); i += m[0].length; } }
    let badPrec = false;
    if (format[i] === '.') {
      i++;
      argIndex();
      if (format[i] === '*') { i++; const p = intArg(); if (p === undefined || p < 0) { badPrec = p === undefined; spec.prec = undefined; } else spec.prec = p; }
      else { const m = /^[0-9]+/.exec(format.slice(i)); spec.prec = m ? Number(m[0]) : 0; if (m) i += m[0].length; }
    }
    argIndex();
    if (badWidth) out += '%!(BADWIDTH)';
    if (badPrec) out += '%!(BADPREC)';
    if (i >= format.length) { out += '%!(NOVERB)'; break; }
    const verb = String.fromCodePoint(format.codePointAt(i) ?? 0);
    i += verb.length;
    spec.verb = verb;
    if (verb === '%') { out += '%'; continue; }
    if (argi >= args.length) { out += `%!${verb}(MISSING)`; continue; }
    const a = args[argi++];
    if (verb === 'v') {
      if (spec.sharp) { spec.sharp = false; spec.sharpV = true; }
      if (spec.plus) { spec.plus = false; spec.plusV = true; }
    }
    out += formatValue(a, spec);
  }
  if (!reordered && argi < args.length) {
    out += '%!(EXTRA ' + args.slice(argi).map((a) => (a === undefined || a === null ? '<nil>' : `${typeName(a)}=${formatValue(a, plain)}`)).join(', ') + ')';
  }
  return out;
}

/** The plain %v formatting of a value. */
export const printValue = (v: unknown): string => formatValue(v, plain);
