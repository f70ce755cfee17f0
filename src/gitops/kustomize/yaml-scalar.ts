// String scalars printed the way go-yaml v2's emitter prints them (kustomize's output goes through
// sigs.k8s.io/yaml, i.e. go-yaml v2): the encoder asks for plain, double-quoted or literal style,
// the emitter downgrades it when the text does not allow it, and long lines fold at 80 columns.
import { readsAsString11 } from './yaml-resolve.js';

const BEST_WIDTH = 80;

interface Analysis {
  flowPlain: boolean;
  blockPlain: boolean;
  single: boolean;
  block: boolean;
  multiline: boolean;
}

/** The printer's position on the current line, shared with the document emitter. */
export interface Cursor {
  out: string[];
  column: number;
}

function isPrintable(cp: number): boolean {
  return cp === 0x0a || (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff);
}

function isBreak(ch: string | undefined): boolean {
  return ch === '\n' || ch === '\r' || ch === '\u0085' || ch === '\u2028' || ch === '\u2029';
}

function isBlankz(ch: string | undefined): boolean {
  return ch === undefined || ch === ' ' || ch === '\t' || isBreak(ch) || ch === '\0';
}

interface Indicators { flow: boolean; block: boolean }

/** Which characters would be read as YAML indicators when printed plain. */
function indicators(chars: string[]): Indicators {
  const s = chars.join('');
  const ind = { flow: s.startsWith('---') || s.startsWith('...'), block: s.startsWith('---') || s.startsWith('...') };
  let precededByWs = true;
  chars.forEach((ch, i) => {
    const followedByWs = isBlankz(chars[i + 1]);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) ind.flow = ind.block = true;
      else if (ch === '?' || ch === ':') { ind.flow = true; if (followedByWs) ind.block = true; }
      else if (ch === '-' && followedByWs) ind.flow = ind.block = true;
    } else if (',?[]{}'.includes(ch)) ind.flow = true;
    else if (ch === ':') { ind.flow = true; if (followedByWs) ind.block = true; }
    else if (ch === '#' && precededByWs) ind.flow = ind.block = true;
    precededByWs = isBlankz(ch);
  });
  return ind;
}

interface Spacing {
  lineBreaks: boolean; special: boolean; leading: boolean; trailingSpace: boolean; trailingBreak: boolean;
  breakSpace: boolean; spaceBreak: boolean;
}

/** Where spaces and line breaks sit, and whether unprintable characters occur. */
function spacing(chars: string[]): Spacing {
  const sp: Spacing = { lineBreaks: false, special: false, leading: false, trailingSpace: false, trailingBreak: false, breakSpace: false, spaceBreak: false };
  let prevSpace = false, prevBreak = false;
  chars.forEach((ch, i) => {
    if (!isPrintable(ch.codePointAt(0) ?? 0)) sp.special = true;
    const last = i === chars.length - 1;
    if (ch === ' ') {
      if (i === 0) sp.leading = true;
      if (last) sp.trailingSpace = true;
      if (prevBreak) sp.breakSpace = true;
      prevSpace = true; prevBreak = false;
    } else if (isBreak(ch)) {
      sp.lineBreaks = true;
      if (i === 0) sp.leading = true;
      if (last) sp.trailingBreak = true;
      if (prevSpace) sp.spaceBreak = true;
      prevSpace = false; prevBreak = true;
    } else { prevSpace = false; prevBreak = false; }
  });
  return sp;
}

/** go-yaml's analysis of which styles can print a string. */
function analyze(chars: string[]): Analysis {
  if (chars.length === 0) return { flowPlain: false, blockPlain: true, single: true, block: false, multiline: false };
  const ind = indicators(chars);
  const sp = spacing(chars);
  const a: Analysis = { flowPlain: true, blockPlain: true, single: true, block: true, multiline: sp.lineBreaks };
  if (sp.leading || sp.trailingSpace || sp.trailingBreak) a.flowPlain = a.blockPlain = false;
  if (sp.trailingSpace) a.block = false;
  if (sp.breakSpace) a.flowPlain = a.blockPlain = a.single = false;
  if (sp.spaceBreak || sp.special) a.flowPlain = a.blockPlain = a.single = a.block = false;
  if (sp.lineBreaks) a.flowPlain = a.blockPlain = false;
  if (ind.flow) a.flowPlain = false;
  if (ind.block) a.blockPlain = false;
  return a;
}

type Style = 'plain' | 'single' | 'double' | 'literal';

/** The style go-yaml v2 ends up using for a string: as a mapping key when `simpleKey`. */
export function scalarStyle(s: string, simpleKey: boolean): Style {
  const chars = Array.from(s);
  const a = analyze(chars);
  let style: Style = s.includes('\n') ? 'literal' : readsAsString11(s) ? 'plain' : 'double';
  if (simpleKey && a.multiline) style = 'double';
  if (style === 'plain' && (!a.blockPlain || (chars.length === 0 && simpleKey))) style = 'single';
  if (style === 'single' && !a.single) style = 'double';
  if (style === 'literal' && (!a.block || simpleKey)) style = 'double';
  return style;
}

