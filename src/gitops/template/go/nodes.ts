/** The parse tree of Go's text/template (parse/node.go), with Go's String() forms for error context. */
import { formatFloat } from './strconv.js';

/** A node of the tree; `pos` is the offset in the template text. */
export type Node =
  | { t: 'list'; pos: number; nodes: Node[] }
  | { t: 'text'; pos: number; text: string }
  | { t: 'comment'; pos: number; text: string }
  | { t: 'action'; pos: number; line: number; pipe: PipeNode }
  | { t: 'if' | 'range' | 'with'; pos: number; line: number; pipe: PipeNode; list: ListNode; elseList?: ListNode }
  | { t: 'template'; pos: number; line: number; name: string; pipe?: PipeNode }
  | { t: 'break' | 'continue'; pos: number; line: number }
  | { t: 'end' | 'else'; pos: number; line: number }
  | PipeNode | CommandNode | ArgNode;

/** A list of nodes. */
export type ListNode = Extract<Node, { t: 'list' }>;
/** A pipeline with optional variable declarations. */
export interface PipeNode { t: 'pipe'; pos: number; line: number; isAssign: boolean; decl: VariableNode[]; cmds: CommandNode[] }
/** One command of a pipeline. */
export interface CommandNode { t: 'command'; pos: number; args: ArgNode[] }
/** `$x.a.b`. */
export interface VariableNode { t: 'variable'; pos: number; ident: string[] }
/** A number constant with Go's int/float interpretations. */
export interface NumberNode { t: 'number'; pos: number; text: string; isInt: boolean; isUint: boolean; isFloat: boolean; int: number; float: number }
/** An operand of a command. */
export type ArgNode =
  | { t: 'identifier'; pos: number; ident: string }
  | VariableNode
  | { t: 'dot'; pos: number }
  | { t: 'nil'; pos: number }
  | { t: 'field'; pos: number; ident: string[] }
  | { t: 'chain'; pos: number; node: ArgNode; field: string[] }
  | { t: 'bool'; pos: number; value: boolean }
  | NumberNode
  | { t: 'string'; pos: number; quoted: string; text: string }
  | PipeNode;

/** Go's Node.String(), used in "executing ... at <...>" messages. */
// eslint-disable-next-line complexity -- a port of one of Go's switch-heavy functions, kept whole so it reads against the original
export function nodeString(n: Node | undefined): string {
  if (!n) return '';
  switch (n.t) {
    case 'list': return n.nodes.map(nodeString).join('');
    case 'text': return JSON.stringify(n.text);
    case 'comment': return `{{${n.text}}}`;
    case 'action': return `{{${nodeString(n.pipe)}}}`;
    case 'if': case 'range': case 'with':
      return `{{${n.t} ${nodeString(n.pipe)}}}${nodeString(n.list)}${n.elseList ? `{{else}}${nodeString(n.elseList)}` : ''}{{end}}`;
    case 'template': return n.pipe ? `{{template ${JSON.stringify(n.name)} ${nodeString(n.pipe)}}}` : `{{template ${JSON.stringify(n.name)}}}`;
    case 'break': return '{{break}}';
    case 'continue': return '{{continue}}';
    case 'end': return '{{end}}';
    case 'else': return '{{else}}';
    case 'pipe': {
      let s = '';
      if (n.decl.length) s = n.decl.map(nodeString).join(', ') + (n.isAssign ? ' = ' : ' := ');
      return s + n.cmds.map(nodeString).join(' | ');
    }
    case 'command': return n.args.map((a) => (a.t === 'pipe' ? `(${nodeString(a)})` : nodeString(a))).join(' ');
    case 'identifier': return n.ident;
    case 'variable': return n.ident.join('.');
    case 'dot': return '.';
    case 'nil': return 'nil';
    case 'field': return n.ident.map((f) => '.' + f).join('');
    case 'chain': return (n.node.t === 'pipe' ? `(${nodeString(n.node)})` : nodeString(n.node)) + n.field.map((f) => '.' + f).join('');
    case 'bool': return String(n.value);
    case 'number': return n.text;
    case 'string': return n.quoted;
  }
}

/** Parses a number token as Go's parse.newNumber does; throws Go's messages. */
export function parseNumber(pos: number, text: string, isChar: boolean, charValue?: number): NumberNode {
  const n: NumberNode = { t: 'number', pos, text, isInt: false, isUint: false, isFloat: false, int: 0, float: 0 };
  if (isChar) {
    const v = charValue ?? 0;
    return { ...n, isInt: true, isUint: true, isFloat: true, int: v, float: v };
  }
  if (text.endsWith('i')) throw new Error(`complex constants are not supported: ${text}`);
  const clean = text.replace(/_/g, '');
  const intRe = /^[+-]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[1-9][0-9]*|0)$/;
  if (intRe.test(clean)) {
    const neg = clean.startsWith('-');
    const body = clean.replace(/^[+-]/, '');
    let big: bigint;
    if (/^0[0-7]+$/.test(body)) big = BigInt('0o' + body.slice(1));
    else big = BigInt(body.replace(/^0[oO]/, '0o'));
    if (neg) big = -big;
    const fitsInt = big >= -(2n ** 63n) && big < 2n ** 63n;
    const fitsUint = big >= 0n && big < 2n ** 64n;
    if (fitsInt || fitsUint) {
      return { ...n, isInt: fitsInt, isUint: fitsUint, isFloat: true, int: Number(big), float: Number(big) };
    }
  }
  const f = /^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|0[xX][0-9a-fA-F]*\.?[0-9a-fA-F]*[pP][+-]?\d+)$/.test(clean) ? parseGoFloat(clean) : NaN;
  if (!Number.isNaN(f)) {
    if (!/[.eEpP]/.test(text)) throw new Error(`integer overflow: ${JSON.stringify(text)}`);
    const res = { ...n, isFloat: true, float: f };
    if (Number.isInteger(f) && Math.abs(f) < 2 ** 63) { res.isInt = true; res.int = f; }
    if (Number.isInteger(f) && f >= 0 && f < 2 ** 64) { res.isUint = true; }
    return res;
  }
  throw new Error(`illegal number syntax: ${JSON.stringify(text)}`);
}

function parseGoFloat(s: string): number {
  if (/^[+-]?0[xX]/.test(s)) {
    const m = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?\d+)$/.exec(s);
    if (!m) return NaN;
    const mant = parseInt(m[2] + m[3] || '0', 16) / 16 ** m[3].length;
    return (m[1] === '-' ? -1 : 1) * mant * 2 ** Number(m[4]);
  }
  return Number(s);
}

/** Formats a float constant like Go's %g for messages. */
export const floatText = (f: number): string => formatFloat(f, 'g', -1);
