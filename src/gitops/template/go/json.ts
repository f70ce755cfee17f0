/** Go's encoding/json for template values: Marshal (sorted keys, HTML escaping), MarshalIndent, Unmarshal to float64/maps. */
import { GoError } from './funcmap.js';
import { GoInt, isMap, sortedKeys, toGo } from './value.js';

function str(s: string, escapeHTML: boolean): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (cp < 0x20 || (escapeHTML && (ch === '<' || ch === '>' || ch === '&')) || cp === 0x2028 || cp === 0x2029) out += '\\u' + cp.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + '"';
}

function float(v: number): string {
  if (!Number.isFinite(v)) throw new GoError(`json: unsupported value: ${Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf'}`);
  return Object.is(v, -0) ? '-0' : String(v);
}

/** json.Marshal (escapeHTML true) or an Encoder with SetEscapeHTML(false); indent as MarshalIndent. */
export function marshal(v: unknown, opts: { escapeHTML?: boolean; indent?: string } = {}): string {
  const escapeHTML = opts.escapeHTML ?? true;
  const ind = opts.indent ?? '';
  const enc = (x: unknown, depth: number): string => {
    const nl = ind ? '\n' + ind.repeat(depth + 1) : '';
    const close = ind ? '\n' + ind.repeat(depth) : '';
    if (x === null || x === undefined) return 'null';
    if (typeof x === 'string') return str(x, escapeHTML);
    if (typeof x === 'number') return float(x);
    if (typeof x === 'boolean') return String(x);
    if (x instanceof GoInt) return String(x.v);
    if (x instanceof Uint8Array) return str(Buffer.from(x).toString('base64'), escapeHTML);
    if (Array.isArray(x)) {
      if (x.length === 0) return '[]';
      return '[' + x.map((e) => nl + enc(e, depth + 1)).join(',') + close + ']';
    }
    if (isMap(x)) {
      if (x.size === 0) return '{}';
      return '{' + sortedKeys(x).map((k) => nl + str(k, escapeHTML) + (ind ? ': ' : ':') + enc(x.get(k), depth + 1)).join(',') + close + '}';
    }
    throw new GoError(`json: unsupported type: ${typeof x}`);
  };
  return enc(v, 0);
}

/** json.Unmarshal into interface{}: objects to maps, numbers to float64; Go's syntax error text where it is simple. */
export function unmarshal(text: string): unknown {
  const t = text.trim();
  if (t === '') throw new GoError('unexpected end of JSON input');
  try {
    return toGo(JSON.parse(text, (_k, v: unknown) => v));
  } catch (e) {
    if (e instanceof GoError) throw e;
    throw new GoError(jsonSyntaxMessage(text));
  }
}

function jsonSyntaxMessage(text: string): string {
  // A small scanner that finds the first offending character the way encoding/json reports it.
  let i = 0;
  const ws = () => { while (i < text.length && ' \t\r\n'.includes(text[i])) i++; };
  const fail = (ctx: string): never => {
    if (i >= text.length) throw new Error('unexpected end of JSON input');
    const c = text[i];
    const q = c === "'" ? "'\\''" : `'${c}'`;
    throw new Error(`invalid character ${q} ${ctx}`);
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++; ws();
      if (text[i] === '}') { i++; return; }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('looking for beginning of object key string');
        string(); ws();
        if (text[i] !== ':') fail('after object key');
        i++; value(); ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return; }
        fail('after object key:value pair');
      }
    }
    if (c === '[') {
      i++; ws();
      if (text[i] === ']') { i++; return; }
      for (;;) {
        value(); ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return; }
        fail('after array element');
      }
    }
    if (c === '"') { string(); return; }
    const lit = /^(true|false|null|-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?)/.exec(text.slice(i));
    if (lit) { i += lit[0].length; return; }
    fail('looking for beginning of value');
  };
  const string = () => {
    i++;
    while (i < text.length && text[i] !== '"') { if (text[i] === '\\') i++; i++; }
    if (i >= text.length) throw new Error('unexpected end of JSON input');
    i++;
  };
  try {
    value(); ws();
    if (i < text.length) fail('after top-level value');
    return 'invalid JSON';
  } catch (e) {
    return (e as Error).message;
  }
}
