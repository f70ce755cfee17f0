// A fast reader for the YAML that kustomizations and Kubernetes manifests are nearly always
// written in: block mappings and sequences, plain and quoted one-line scalars, one-line flow
// collections, literal block scalars (`|`, `|-`) and comments. It returns the same values as the
// full reader (yaml-parse.ts, the `yaml` package) or, at the first thing it does not handle
// (anchors, aliases, tags, merge keys, multi-line plain or quoted scalars, folded scalars,
// duplicate keys, tabs, CR, directives, anything malformed), undefined, and the full reader runs.
// The `yaml` package spends most of a render's parse time building a document model the renderer
// throws away; this reads lines straight into values.
import { resolvePlain } from './yaml-resolve.js';
import type { Obj, Value } from './values.js';
import { hasOwn, setOwn } from './own.js';

/** Thrown internally to give up; never escapes fastParseDocuments. */
class GiveUp extends Error {}
const giveUp = (): never => { throw new GiveUp(); };

interface Line { indent: number; text: string }

class Reader {
  i = 0;
  depth = 0;
  constructor(readonly raw: string[], readonly lines: Array<Line | undefined>, readonly endsWithNewline: boolean, readonly yaml11: boolean) {}

  /** Index of the next content line (skipping blank and comment lines), or -1. */
  peek(): number {
    while (this.i < this.lines.length && this.lines[this.i] === undefined) this.i++;
    return this.i < this.lines.length ? this.i : -1;
  }

  block(parentIndent: number): Value {
    if (++this.depth > 150) giveUp();
    const at = this.peek();
    const line = this.lines[at] as Line;
    if (line.indent <= parentIndent) giveUp();
    const v = isSeqEntry(line.text) ? this.sequence(line.indent) : this.mapping(line.indent);
    this.depth--;
    return v;
  }

  mapping(indent: number): Obj {
    const out: Obj = {};
    for (let at = this.peek(); at >= 0; at = this.peek()) {
      const line = this.lines[at] as Line;
      if (line.indent < indent) break;
      if (line.indent > indent || isSeqEntry(line.text)) giveUp();
      const { key, rest } = splitKey(line.text);
      if (key === '<<' || hasOwn(out, key)) giveUp();
      this.i = at + 1;
      setOwn(out, key, this.value(rest, indent, true));
    }
    return out;
  }

  sequence(indent: number): Value[] {
    const out: Value[] = [];
    for (let at = this.peek(); at >= 0; at = this.peek()) {
      const line = this.lines[at] as Line;
      if (line.indent < indent || (line.indent === indent && !isSeqEntry(line.text))) break;
      if (line.indent > indent) giveUp();
      const rest = line.text.slice(1).replace(/^ +/, '');
      const col = line.indent + line.text.length - rest.length;
      if (rest !== '' && !rest.startsWith('#') && looksLikeKey(rest)) {
        // A compact mapping (`- name: x`): read it as a mapping indented at its first key.
        this.lines[at] = { indent: col, text: rest };
        out.push(this.mapping(col));
        continue;
      }
      this.i = at + 1;
      out.push(this.value(rest, indent, false));
    }
    return out;
  }

  /** The value after `key:` or `- ` (`rest`, trimmed on the left), in a node indented `indent`. */
  value(rest: string, indent: number, inMapping: boolean): Value {
    if (rest === '' || rest.startsWith('#')) {
      const at = this.peek();
      if (at < 0) return null;
      const next = this.lines[at] as Line;
      if (next.indent > indent) return this.block(indent);
      if (inMapping && next.indent === indent && isSeqEntry(next.text)) return this.sequence(indent);
      return null;
    }
    let v: Value;
    if (rest[0] === '|') v = this.literal(rest, indent);
    else {
      const r = scalarOrFlow(rest, this.yaml11);
      if (r.end !== rest.length) giveUp();
      v = r.value;
    }
    const at = this.peek();
    if (at >= 0 && (this.lines[at] as Line).indent > indent) giveUp();
    return v;
  }

