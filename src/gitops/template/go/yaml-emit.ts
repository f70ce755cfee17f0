/**
 * A yaml.v2 block emitter for JSON-shaped data, as sigs.k8s.io/yaml's Marshal ends: keys in yaml.v2's
 * order, sequences not indented under their key, libyaml's choice between plain, single-quoted,
 * double-quoted and literal scalars, and folding at the first space past column 80.
 */
import { formatFloat } from './strconv.js';
import { yamlKeyLess } from './yaml.js';

const NON_STRING = /^(~|null|Null|NULL|y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|<<|[-+]?(0b[01_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*)|[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?|\d{4}-\d{1,2}-\d{1,2}([Tt]|\s+)?(\d{1,2}:\d{2}:\d{2}(\.\d*)?\s*(Z|[-+]\d{1,2}(:\d{2})?)?)?)$/;
const WIDTH = 80;

const isPrintable = (cp: number) => cp === 0x0a || (cp >= 0x20 && cp <= 0x7e) || cp === 0x85 || (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff) || (cp >= 0x10000 && cp <= 0x10ffff);
const isBlankz = (c: string | undefined) => c === undefined || c === ' ' || c === '\t' || c === '\n' || c === '\r';

interface Analysis { plain: boolean; single: boolean; block: boolean }

// eslint-disable-next-line complexity -- libyaml's yaml_emitter_analyze_scalar, kept whole
function analyze(s: string): Analysis {
  if (s === '') return { plain: false, single: true, block: false };
  const cs = [...s];
  let blockInd = s.startsWith('---') || s.startsWith('...');
  let leadingSpace = false; let trailingSpace = false; let leadingBreak = false; let trailingBreak = false;
  let breakSpace = false; let spaceBreak = false; let special = false; let lineBreaks = false;
  let prevSpace = false; let prevBreak = false;
  let precededByWs = true;
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i];
    const followedByWs = isBlankz(cs[i + 1]);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(c)) blockInd = true;
      if ((c === '?' || c === ':') && followedByWs) blockInd = true;
      if (c === '-' && followedByWs) blockInd = true;
    } else {
      if (c === ':' && followedByWs) blockInd = true;
      if (c === '#' && precededByWs) blockInd = true;
    }
    const cp = c.codePointAt(0) ?? 0;
    if (!isPrintable(cp)) special = true;
    if (c === '\n') lineBreaks = true;
    if (c === ' ') {
      if (i === 0) leadingSpace = true;
      if (i === cs.length - 1) trailingSpace = true;
      if (prevBreak) breakSpace = true;
      prevSpace = true; prevBreak = false;
    } else if (c === '\n') {
      if (i === 0) leadingBreak = true;
      if (i === cs.length - 1) trailingBreak = true;
      if (prevSpace) spaceBreak = true;
      prevBreak = true; prevSpace = false;
    } else { prevSpace = false; prevBreak = false; }
    precededByWs = isBlankz(c);
  }
  let plain = true; let single = true; let block = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) plain = false;
  if (trailingSpace) block = false;
  if (breakSpace) { plain = false; single = false; }
  if (spaceBreak || special) { plain = false; single = false; block = false; }
  if (lineBreaks || blockInd) plain = false;
  return { plain, single, block };
}