function put(c: Cursor, text: string): void {
  c.out.push(text);
  c.column += Array.from(text).length;
}

function newline(c: Cursor, indent: number): void {
  c.out.push('\n' + ' '.repeat(indent));
  c.column = indent;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const STYLES = [new Map<string, Style>(), new Map<string, Style>()];

// Keys and many values recur across the objects of a render; their style is a pure function.
function cachedStyle(s: string, simpleKey: boolean): Style {
  const cache = STYLES[simpleKey ? 1 : 0];
  let style = cache.get(s);
  if (style === undefined) {
    style = scalarStyle(s, simpleKey);
    if (cache.size < 10_000 && s.length < 256) cache.set(s, style);
  }
  return style;
}

/** Writes a string scalar at the cursor; `indent` is where folded lines continue. */
export function writeString(c: Cursor, s: string, indent: number, simpleKey: boolean): void {
  const style = cachedStyle(s, simpleKey);
  // Printable ASCII that cannot reach the folding width (or has no space to fold at) is written
  // as it is: the common case, without the per-character walk.
  if (style === 'plain' && PRINTABLE_ASCII.test(s) && (!s.includes(' ') || c.column + s.length <= BEST_WIDTH)) {
    c.out.push(s);
    c.column += s.length;
    return;
  }
  const chars = Array.from(s);
  if (style === 'plain') writePlain(c, chars, indent, !simpleKey);
  else if (style === 'single') writeSingle(c, chars, indent, !simpleKey);
  else if (style === 'double') writeDouble(c, chars, indent, !simpleKey);
  else writeLiteral(c, chars, indent);
}

function writePlain(c: Cursor, chars: string[], indent: number, allowBreaks: boolean): void {
  let spaces = false;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    if (ch === ' ') {
      if (allowBreaks && !spaces && c.column > BEST_WIDTH && chars[i + 1] !== ' ') newline(c, indent);
      else put(c, ch);
      spaces = true;
    } else {
      put(c, ch);
      spaces = false;
    }
  }
}

function writeSingle(c: Cursor, chars: string[], indent: number, allowBreaks: boolean): void {
  put(c, "'");
  let spaces = false;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    if (ch === ' ') {
      const fold = allowBreaks && !spaces && c.column > BEST_WIDTH && i !== 0 && i !== chars.length - 1 && chars[i + 1] !== ' ';
      if (fold) newline(c, indent);
      else put(c, ch);
      spaces = true;
    } else {
      put(c, ch === "'" ? "''" : ch);
      spaces = false;
    }
  }
  put(c, "'");
}

const ESCAPES: Record<number, string> = {
  0x00: '0', 0x07: 'a', 0x08: 'b', 0x09: 't', 0x0a: 'n', 0x0b: 'v', 0x0c: 'f', 0x0d: 'r', 0x1b: 'e',
  0x22: '"', 0x5c: '\\', 0x85: 'N', 0xa0: '_', 0x2028: 'L', 0x2029: 'P',
};

function escapeChar(cp: number): string {
  const named = Object.prototype.hasOwnProperty.call(ESCAPES, cp) ? ESCAPES[cp] : undefined;
  if (named !== undefined) return '\\' + named;
  const hex = cp.toString(16).toUpperCase();
  if (cp <= 0xff) return '\\x' + hex.padStart(2, '0');
  if (cp <= 0xffff) return '\\u' + hex.padStart(4, '0');
  return '\\U' + hex.padStart(8, '0');
}

function writeDouble(c: Cursor, chars: string[], indent: number, allowBreaks: boolean): void {
  put(c, '"');
  let spaces = false;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    const cp = ch.codePointAt(0) ?? 0;
    if (!isPrintable(cp) || cp === 0xfeff || isBreak(ch) || ch === '"' || ch === '\\') {
      put(c, escapeChar(cp));
      spaces = false;
    } else if (ch === ' ') {
      if (allowBreaks && !spaces && c.column > BEST_WIDTH && i !== 0 && i !== chars.length - 1) {
        newline(c, indent);
        if (chars[i + 1] === ' ') put(c, '\\');
      } else put(c, ch);
      spaces = true;
    } else {
      put(c, ch);
      spaces = false;
    }
  }
  put(c, '"');
}

function chompHint(chars: string[]): string {
  if (chars.length === 0) return '-';
  const last = chars.length - 1;
  if (!isBreak(chars[last])) return '-';
  if (last === 0) return '+';
  return isBreak(chars[last - 1]) ? '+' : '';
}

function writeLiteral(c: Cursor, chars: string[], indent: number): void {
  const indentHint = chars[0] === ' ' || isBreak(chars[0]) ? '2' : '';
  put(c, '|' + indentHint + chompHint(chars));
  c.out.push('\n');
  c.column = 0;
  let breaks = true;
  for (const ch of chars) {
    if (isBreak(ch)) {
      c.out.push('\n');
      c.column = 0;
      breaks = true;
    } else {
      if (breaks) put(c, ' '.repeat(indent));
      put(c, ch);
      breaks = false;
    }
  }
}
