/**
 * The two glob dialects ArgoCD's git generator uses: Go's path.Match for `directories` (the
 * ApplicationSet controller filters the repo server's directory list), and Git pathspecs for `files`
 * (the repo server runs `git ls-files -- <path>`, its default "old" globbing, where `*` crosses `/`).
 * Both are matched directly, never through a RegExp: patterns come from ApplicationSets and a
 * backtracking RegExp of `*a*a*a*a*b` would stall the process.
 */

/** A path.Match pattern is malformed (Go's ErrBadPattern). */
class BadPattern extends Error {}

const cp = (c: string) => c.codePointAt(0) ?? 0;

/** Go's getEsc: one class member at `p[i]`, possibly escaped; there must be something after it. */
function classMember(p: string[], i: number): [string, number] {
  if (i >= p.length || p[i] === '-' || p[i] === ']') throw new BadPattern();
  if (p[i] === '\\' && ++i >= p.length) throw new BadPattern();
  if (i + 1 >= p.length) throw new BadPattern();
  return [p[i], i + 1];
}

/** Go's matchChunk: the rest of `s` after `chunk`, or undefined; a malformed chunk throws even when `s` fails first. */
function matchChunk(chunk: string[], s: string[]): string[] | undefined {
  let failed = false;
  let j = 0;
  for (let i = 0; i < chunk.length;) {
    if (!failed && j >= s.length) failed = true;
    const c = chunk[i];
    if (c === '[') {
      const r = failed ? '' : s[j++];
      i++;
      const negated = chunk[i] === '^';
      if (negated) i++;
      let match = false;
      for (let n = 0; ; n++) {
        if (chunk[i] === ']' && n > 0) { i++; break; }
        let lo: string;
        let hi: string;
        [lo, i] = classMember(chunk, i);
        hi = lo;
        if (chunk[i] === '-') [hi, i] = classMember(chunk, i + 1);
        if (!failed && cp(lo) <= cp(r) && cp(r) <= cp(hi)) match = true;
      }
      if (match === negated) failed = true;
    } else if (c === '?') {
      if (!failed && s[j++] === '/') failed = true;
      i++;
    } else {
      if (c === '\\' && ++i >= chunk.length) throw new BadPattern();
      if (!failed && chunk[i] !== s[j++]) failed = true;
      i++;
    }
  }
  return failed ? undefined : s.slice(j);
}

/** Go's scanChunk: leading stars, then up to the next star outside a class. */
function scanChunk(p: string[]): { star: boolean; chunk: string[]; rest: string[] } {
  let k = 0;
  while (p[k] === '*') k++;
  let inRange = false;
  let i = k;
  for (; i < p.length; i++) {
    if (p[i] === '\\') { if (i + 1 < p.length) i++; } else if (p[i] === '[') inRange = true;
    else if (p[i] === ']') inRange = false;
    else if (p[i] === '*' && !inRange) break;
  }
  return { star: k > 0, chunk: p.slice(k, i), rest: p.slice(i) };
}

/**
 * Go's `path.Match(pattern, name)`: true, false, or undefined where Go returns ErrBadPattern (an
 * unclosed or empty `[]`, a trailing `\`, a range missing an end). `*` and `?` never match `/`; a
 * class is `[...]` or `[^...]` (Go has no `[!...]`). Go's algorithm, chunk by chunk.
 */
export function goPathMatch(pattern: string, name: string): boolean | undefined {
  try {
    let p = [...pattern];
    let s = [...name];
    while (p.length) {
      const { star, chunk, rest } = scanChunk(p);
      p = rest;
      if (star && !chunk.length) return !s.includes('/');
      const t = matchChunk(chunk, s);
      if (t && (!t.length || p.length)) { s = t; continue; }
      let found = false;
      for (let i = 0; star && i < s.length && s[i] !== '/'; i++) {
        const u = matchChunk(chunk, s.slice(i + 1));
        if (u && !(p.length === 0 && u.length)) { s = u; found = true; break; }
      }
      if (found) continue;
      // Before answering false, Go checks the rest of the pattern is well formed.
      while (p.length) { const next = scanChunk(p); p = next.rest; matchChunk(next.chunk, []); }
      return false;
    }
    return s.length === 0;
  } catch (err) {
    if (err instanceof BadPattern) return undefined;
    throw err;
  }
}

type Token = { star: true } | { star: false; test: (b: number) => boolean };

const POSIX_CLASSES: Record<string, (b: number) => boolean> = {
  alnum: (b) => /[0-9A-Za-z]/.test(String.fromCharCode(b)), alpha: (b) => /[A-Za-z]/.test(String.fromCharCode(b)),
  blank: (b) => b === 32 || b === 9, cntrl: (b) => b < 32 || b === 127, digit: (b) => b >= 48 && b <= 57,
  graph: (b) => b > 32 && b < 127, lower: (b) => b >= 97 && b <= 122, print: (b) => b >= 32 && b < 127,
  punct: (b) => b > 32 && b < 127 && !/[0-9A-Za-z]/.test(String.fromCharCode(b)), space: (b) => (b >= 9 && b <= 13) || b === 32,
  upper: (b) => b >= 65 && b <= 90, xdigit: (b) => /[0-9A-Fa-f]/.test(String.fromCharCode(b)),
};

