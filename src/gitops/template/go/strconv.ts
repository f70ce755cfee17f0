/** Go's strconv for floats and quoted strings, as fmt and the template lexer use them. */

/** Decimal digits and exponent of |v|: digits "d1d2..." with value 0.d1d2... * 10^dp. */
function decimal(v: number, prec: number): { digits: string; dp: number } {
  const s = prec < 0 ? Math.abs(v).toExponential() : Math.abs(v).toExponential(Math.min(Math.max(prec - 1, 0), 100));
  const [mant, exp] = s.split('e');
  const digits = mant.replace('.', '');
  return { digits, dp: Number(exp) + 1 };
}

function expStr(e: number, upper: boolean): string {
  const a = Math.abs(e);
  return `${upper ? 'E' : 'e'}${e < 0 ? '-' : '+'}${a < 10 ? '0' : ''}${a}`;
}

function fmtE(digits: string, dp: number, prec: number, upper: boolean): string {
  let d = digits === '0' ? '0' : digits;
  if (prec >= 0) d = d.padEnd(prec + 1, '0');
  const e = digits === '0' ? 0 : dp - 1;
  return d[0] + (d.length > 1 ? '.' + d.slice(1) : '') + expStr(e, upper);
}

function fmtF(digits: string, dp: number, prec: number): string {
  let int: string;
  let frac: string;
  if (dp <= 0) {
    int = '0';
    frac = '0'.repeat(-dp) + digits;
  } else if (dp >= digits.length) {
    int = digits + '0'.repeat(dp - digits.length);
    frac = '';
  } else {
    int = digits.slice(0, dp);
    frac = digits.slice(dp);
  }
  if (digits === '0') { int = '0'; frac = ''; }
  if (prec >= 0) frac = frac.padEnd(prec, '0').slice(0, prec);
  return frac ? `${int}.${frac}` : int;
}

/** Rounds |v| to prec digits after the point (round half to even on exact ties, as Go). */
function fixedDigits(v: number, prec: number): { digits: string; dp: number } {
  const a = Math.abs(v);
  if (a === 0) return { digits: '0', dp: 1 };
  let s = a < 1e21 && prec <= 100 ? a.toFixed(prec) : BigInt(Math.round(a)).toString() + (prec > 0 ? '.' + '0'.repeat(prec) : '');
  // JS rounds exact ties away from zero; Go rounds them to even.
  if (a < 1e21 && prec <= 20 && Number.isFinite(a)) {
    const scaled = a * 10 ** prec;
    if (Number.isInteger(scaled * 2) && !Number.isInteger(scaled) && Math.abs(scaled) < 2 ** 52) {
      const down = Math.floor(scaled);
      const even = down % 2 === 0 ? down : down + 1;
      s = (even / 10 ** prec).toFixed(prec);
    }
  }
  const [i, f = ''] = s.split('.');
  const all = (i + f).replace(/^0+/, '');
  if (!all) return { digits: '0', dp: 1 };
  const lead = (i + f).length - all.length;
  return { digits: all.replace(/0+$/, '') || '0', dp: i.length - lead };
}

/** strconv.FormatFloat(v, fmt, prec, 64) for fmt in e, E, f, g, G (prec -1: shortest). */
// eslint-disable-next-line complexity -- a port of one of Go's switch-heavy functions, kept whole so it reads against the original
export function formatFloat(v: number, fmt: string, prec: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const neg = v < 0 || Object.is(v, -0);
  const sign = neg ? '-' : '';
  if (fmt === 'f' || fmt === 'F') {
    if (prec < 0) {
      const { digits, dp } = decimal(v, -1);
      return sign + fmtF(v === 0 ? '0' : digits, v === 0 ? 1 : dp, -1);
    }
    const { digits, dp } = fixedDigits(v, prec);
    return sign + fmtF(digits, dp, prec);
  }
  if (fmt === 'e' || fmt === 'E') {
    const { digits, dp } = v === 0 ? { digits: '0', dp: 1 } : decimal(v, prec < 0 ? -1 : prec + 1);
    return sign + fmtE(digits, dp, prec, fmt === 'E');
  }
  // g / G
  let eprec = prec;
  const shortest = prec < 0;
  const { digits: d0, dp } = v === 0 ? { digits: '0', dp: 1 } : decimal(v, shortest ? -1 : prec === 0 ? 1 : prec);
  const digits = shortest ? d0 : d0.replace(/0+$/, '') || '0';
  if (shortest) eprec = 6;
  else if (eprec === 0) eprec = 1;
  if (!shortest && eprec > digits.length && digits.length >= dp) eprec = digits.length;
  const exp = dp - 1;
  if (v !== 0 && (exp < -4 || exp >= eprec)) {
    return sign + fmtE(digits, dp, shortest ? -1 : Math.max(digits.length - 1, 0), fmt === 'G');
  }
  return sign + fmtF(digits, v === 0 ? 1 : dp, Math.max(digits.length - dp, 0));
}