  /** A literal block scalar: `|` clips the final line breaks to one, `|-` strips them. */
  literal(header: string, parentIndent: number): string {
    const m = /^\|(-?)[ ]*(#.*)?$/.exec(header);
    if (!m) giveUp();
    const strip = (m as RegExpExecArray)[1] === '-';
    const body: string[] = [];
    let blockIndent = -1;
    let leadingEmpty = 0;
    let j = this.i;
    for (; j < this.raw.length; j++) {
      const l = this.raw[j];
      const spaces = l.length - l.trimStart().length;
      if (l.trim() === '') {
        if (blockIndent < 0) leadingEmpty = Math.max(leadingEmpty, spaces);
        else if (spaces > blockIndent) giveUp();
        body.push('');
        continue;
      }
      if (blockIndent < 0) {
        if (spaces <= parentIndent) break;
        if (leadingEmpty > spaces) giveUp();
        blockIndent = spaces;
      }
      if (spaces < blockIndent) break;
      body.push(l.slice(blockIndent));
    }
    if (j === this.raw.length && !this.endsWithNewline) giveUp();
    for (let k = this.i; k < j; k++) this.lines[k] = undefined;
    this.i = j;
    while (body.length && body[body.length - 1] === '') body.pop();
    const text = body.join('\n');
    return strip || text === '' ? text : `${text}\n`;
  }
}

function isSeqEntry(text: string): boolean {
  return text === '-' || text.startsWith('- ');
}

const KEY_START_BAD = /^[[\]{}#&*!|>%@`?,-]/;

/** True when `text` starts with `key:` followed by a space or the end of the line. */
function looksLikeKey(text: string): boolean {
  if (text[0] === '"' || text[0] === "'") {
    const q = quoted(text, 0);
    return /^:( |$)/.test(text.slice(q.end));
  }
  return /^[^#]*?:( |$)/.test(text) && !text.startsWith('- ') && !KEY_START_BAD.test(text);
}

function splitKey(text: string): { key: string; rest: string } {
  let key: string;
  let after: number;
  if (text[0] === '"' || text[0] === "'") {
    const q = quoted(text, 0);
    key = q.value;
    after = q.end;
  } else {
    if (KEY_START_BAD.test(text)) giveUp();
    const m = /^([^#]*?):( |$)/.exec(text);
    if (!m) giveUp();
    key = (m as RegExpExecArray)[1];
    after = key.length;
    if (key === '' || key.endsWith(' ') || / #|: /.test(key)) giveUp();
  }
  if (text[after] !== ':' || (text.length > after + 1 && text[after + 1] !== ' ')) giveUp();
  return { key, rest: text.slice(after + 1).trim() };
}

const ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', '/': '/', n: '\n', t: '\t', r: '\r', '0': '\0', ' ': ' ' };

/** A quoted scalar starting at `s[from]` on this line: its value and the index after it. */
function quoted(s: string, from: number): { value: string; end: number } {
  const q = s[from];
  let out = '';
  for (let k = from + 1; k < s.length; k++) {
    const c = s[k];
    if (q === "'" && c === "'") {
      if (s[k + 1] === "'") { out += "'"; k++; continue; }
      return { value: out, end: k + 1 };
    }
    if (q === '"' && c === '"') return { value: out, end: k + 1 };
    if (q === '"' && c === '\\') {
      const e = s[++k];
      if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(s.slice(k + 1, k + 5))) { out += String.fromCharCode(parseInt(s.slice(k + 1, k + 5), 16)); k += 4; continue; }
      if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(s.slice(k + 1, k + 3))) { out += String.fromCharCode(parseInt(s.slice(k + 1, k + 3), 16)); k += 2; continue; }
      if (!hasOwn(ESCAPES, e)) giveUp();
      out += ESCAPES[e];
      continue;
    }
    out += c;
  }
  return giveUp();
}

/** After a value: only spaces and a comment may follow. Returns the line's length. */
function lineEnd(s: string, k: number): number {
  const rest = s.slice(k);
  if (rest.trim() === '' || /^ +#/.test(rest)) return s.length;
  return giveUp();
}

/** A block-context scalar or a one-line flow collection filling the rest of the line. */
function scalarOrFlow(s: string, yaml11: boolean): { value: Value; end: number } {
  const c = s[0];
  if (c === '"' || c === "'") {
    const q = quoted(s, 0);
    return { value: q.value, end: lineEnd(s, q.end) };
  }
  if (c === '[' || c === '{') {
    const f = flow(s, 0, yaml11, 0);
    return { value: f.value, end: lineEnd(s, f.end) };
  }
  if (/^[\]}#&*!|>%@`?,:]/.test(c) || (c === '-' && /^-( |$)/.test(s))) giveUp();
  const hash = s.search(/ #/);
  const text = (hash >= 0 ? s.slice(0, hash) : s).trimEnd();
  if (/: |:$/.test(text)) giveUp();
  return { value: resolvePlain(text, yaml11), end: s.length };
}

function skipSpaces(s: string, k: number): number {
  while (s[k] === ' ') k++;
  return k;
}

/** A flow collection starting at `s[k]` and closed on the same line. */
function flow(s: string, k: number, yaml11: boolean, depth: number): { value: Value; end: number } {
  if (depth > 50) giveUp();
  const map = s[k] === '{';
  const close = map ? '}' : ']';
  const obj: Obj = {};
  const arr: Value[] = [];
  k = skipSpaces(s, k + 1);
  while (s[k] !== close) {
    let key: string | undefined;
    if (map) {
      const kv = flowScalar(s, k, yaml11, depth, true);
      if (typeof kv.raw !== 'string' || s[kv.end] !== ':') giveUp();
      key = kv.raw as string;
      if (key === '<<' || hasOwn(obj, key)) giveUp();
      k = skipSpaces(s, kv.end + 1);
    }
    const v = flowScalar(s, k, yaml11, depth, false);
    if (map) setOwn(obj, key as string, v.value);
    else arr.push(v.value);
    k = skipSpaces(s, v.end);
    if (s[k] === ',') k = skipSpaces(s, k + 1);
    else if (s[k] !== close) giveUp();
  }
  return { value: map ? obj : arr, end: k + 1 };
}

/** One flow entry (a key when `asKey`: its raw text, ended by `:`). */
function flowScalar(s: string, k: number, yaml11: boolean, depth: number, asKey: boolean): { value: Value; raw?: string; end: number } {
  const c = s[k];
  if (c === '"' || c === "'") {
    const q = quoted(s, k);
    return { value: q.value, raw: q.value, end: skipSpaces(s, q.end) };
  }
  if (c === '[' || c === '{') {
    if (asKey) giveUp();
    return flow(s, k, yaml11, depth + 1);
  }
  if (c === undefined || /^[\]},#&*!|>%@`?:]/.test(c) || (c === '-' && s[k + 1] === ' ')) giveUp();
  let e = k;
  while (e < s.length && !/[,[\]{}]/.test(s[e]) && !(s[e] === ':' && /[ ,[\]{}]/.test(s[e + 1] ?? ' ')) && !(s[e] === '#' && s[e - 1] === ' ')) e++;
  const text = s.slice(k, e).trimEnd();
  if (text === '' || (!asKey && s[e] === ':')) giveUp();
  return { value: resolvePlain(text, yaml11), raw: text, end: e };
}

/**
 * The documents of a YAML stream as the full reader would return them (empty and null documents
 * left out), or undefined when the text uses anything this reader does not handle.
 */
export function fastParseDocuments(text: string, yaml11: boolean): Value[] | undefined {
  if (text.includes('\t') || text.includes('\r') || /^(%|\.\.\.)/m.test(text)) return undefined;
  const raw = text.split('\n');
  const out: Value[] = [];
  try {
    let start = 0;
    for (let n = 0; n <= raw.length; n++) {
      if (n < raw.length && !/^---( |$)/.test(raw[n])) continue;
      if (n < raw.length && raw[n].slice(3).trim() !== '') return undefined;
      const v = parseDocument(raw.slice(start, n), n < raw.length || text.endsWith('\n'), yaml11);
      if (v !== null) out.push(v);
      start = n + 1;
    }
  } catch (err) {
    if (err instanceof GiveUp) return undefined;
    throw err;
  }
  return out;
}

function parseDocument(raw: string[], endsWithNewline: boolean, yaml11: boolean): Value {
  const lines = raw.map((l): Line | undefined => {
    const t = l.trimStart();
    return t === '' || t.startsWith('#') ? undefined : { indent: l.length - t.length, text: t.trimEnd() };
  });
  const r = new Reader(raw, lines, endsWithNewline, yaml11);
  const at = r.peek();
  if (at < 0) return null;
  const v = r.block(-1);
  if (r.peek() >= 0) giveUp();
  return v;
}
