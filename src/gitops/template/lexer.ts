/** A token inside a template action (`{{ ... }}`). */
export type Token =
  | { t: 'field'; path: string[] }
  | { t: 'var'; name: string; path: string[] }
  | { t: 'string'; value: string }
  | { t: 'number'; value: number }
  | { t: 'ident'; name: string }
  | { t: 'pipe' } | { t: 'lparen' } | { t: 'rparen' } | { t: 'declare' };

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*/;
const NUMBER = /^-?\d+(\.\d+)?/;
const FIELD = /^(\.[A-Za-z_][A-Za-z0-9_]*)+|^\./;
const VAR = /^\$[A-Za-z0-9_]*((\.[A-Za-z_][A-Za-z0-9_]*)*)/;

/** Splits the text of one action into tokens; throws naming the action on anything it cannot read. */
export function lexAction(src: string): Token[] {
  const out: Token[] = [];
  let s = src;
  while (s.length) {
    const ws = /^\s+/.exec(s);
    if (ws) { s = s.slice(ws[0].length); continue; }
    const [tok, len] = nextToken(s, src);
    out.push(tok);
    s = s.slice(len);
  }
  return out;
}

function nextToken(s: string, src: string): [Token, number] {
  const c = s[0];
  if (c === '|') return [{ t: 'pipe' }, 1];
  if (c === '(') return [{ t: 'lparen' }, 1];
  if (c === ')') return [{ t: 'rparen' }, 1];
  if (s.startsWith(':=')) return [{ t: 'declare' }, 2];
  if (c === '"') return quoted(s, src);
  if (c === '`') {
    const end = s.indexOf('`', 1);
    if (end < 0) throw new Error(`template action "${src}": unterminated raw string`);
    return [{ t: 'string', value: s.slice(1, end) }, end + 1];
  }
  const v = VAR.exec(s);
  if (v) return [{ t: 'var', name: v[0].split('.')[0], path: v[1] ? v[1].slice(1).split('.') : [] }, v[0].length];
  const f = FIELD.exec(s);
  if (f) return [{ t: 'field', path: f[0] === '.' ? [] : f[0].slice(1).split('.') }, f[0].length];
  const n = NUMBER.exec(s);
  if (n) return [{ t: 'number', value: Number(n[0]) }, n[0].length];
  const id = IDENT.exec(s);
  if (id) return [{ t: 'ident', name: id[0] }, id[0].length];
  throw new Error(`template action "${src}": unexpected "${s.slice(0, 10)}"`);
}

function quoted(s: string, src: string): [Token, number] {
  let value = '';
  for (let i = 1; i < s.length; i++) {
    const ch = s[i];
    if (ch === '"') return [{ t: 'string', value }, i + 1];
    if (ch !== '\\') { value += ch; continue; }
    const esc = s[++i];
    value += esc === 'n' ? '\n' : esc === 't' ? '\t' : esc === 'r' ? '\r' : esc;
  }
  throw new Error(`template action "${src}": unterminated string`);
}

/** A piece of template source: literal text or the inside of an action, whitespace trims applied. */
export type Chunk = { kind: 'text'; text: string } | { kind: 'action'; src: string };

/** Splits a template into text and actions, honouring `{{-` and `-}}` and dropping comments. */
export function splitTemplate(text: string): Chunk[] {
  const chunks: Chunk[] = [];
  let pos = 0;
  let trimNext = false;
  while (pos < text.length) {
    const open = text.indexOf('{{', pos);
    let literal = text.slice(pos, open < 0 ? text.length : open);
    if (trimNext) literal = literal.replace(/^\s+/, '');
    if (open < 0) { if (literal) chunks.push({ kind: 'text', text: literal }); break; }
    const close = text.indexOf('}}', open + 2);
    if (close < 0) throw new Error(`template: unclosed action at offset ${open}`);
    let inner = text.slice(open + 2, close);
    if (inner.startsWith('- ') || inner === '-') { literal = literal.replace(/\s+$/, ''); inner = inner.slice(1); }
    trimNext = inner.endsWith(' -');
    if (trimNext) inner = inner.slice(0, -1);
    if (literal) chunks.push({ kind: 'text', text: literal });
    const body = inner.trim();
    if (!(body.startsWith('/*') && body.endsWith('*/'))) chunks.push({ kind: 'action', src: body });
    pos = close + 2;
  }
  return chunks;
}
