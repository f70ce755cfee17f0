// Documents printed as kustomize prints them: every mapping's keys sorted the way go-yaml v2 sorts
// them, sequences at their parent key's indentation, empty collections as {} and [].
import { formatNumber } from './yaml-resolve.js';
import { writeString, type Cursor } from './yaml-scalar.js';
import { isObj, type Obj, type Value } from './values.js';

const LETTER = /\p{L}/u;
const DIGIT = /\p{Nd}/u;

/** go-yaml v2's key order: letters after other characters, digit runs compared as numbers. */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  return keyLess(a, b) ? -1 : 1;
}

function keyLess(a: string, b: string): boolean {
  const ar = Array.from(a), br = Array.from(b);
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = LETTER.test(ar[i]), bl = LETTER.test(br[i]);
    if (al && bl) return ar[i] < br[i];
    if (al || bl) return bl;
    let an = 0, bn = 0;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && DIGIT.test(ar[j]); j--) {
        if (ar[j] !== '0') { an = 1; bn = 1; break; }
      }
    }
    let ai = i, bi = i;
    for (; ai < ar.length && DIGIT.test(ar[ai]); ai++) an = an * 10 + Number(ar[ai]);
    for (; bi < br.length && DIGIT.test(br[bi]); bi++) bn = bn * 10 + Number(br[bi]);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i] < br[i];
  }
  return ar.length < br.length;
}

function put(c: Cursor, text: string): void {
  c.out.push(text);
  c.column += text.length;
}

/** Moves to a fresh line at `indent`, unless the cursor already sits at the start of one. */
function breakLine(c: Cursor, indent: number): void {
  const last = c.out[c.out.length - 1];
  if (!(c.column === 0 && (last === undefined || last.endsWith('\n')))) c.out.push('\n');
  c.out.push(' '.repeat(indent));
  c.column = indent;
}

function isEmptyCollection(v: Value): boolean {
  return (Array.isArray(v) && v.length === 0) || (isObj(v) && Object.keys(v).length === 0);
}

function writeScalar(c: Cursor, v: Value, indent: number): void {
  if (v === null) put(c, 'null');
  else if (typeof v === 'boolean') put(c, String(v));
  else if (typeof v === 'number') put(c, formatNumber(v));
  else if (typeof v === 'string') writeString(c, v, indent, false);
  else put(c, Array.isArray(v) ? '[]' : '{}');
}

function writeMapping(c: Cursor, o: Obj, indent: number, inline: boolean): void {
  const keys = Object.keys(o).sort(compareKeys);
  keys.forEach((k, i) => {
    if (i > 0 || !inline) breakLine(c, indent);
    writeString(c, k, indent, true);
    put(c, ':');
    const v = o[k];
    if (Array.isArray(v) && v.length > 0) writeSequence(c, v, indent, false);
    else if (isObj(v) && !isEmptyCollection(v)) writeMapping(c, v, indent + 2, false);
    else {
      put(c, ' ');
      writeScalar(c, v, indent + 2);
    }
  });
}

function writeSequence(c: Cursor, items: Value[], indent: number, inline: boolean): void {
  items.forEach((v, i) => {
    if (i > 0 || !inline) breakLine(c, indent);
    put(c, '- ');
    if (Array.isArray(v) && v.length > 0) writeSequence(c, v, indent + 2, true);
    else if (isObj(v) && !isEmptyCollection(v)) writeMapping(c, v, indent + 2, true);
    else writeScalar(c, v, indent + 2);
  });
}

/** One document as go-yaml v2 marshals it, ending with a newline. */
export function emitDocument(v: Value): string {
  const c: Cursor = { out: [], column: 0 };
  if (isObj(v) && !isEmptyCollection(v)) writeMapping(c, v, 0, true);
  else if (Array.isArray(v) && v.length > 0) writeSequence(c, v, 0, true);
  else writeScalar(c, v, 0);
  const text = c.out.join('');
  return text.endsWith('\n') ? text : text + '\n';
}

/** Several documents joined by `---` lines, as `kustomize build` prints them. */
export function emitStream(docs: Value[]): string {
  return docs.map(emitDocument).join('---\n');
}