function doubleQuoted(s: string): string {
  let out = '"';
  for (const c of s) {
    const cp = c.codePointAt(0) ?? 0;
    const esc: Record<number, string> = { 0: '\\0', 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r', 27: '\\e', 34: '\\"', 92: '\\\\', 0x85: '\\N', 0xa0: '\\_', 0x2028: '\\L', 0x2029: '\\P' };
    if (esc[cp] !== undefined) out += esc[cp];
    else if (!isPrintable(cp) || cp === 0xfeff) out += cp <= 0xff ? '\\x' + cp.toString(16).toUpperCase().padStart(2, '0') : cp <= 0xffff ? '\\u' + cp.toString(16).toUpperCase().padStart(4, '0') : '\\U' + cp.toString(16).toUpperCase().padStart(8, '0');
    else out += c;
  }
  return out + '"';
}

class Out {
  text = '';
  col(): number { return this.text.length - this.text.lastIndexOf('\n') - 1; }
  write(s: string): void { this.text += s; }
  indent(n: number): void { this.text += '\n' + ' '.repeat(n); }
  /** Writes words, breaking at a single space once past column 80 (yaml.v2's allow_breaks). */
  folded(s: string, indent: number): void {
    const cs = [...s];
    let spaces = false;
    for (let i = 0; i < cs.length; i++) {
      if (cs[i] === ' ') {
        if (!spaces && [...this.text.slice(this.text.lastIndexOf('\n') + 1)].length > WIDTH && cs[i + 1] !== ' ') this.indent(indent);
        else this.write(' ');
        spaces = true;
      } else { this.write(cs[i]); spaces = false; }
    }
  }
}

function literal(s: string, out: Out, indent: number): void {
  if (!analyze(s).block) { out.write(doubleQuoted(s)); return; }
  const trailing = /\n+$/.exec(s)?.[0].length ?? 0;
  const chomp = trailing === 0 ? '-' : trailing === 1 ? '' : '+';
  const indicator = s.startsWith(' ') || s.startsWith('\n') ? '2' : '';
  out.write(`|${indicator}${chomp}`);
  const body = trailing ? s.slice(0, s.length - trailing) : s;
  for (const line of body.split('\n')) {
    if (line === '') out.write('\n');
    else { out.indent(indent); out.write(line); }
  }
  if (trailing > 1) out.write('\n'.repeat(trailing - 1));
}

function scalar(v: unknown, out: Out, indent: number, key: boolean): void {
  if (v === null || v === undefined) { out.write('null'); return; }
  if (typeof v === 'boolean') { out.write(String(v)); return; }
  if (typeof v === 'number') {
    if (Number.isInteger(v) && Math.abs(v) < 2 ** 63) out.write(BigInt(v).toString());
    else { const f = formatFloat(v, 'g', -1); out.write(f === '+Inf' ? '.inf' : f === '-Inf' ? '-.inf' : f === 'NaN' ? '.nan' : f); }
    return;
  }
  const s = String(v);
  if (!key && s.includes('\n')) { literal(s, out, indent); return; }
  const canPlain = s !== '' && !NON_STRING.test(s);
  const a = analyze(s);
  if (canPlain && a.plain && s !== '') { if (key) out.write(s); else out.folded(s, indent); return; }
  if (canPlain && a.single) { const q = "'" + s.replace(/'/g, "''") + "'"; if (key) out.write(q); else out.folded(q, indent); return; }
  out.write(doubleQuoted(s));
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function value(v: unknown, out: Out, indent: number, inline: boolean): void {
  if (isObj(v) && Object.keys(v).length) {
    const keys = Object.keys(v).sort((a, b) => (yamlKeyLess(a, b) ? -1 : yamlKeyLess(b, a) ? 1 : 0));
    keys.forEach((k, i) => {
      if (!(inline && i === 0)) out.indent(indent);
      scalar(k, out, indent, true);
      out.write(':');
      const x = v[k];
      if (isObj(x) && Object.keys(x).length) value(x, out, indent + 2, false);
      else if (Array.isArray(x) && x.length) value(x, out, indent, false);
      else { out.write(' '); leaf(x, out, indent + 2); }
    });
    return;
  }
  if (Array.isArray(v) && v.length) {
    v.forEach((x, i) => {
      if (!(inline && i === 0)) out.indent(indent);
      out.write('- ');
      if ((isObj(x) && Object.keys(x).length) || (Array.isArray(x) && x.length)) value(x, out, indent + 2, true);
      else leaf(x, out, indent + 2);
    });
    return;
  }
  leaf(v, out, indent);
}

function leaf(v: unknown, out: Out, indent: number): void {
  if (isObj(v)) out.write('{}');
  else if (Array.isArray(v)) out.write('[]');
  else scalar(v, out, indent, false);
}

/** Emits JSON-shaped data (objects, arrays, strings, numbers, booleans, null) as yaml.v2 would, with a final newline. */
export function emitYamlV2(data: unknown): string {
  const out = new Out();
  if ((isObj(data) && Object.keys(data).length) || (Array.isArray(data) && data.length)) {
    value(data, out, 0, true);
  } else {
    leaf(data, out, 2);
  }
  return out.text + '\n';
}
