/** A port of Go 1.19's text/template/parse lexer (delimiters {{ }}, trim markers, comments). */

/** Token kinds, as Go's itemType. */
export type ItemType =
  | 'error' | 'bool' | 'char' | 'charConstant' | 'comment' | 'assign' | 'declare' | 'EOF' | 'field'
  | 'identifier' | 'leftDelim' | 'leftParen' | 'number' | 'pipe' | 'rawString' | 'rightDelim'
  | 'rightParen' | 'space' | 'string' | 'text' | 'variable'
  | 'block' | 'break' | 'continue' | 'dot' | 'define' | 'else' | 'end' | 'if' | 'nil' | 'range' | 'template' | 'with';

/** One token: its kind, byte offset in the template, text and line. */
export interface Item { type: ItemType; pos: number; val: string; line: number }

const KEYWORDS = new Set(['block', 'break', 'continue', 'define', 'else', 'end', 'if', 'nil', 'range', 'template', 'with']);
const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isAlnum = (c: string) => c === '_' || /^[\p{L}\p{Nd}]$/u.test(c);
const LEFT = '{{';
const RIGHT = '}}';

/** Lexes a whole template into items (ending with EOF or an error item). */
export function lex(input: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  let start = 0;
  let parenDepth = 0;
  const newlines: number[] = [];
  for (let i = input.indexOf('\n'); i >= 0; i = input.indexOf('\n', i + 1)) newlines.push(i);
  const lineAt = (p: number) => {
    let lo = 0;
    let hi = newlines.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (newlines[mid] < p) lo = mid + 1; else hi = mid; }
    return lo + 1;
  };
  const emit = (type: ItemType) => {
    items.push({ type, pos: start, val: input.slice(start, pos), line: lineAt(start) });
    start = pos;
  };
  const ignore = () => { start = pos; };
  const next = (): string => {
    if (pos >= input.length) return '';
    const c = String.fromCodePoint(input.codePointAt(pos) ?? 0);
    pos += c.length;
    return c;
  };
  const backup = (c: string) => { pos -= c.length; };
  const peek = () => (pos >= input.length ? '' : String.fromCodePoint(input.codePointAt(pos) ?? 0));
  const error = (msg: string): false => { items.push({ type: 'error', pos: start, val: msg, line: lineAt(start) }); return false; };
  const atRightDelim = (): [boolean, boolean] => {
    if (hasRightTrim(input.slice(pos)) && input.startsWith(RIGHT, pos + 2)) return [true, true];
    return [input.startsWith(RIGHT, pos), false];
  };
  const hasRightTrim = (s: string) => s.length >= 2 && isSpace(s[0]) && s[1] === '-';
  const hasLeftTrim = (s: string) => s.length >= 2 && s[0] === '-' && isSpace(s[1]);
  const atTerminator = () => {
    const c = peek();
    if (c === '' || isSpace(c)) return true;
    if ('.,|:()'.includes(c)) return true;
    return input.startsWith(RIGHT, pos);
  };

  const lexText = (): boolean => {
    const x = input.indexOf(LEFT, pos);
    if (x < 0) {
      pos = input.length;
      if (pos > start) emit('text');
      return lexEOF();
    }
    pos = x;
    let end = x;
    if (hasLeftTrim(input.slice(x + LEFT.length))) {
      while (end > start && isSpace(input[end - 1])) end--;
    }
    const save = pos;
    pos = end;
    if (pos > start) emit('text');
    pos = save;
    ignore();
    return lexLeftDelim();
  };
  const lexEOF = (): boolean => { items.push({ type: 'EOF', pos, val: '', line: lineAt(pos) }); return false; };
  const lexLeftDelim = (): boolean => {
    pos += LEFT.length;
    const trim = hasLeftTrim(input.slice(pos));
    const after = trim ? 2 : 0;
    if (input.startsWith('/*', pos + after)) {
      pos += after;
      ignore();
      return lexComment();
    }
    emit('leftDelim');
    pos += after;
    ignore();
    parenDepth = 0;
    return true;
  };
  const lexComment = (): boolean => {
    pos += 2;
    const x = input.indexOf('*/', pos);
    if (x < 0) return error('unclosed comment');
    pos = x + 2;
    const [delim, trim] = atRightDelim();
    if (!delim) return error('comment ends before closing delimiter');
    emit('comment');
    if (trim) pos += 2;
    pos += RIGHT.length;
    if (trim) while (pos < input.length && isSpace(input[pos])) pos++;
    ignore();
    return lexTextState();
  };
  const lexRightDelim = (trim: boolean): boolean => {
    if (trim) { pos += 2; ignore(); }
    pos += RIGHT.length;
    emit('rightDelim');
    if (trim) { while (pos < input.length && isSpace(input[pos])) pos++; ignore(); }
    return lexTextState();
  };
  let inText = true;
  const lexTextState = (): boolean => { inText = true; return true; };
  // eslint-disable-next-line complexity -- a port of one of Go's switch-heavy functions, kept whole so it reads against the original
  const lexInside = (): boolean => {
    const [delim, trim] = atRightDelim();
    if (delim) {
      if (parenDepth === 0) return lexRightDelim(trim);
      return error('unclosed left paren');
    }
    const c = next();
    if (c === '') return error('unclosed action');
    if (isSpace(c)) {
      backup(c);
      let n = 0;
      while (isSpace(peek())) { next(); n++; }
      if (hasRightTrim(input.slice(pos - 1)) && input.startsWith(RIGHT, pos - 1 + 2)) {
        backup(input[pos - 1]);
        if (n === 1) return true;
      }
      emit('space');
      return true;
    }
    if (c === '=') { emit('assign'); return true; }
    if (c === ':') { if (next() !== '=') return error('expected :='); emit('declare'); return true; }
    if (c === '|') { emit('pipe'); return true; }
    if (c === '"') return lexQuote();
    if (c === '`') return lexRaw();
    if (c === '$') return lexFieldOrVar('variable');
    if (c === "'") return lexChar();
    if (c === '.') {
      if (pos < input.length && input[pos] >= '0' && input[pos] <= '9') { backup(c); return lexNumber(); }
      return lexFieldOrVar('field');
    }
    if (c === '+' || c === '-' || (c >= '0' && c <= '9')) { backup(c); return lexNumber(); }
    if (isAlnum(c)) { backup(c); return lexIdentifier(); }
    if (c === '(') { emit('leftParen'); parenDepth++; return true; }
    if (c === ')') { emit('rightParen'); parenDepth--; if (parenDepth < 0) return error('unexpected right paren'); return true; }
    const cp = c.codePointAt(0) ?? 0;
    if (cp <= 0x7f && cp >= 0x20 && cp < 0x7f) { emit('char'); return true; }
    return error(`unrecognized character in action: ${unicodeName(cp)}`);
  };
  const lexIdentifier = (): boolean => {
    for (;;) {
      const c = next();
      if (isAlnum(c)) continue;
      backup(c);
      const word = input.slice(start, pos);
      if (!atTerminator()) return error(`bad character ${unicodeName(peek().codePointAt(0) ?? 0)}`);
      if (KEYWORDS.has(word)) emit(word as ItemType);
      else if (word[0] === '.') emit('field');
      else if (word === 'true' || word === 'false') emit('bool');
      else emit('identifier');
      return true;
    }
  };
  const lexFieldOrVar = (type: 'field' | 'variable'): boolean => {
    if (atTerminator()) { emit(type === 'variable' ? 'variable' : 'dot'); return true; }
    for (;;) {
      const c = next();
      if (!isAlnum(c)) { backup(c); break; }
    }
    if (!atTerminator()) return error(`bad character ${unicodeName(peek().codePointAt(0) ?? 0)}`);
    emit(type);
    return true;
  };
  const lexChar = (): boolean => {
    for (;;) {
      const c = next();
      if (c === '\\') { const d = next(); if (d !== '' && d !== '\n') continue; return error('unterminated character constant'); }
      if (c === '' || c === '\n') return error('unterminated character constant');
      if (c === "'") break;
    }
    emit('charConstant');
    return true;
  };
  const lexQuote = (): boolean => {
    for (;;) {
      const c = next();
      if (c === '\\') { const d = next(); if (d !== '' && d !== '\n') continue; return error('unterminated quoted string'); }
      if (c === '' || c === '\n') return error('unterminated quoted string');
      if (c === '"') break;
    }
    emit('string');
    return true;
  };
  const lexRaw = (): boolean => {
    const x = input.indexOf('`', pos);
    if (x < 0) return error('unterminated raw quoted string');
    pos = x + 1;
    emit('rawString');
    return true;
  };
  const lexNumber = (): boolean => {
    const m = /^[+-]?(0[xX][0-9a-fA-F_]*(\.[0-9a-fA-F_]*)?([pP][+-]?[0-9_]+)?|0[oO][0-7_]*|0[bB][01_]*|[0-9_]*(\.[0-9_]*)?([eE][+-]?[0-9_]+)?)i?/.exec(input.slice(pos));
    let len = m ? m[0].length : 0;
    const rest = input.slice(pos + len);
    if (rest && isAlnum(String.fromCodePoint(rest.codePointAt(0) ?? 0))) {
      len += String.fromCodePoint(rest.codePointAt(0) ?? 0).length;
      pos += len;
      return error(`bad number syntax: ${JSON.stringify(input.slice(start, pos))}`);
    }
    pos += len;
    emit('number');
    return true;
  };

  for (let guard = 0; guard < input.length * 4 + 16; guard++) {
    const ok = inText ? (inText = false, lexText()) : lexInside();
    if (!ok) break;
  }
  return items;
}

function unicodeName(cp: number): string {
  const hex = cp.toString(16).toUpperCase().padStart(4, '0');
  const printable = cp >= 0x20 && cp !== 0x7f && !(cp >= 0x80 && cp < 0xa0);
  return printable ? `U+${hex} '${String.fromCodePoint(cp)}'` : `U+${hex}`;
}