/**
 * A wildmatch class after its `[` at `s[i]` (`!` or `^` negates; the first member may be `]`; `a-z`
 * ranges, `\` escapes, `[:alpha:]` classes); undefined where wildmatch aborts (no `]`, unknown class).
 */
function wildClass(s: Buffer, i: number): { test: (b: number) => boolean; next: number } | undefined {
  const negated = s[i] === 0x21 || s[i] === 0x5e;
  if (negated) i++;
  const members: Array<(b: number) => boolean> = [];
  let prev = -1;
  for (let first = true; i < s.length; first = false) {
    const m = s[i];
    if (m === 0x5d && !first) return { test: (b) => members.some((f) => f(b)) !== negated, next: i + 1 };
    if (m === 0x5c) {
      if (++i >= s.length) return undefined;
      const e = s[i++];
      members.push((b) => b === e);
      prev = e;
    } else if (m === 0x2d && prev >= 0 && i + 1 < s.length && s[i + 1] !== 0x5d) {
      let hi = s[++i];
      if (hi === 0x5c && ++i < s.length) hi = s[i];
      if (i >= s.length) return undefined;
      const lo = prev;
      members.push((b) => b >= lo && b <= hi);
      prev = -1;
      i++;
    } else if (m === 0x5b && s[i + 1] === 0x3a && /^\[:[^\]]*:\]/.test(s.subarray(i).toString('latin1'))) {
      const end = s.indexOf(':]', i + 2, 'latin1');
      const name = s.subarray(i + 2, end).toString('latin1');
      if (!Object.hasOwn(POSIX_CLASSES, name)) return undefined;
      members.push(POSIX_CLASSES[name]);
      prev = -1;
      i = end + 2;
    } else {
      members.push((b) => b === m);
      prev = m;
      i++;
    }
  }
  return undefined;
}

/** Git's wildmatch without WM_PATHNAME (`*`, `**` and `?` match `/` too) as tokens over UTF-8 bytes; undefined where it aborts. */
function wildTokens(pattern: string): Token[] | undefined {
  const s = Buffer.from(pattern, 'utf8');
  const out: Token[] = [];
  for (let i = 0; i < s.length;) {
    const c = s[i++];
    if (c === 0x2a) { while (s[i] === 0x2a) i++; out.push({ star: true }); } else if (c === 0x3f) out.push({ star: false, test: () => true });
    else if (c === 0x5c) {
      const e = i < s.length ? s[i++] : -1;
      out.push({ star: false, test: (b) => b === e });
    } else if (c === 0x5b) {
      const cls = wildClass(s, i);
      if (!cls) return undefined;
      out.push({ star: false, test: cls.test });
      i = cls.next;
    } else out.push({ star: false, test: (b) => b === c });
  }
  return out;
}

/** Tokens against bytes, the last star taking one more byte on each mismatch: O(pattern x text). */
function matchTokens(tokens: Token[], text: Buffer): boolean {
  let p = 0;
  let t = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    const tok = tokens[p];
    if (tok?.star) { starP = p++; starT = t; } else if (tok && tok.test(text[t])) { p++; t++; } else if (starP >= 0) { p = starP + 1; t = ++starT; } else return false;
  }
  while (tokens[p]?.star) p++;
  return p === tokens.length;
}

/**
 * A pathspec as `git ls-files -- <pathspec>` matches it (no magic): normalized like Git (`./`, `//`
 * and `..` resolved; one that leaves the repository is an error), it matches a path equal to it, the
 * files under it when it names a directory, and otherwise as a wildmatch pattern after its literal
 * prefix (so `apps/*.json` matches `apps/a/b.json`; `**` is the same as `*`).
 */
export function gitPathspec(pathspec: string): (path: string) => boolean {
  if (pathspec === '') throw new Error('empty string is not a valid pathspec');
  if (pathspec.startsWith('/')) throw new Error(`'${pathspec}' is outside repository`);
  const parts: string[] = [];
  for (const seg of pathspec.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (!parts.length) throw new Error(`'${pathspec}' is outside repository`);
      parts.pop();
    } else parts.push(seg);
  }
  if (!parts.length) return () => true;
  const item = parts.join('/') + (pathspec.endsWith('/') ? '/' : '');
  const wild = item.search(/[*?[\\]/);
  const prefix = wild < 0 ? item : item.slice(0, wild);
  const tokens = wild < 0 ? undefined : wildTokens(item.slice(wild));
  return (path) => {
    if (path === item) return true;
    if (path.startsWith(item) && (item.endsWith('/') || path[item.length] === '/')) return true;
    return tokens !== undefined && path.startsWith(prefix) && matchTokens(tokens, Buffer.from(path.slice(prefix.length), 'utf8'));
  };
}