const ESC: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '\\': '\\\\' };

/** Go's strconv.IsPrint approximated with Unicode classes (letters, marks, numbers, punctuation, symbols, space U+0020). */
function isPrint(cp: number): boolean {
  if (cp === 0x20) return true;
  return /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(String.fromCodePoint(cp));
}

/** strconv.Quote (with quote '"') or QuoteRune (quote '\''). */
export function quoteWith(s: string, quote: string, asciiOnly = false): string {
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === quote) out += '\\' + ch;
    else if (ESC[ch]) out += ESC[ch];
    else if (cp === 0xfffd && ch === '\ufffd') out += ch;
    else if (cp < 0x80 ? cp >= 0x20 && cp < 0x7f : !asciiOnly && isPrint(cp)) out += ch;
    else if (cp < 0x80) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if (cp < 0x10000) out += '\\u' + cp.toString(16).padStart(4, '0');
    else out += '\\U' + cp.toString(16).padStart(8, '0');
  }
  return out + quote;
}

/** strconv.Quote. */
export const quote = (s: string): string => quoteWith(s, '"');

/** Unquotes a Go interpreted or raw string literal, or a rune literal; throws on bad syntax. */
export function unquote(lit: string): string {
  const q = lit[0];
  if (q === '`') {
    if (lit.length < 2 || lit[lit.length - 1] !== '`') throw new Error('invalid syntax');
    return lit.slice(1, -1).replace(/\r/g, '');
  }
  if ((q !== '"' && q !== "'") || lit[lit.length - 1] !== q || lit.length < 2) throw new Error('invalid syntax');
  const body = lit.slice(1, -1);
  let out = '';
  const bytes: number[] = [];
  const flush = () => { if (bytes.length) { out += Buffer.from(bytes).toString('utf8'); bytes.length = 0; } };
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === q || c === '\n') throw new Error('invalid syntax');
    if (c !== '\\') { flush(); out += c; continue; }
    const e = body[++i];
    const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };
    if (e in simple) { flush(); out += simple[e]; continue; }
    if (e === q) { flush(); out += q; continue; }
    const hex = (n: number) => { const h = body.slice(i + 1, i + 1 + n); if (!/^[0-9a-fA-F]+$/.test(h) || h.length !== n) throw new Error('invalid syntax'); i += n; return parseInt(h, 16); };
    if (e === 'x') { bytes.push(hex(2)); continue; }
    if (e === 'u') { flush(); out += String.fromCodePoint(hex(4)); continue; }
    if (e === 'U') { flush(); const cp = hex(8); if (cp > 0x10ffff) throw new Error('invalid syntax'); out += String.fromCodePoint(cp); continue; }
    if (e >= '0' && e <= '7') { const o = body.slice(i, i + 3); if (!/^[0-7]{3}$/.test(o)) throw new Error('invalid syntax'); const v = parseInt(o, 8); if (v > 255) throw new Error('invalid syntax'); i += 2; bytes.push(v); continue; }
    throw new Error('invalid syntax');
  }
  flush();
  if (q === "'" && [...out].length !== 1) throw new Error('invalid syntax');
  return out;
}
