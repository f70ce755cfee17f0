/** A port of Go 1.19's text/template executor over the value model in value.ts. */
import { formatValue, printValue } from './fmt.js';
import { GoError, type FuncMap, type GoFunc, type ParamType } from './funcmap.js';
import { nodeString, type ArgNode, type CommandNode, type ListNode, type Node, type NumberNode, type PipeNode } from './nodes.js';
import type { Tree } from './parser.js';
import { GoInt, isMap, isTrue, sortedKeys, typeName } from './value.js';

/** What a missing map key yields: `<no value>` (default), the zero value, or an error. */
export type MissingKey = 'default' | 'zero' | 'error';

/** An execution failure with Go's message. */
export class TemplateExecError extends Error {}

const MISSING = Symbol('missingVal');
type Final = unknown | typeof MISSING;
const BREAK = Symbol('break');
const CONTINUE = Symbol('continue');
const MAX_DEPTH = 1000;

interface Var { name: string; value: unknown }

/** Limits that keep a template from exhausting memory or time. */
export interface ExecLimits { maxOutputBytes: number }

/** Executes tree `name` of `set` with data as dot. */
export function execute(set: Map<string, Tree>, name: string, funcs: FuncMap, data: unknown, missingKey: MissingKey, limits: ExecLimits = { maxOutputBytes: 4 << 20 }): string {
  const tree = set.get(name);
  if (!tree) throw new TemplateExecError(`template: no template ${JSON.stringify(name)} associated with template ${JSON.stringify(name)}`);
  const st = new State(set, tree, funcs, missingKey, limits);
  st.vars.push({ name: '$', value: data });
  try {
    st.walk(data, tree.root);
  } catch (e) {
    if (e instanceof RangeError && /call stack/i.test(e.message)) throw new TemplateExecError(`template: ${name}: nesting too deep to execute`, { cause: e });
    throw e;
  }
  return st.out.join('');
}

class State {
  out: string[] = [];
  size = 0;
  vars: Var[] = [];
  node: Node | undefined;
  depth = 0;
  constructor(readonly set: Map<string, Tree>, public tmpl: Tree, readonly funcs: FuncMap, readonly missingKey: MissingKey, readonly limits: ExecLimits) {}

  at(n: Node): void { this.node = n; }

  errorf(msg: string): never {
    const name = this.tmpl.name;
    if (!this.node) throw new TemplateExecError(`template: ${name}: ${msg}`);
    const text = this.tmpl.text;
    const pos = this.node.pos;
    const before = text.slice(0, pos);
    const nl = before.lastIndexOf('\n');
    const col = Buffer.byteLength(nl < 0 ? before : before.slice(nl + 1)); // Go counts bytes
    const line = 1 + (before.match(/\n/g)?.length ?? 0);
    throw new TemplateExecError(`template: ${this.tmpl.parseName}:${line}:${col}: executing ${JSON.stringify(name)} at <${nodeString(this.node)}>: ${msg}`);
  }

  write(s: string): void {
    this.size += Buffer.byteLength(s);
    if (this.size > this.limits.maxOutputBytes) this.errorf(`output exceeds ${this.limits.maxOutputBytes} bytes`);
    this.out.push(s);
  }

  varValue(name: string): unknown {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i].name === name) return this.vars[i].value;
    return this.errorf(`undefined variable: ${name}`);
  }
  setVar(name: string, value: unknown): void {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i].name === name) { this.vars[i].value = value; return; }
    this.errorf(`undefined variable: ${name}`);
  }

  walk(dot: unknown, node: Node): void {
    switch (node.t) {
      case 'action': {
        const v = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, v);
        return;
      }
      case 'break': throw BREAK;
      case 'continue': throw CONTINUE;
      case 'comment': return;
      case 'if': case 'with': return this.walkIfOrWith(node.t, dot, node.pipe, node.list, node.elseList);
      case 'list': for (const n of node.nodes) this.walk(dot, n); return;
      case 'range': return this.walkRange(dot, node);
      case 'template': return this.walkTemplate(dot, node);
      case 'text': this.write(node.text); return;
      default: this.errorf(`unknown node: ${nodeString(node)}`);
    }
  }

  walkIfOrWith(kind: 'if' | 'with', dot: unknown, pipe: PipeNode, list: ListNode, elseList?: ListNode): void {
    const mark = this.vars.length;
    try {
      const val = this.evalPipeline(dot, pipe);
      if (typeof val === 'function') this.errorf(`if/with can't use ${printValue(val)}`);
      if (isTrue(val)) this.walk(kind === 'with' ? val : dot, list);
      else if (elseList) this.walk(dot, elseList);
    } finally { this.vars.length = mark; }
  }

  walkRange(dot: unknown, r: Extract<Node, { t: 'if' | 'range' | 'with' }>): void {
    this.at(r);
    const outer = this.vars.length;
    try {
      const val = this.evalPipeline(dot, r.pipe);
      const mark = this.vars.length;
      const one = (index: unknown, elem: unknown): boolean => {
        if (r.pipe.decl.length > 0) this.vars[this.vars.length - 1].value = elem;
        if (r.pipe.decl.length > 1) this.vars[this.vars.length - 2].value = index;
        try { this.walk(elem, r.list); } catch (e) { if (e === BREAK) return false; if (e !== CONTINUE) throw e; } finally { this.vars.length = mark; }
        return true;
      };
      const items = this.rangeItems(val);
      if (items.length) {
        for (const [index, elem] of items) if (!one(index, elem)) break;
        return;
      }
      if (r.elseList) this.walk(dot, r.elseList);
    } finally { this.vars.length = outer; }
  }

  /** The (index, element) pairs range visits: slices in order, maps by sorted key; nil is empty. */
  rangeItems(val: unknown): Array<[unknown, unknown]> {
    if (Array.isArray(val)) return val.map((x, i) => [new GoInt(i), x]);
    if (val instanceof Uint8Array) return Array.from(val, (x, i) => [new GoInt(i), new GoInt(x, 'uint8')]);
    if (isMap(val)) return sortedKeys(val).map((k) => [k, val.get(k)]);
    if (val !== undefined && val !== null) this.errorf(`range can't iterate over ${printValue(val)}`);
    return [];
  }

  walkTemplate(dot: unknown, t: Extract<Node, { t: 'template' }>): void {
    this.at(t);
    const tmpl = this.set.get(t.name);
    if (!tmpl) this.errorf(`template ${JSON.stringify(t.name)} not defined`);
    if (this.depth >= MAX_DEPTH) this.errorf(`exceeded maximum template depth (${MAX_DEPTH})`);
    const newDot = this.evalPipeline(dot, t.pipe);
    const saved = { vars: this.vars, tmpl: this.tmpl };
    this.depth++;
    this.tmpl = tmpl as Tree;
    this.vars = [{ name: '$', value: newDot }];
    try { this.walk(newDot, (tmpl as Tree).root); } finally { this.depth--; this.vars = saved.vars; this.tmpl = saved.tmpl; }
  }

  evalPipeline(dot: unknown, pipe: PipeNode | undefined): unknown {
    if (!pipe) return undefined;
    this.at(pipe);
    let value: Final = MISSING;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, value);
      if (value === null) value = undefined; // an interface{} holding nil digs down to no value
    }
    for (const v of pipe.decl) {
      if (pipe.isAssign) this.setVar(v.ident[0], value);
      else this.vars.push({ name: v.ident[0], value });
    }
    return value;
  }

  notAFunction(args: ArgNode[], final: Final): void {
    if (args.length > 1 || final !== MISSING) this.errorf(`can't give argument to non-function ${nodeString(args[0])}`);
  }

  evalCommand(dot: unknown, cmd: CommandNode, final: Final): unknown {
    const first = cmd.args[0];
    switch (first.t) {
      case 'field': return this.evalFieldChain(dot, dot, first, first.ident, cmd.args, final, true);
      case 'chain': return this.evalChain(dot, first, cmd.args, final);
      case 'identifier': return this.evalFunction(dot, first, cmd, cmd.args, final);
      case 'pipe': this.notAFunction(cmd.args, final); return this.evalPipeline(dot, first);
      case 'variable': return this.evalVariable(dot, first, cmd.args, final);
    }
    this.at(first);
    this.notAFunction(cmd.args, final);
    switch (first.t) {
      case 'bool': return first.value;
      case 'dot': return dot;
      case 'nil': return this.errorf('nil is not a command');
      case 'number': return this.idealConstant(first);
      case 'string': return first.text;
    }
  }

  idealConstant(c: NumberNode): unknown {
    this.at(c);
    const isHex = /^[+-]?0[xX]/.test(c.text) && !/[pP]/.test(c.text);
    if (c.isFloat && !isHex && !c.text.startsWith("'") && /[.eEpP]/.test(c.text)) return c.float;
    if (c.isInt) return new GoInt(c.int, 'int');
    if (c.isUint) this.errorf(`${c.text} overflows int`);
    return undefined;
  }

  // eslint-disable-next-line max-params -- mirrors Go's evalFieldChain signature
  evalFieldChain(dot: unknown, receiver: unknown, node: Node, ident: string[], args: ArgNode[] | undefined, final: Final, atField = false): unknown {
    if (atField) this.at(node);
    let recv = receiver;
    let iface = false;
    for (let i = 0; i < ident.length - 1; i++) { recv = this.evalField(ident[i], undefined, MISSING, recv, iface); iface = true; }
    return this.evalField(ident[ident.length - 1], args, final, recv, iface);
  }

  evalField(name: string, args: ArgNode[] | undefined, final: Final, recv: unknown, iface: boolean): unknown {
    if (recv === undefined) {
      if (this.missingKey === 'error') this.errorf(`nil data; no entry for key ${JSON.stringify(name)}`);
      return undefined;
    }
    if (recv === null) this.errorf(`nil pointer evaluating interface {}.${name}`);
    const hasArgs = (args !== undefined && args.length > 1) || final !== MISSING;
    if (isMap(recv)) {
      if (hasArgs) this.errorf(`${name} is not a method but has arguments`);
      if (recv.has(name)) return recv.get(name);
      if (this.missingKey === 'error') this.errorf(`map has no entry for key ${JSON.stringify(name)}`);
      return this.missingKey === 'zero' ? null : undefined;
    }
    return this.errorf(`can't evaluate field ${name} in type ${iface ? 'interface {}' : typeName(recv)}`);
  }

  evalChain(dot: unknown, chain: Extract<ArgNode, { t: 'chain' }>, args: ArgNode[] | undefined, final: Final): unknown {
    this.at(chain);
    if (chain.node.t === 'nil') this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = this.evalArg(dot, undefined, chain.node);
    return this.evalFieldChain(dot, pipe, chain, chain.field, args, final);
  }

  evalVariable(dot: unknown, v: Extract<ArgNode, { t: 'variable' }>, args: ArgNode[] | undefined, final: Final): unknown {
    this.at(v);
    const value = this.varValue(v.ident[0]);
    if (v.ident.length === 1) { this.notAFunction(args ?? [v], final); return value; }
    return this.evalFieldChain(dot, value, v, v.ident.slice(1), args, final);
  }

  evalFunction(dot: unknown, node: Extract<ArgNode, { t: 'identifier' }>, cmd: Node, args: ArgNode[] | undefined, final: Final): unknown {
    this.at(node);
    const f = this.funcs.get(node.ident);
    if (!f) this.errorf(`${JSON.stringify(node.ident)} is not a defined function`);
    return this.evalCall(dot, f as GoFunc, cmd, node.ident, args, final);
  }

  // eslint-disable-next-line complexity -- a port of one of Go's switch-heavy functions, kept whole so it reads against the original
  evalCall(dot: unknown, f: GoFunc, node: Node, name: string, argNodes: ArgNode[] | undefined, final: Final): unknown {
    const args = argNodes ? argNodes.slice(1) : [];
    const numIn = args.length + (final !== MISSING ? 1 : 0);
    const nParams = f.params.length + (f.variadic ? 1 : 0);
    let numFixed = args.length;
    if (f.variadic) {
      numFixed = f.params.length;
      if (numIn < numFixed) this.errorf(`wrong number of args for ${name}: want at least ${numFixed} got ${args.length}`);
    } else if (numIn !== nParams) this.errorf(`wrong number of args for ${name}: want ${nParams} got ${numIn}`);

    if (f.builtin && (name === 'and' || name === 'or')) {
      let v: unknown;
      for (const a of args) {
        v = this.evalArg(dot, 'value', a);
        if (isTrue(v) === (name === 'or')) return v;
      }
      if (final !== MISSING) v = this.validateType(final, 'value');
      return v;
    }
    const argv: unknown[] = [];
    let i = 0;
    for (; i < numFixed && i < args.length; i++) argv.push(this.evalArg(dot, f.params[i], args[i]));
    if (f.variadic) for (; i < args.length; i++) argv.push(this.evalArg(dot, f.variadic, args[i]));
    if (final !== MISSING) {
      let t: ParamType;
      if (f.variadic) t = numIn - 1 < numFixed ? f.params[numIn - 1] : f.variadic;
      else t = f.params[f.params.length - 1];
      argv.push(this.validateType(final, t));
    }
    let v: unknown;
    try {
      v = f.fn(...argv);
    } catch (e) {
      if (e === BREAK || e === CONTINUE || e instanceof TemplateExecError) throw e;
      this.at(node);
      if (e instanceof GoError || e instanceof Error) this.errorf(`error calling ${name}: ${(e as Error).message}`);
      if (e instanceof RangeError && /call stack/.test(e.message)) this.errorf(`error calling ${name}: stack overflow`);
      throw e;
    }
    if (v === undefined && f.anyResult) return null;
    return v;
  }

  // eslint-disable-next-line complexity -- a port of one of Go's switch-heavy functions, kept whole so it reads against the original
  evalArg(dot: unknown, typ: ParamType | undefined, n: ArgNode): unknown {
    this.at(n);
    switch (n.t) {
      case 'dot': return this.validateType(dot, typ);
      case 'nil':
        if (typ === 'value') return undefined;
        if (typ === undefined || typ === 'any' || typ === 'map' || typ === '[]any' || typ === '[]string') return typ === undefined || typ === 'any' ? null : zeroOf(typ);
        return this.errorf(`cannot assign nil to ${goType(typ)}`);
      case 'field': return this.validateType(this.evalFieldChain(dot, dot, n, n.ident, [n], MISSING, true), typ);
      case 'variable': return this.validateType(this.evalVariable(dot, n, undefined, MISSING), typ);
      case 'pipe': return this.validateType(this.evalPipeline(dot, n), typ);
      case 'identifier': return this.validateType(this.evalFunction(dot, n, n, undefined, MISSING), typ);
      case 'chain': return this.validateType(this.evalChain(dot, n, undefined, MISSING), typ);
    }
    switch (typ) {
      case 'bool': if (n.t === 'bool') return n.value; return this.errorf(`expected bool; found ${nodeString(n)}`);
      case 'float64': if (n.t === 'number' && n.isFloat) return n.float; return this.errorf(`expected float; found ${nodeString(n)}`);
      case 'int': case 'int64':
        if (n.t === 'number' && n.isInt) return new GoInt(n.int, typ);
        return this.errorf(`expected integer; found ${nodeString(n)}`);
      case 'string': if (n.t === 'string') return n.text; return this.errorf(`expected string; found ${nodeString(n)}`);
      case 'any': case 'value': case undefined: return this.evalEmptyInterface(dot, n);
    }
    return this.errorf(`can't handle ${nodeString(n)} for arg of type ${goType(typ)}`);
  }

  evalEmptyInterface(dot: unknown, n: ArgNode): unknown {
    this.at(n);
    switch (n.t) {
      case 'bool': return n.value;
      case 'number': return this.idealConstant(n);
      case 'string': return n.text;
      case 'nil': return this.errorf('evalEmptyInterface: nil (can\'t happen)');
      default: return this.evalArg(dot, undefined, n);
    }
  }

  validateType(value: unknown, typ: ParamType | undefined): unknown {
    if (value === MISSING) value = undefined;
    if (value === undefined) {
      if (typ === undefined || typ === 'any') return typ === undefined ? undefined : null;
      if (typ === 'value') return undefined;
      if (typ === 'map' || typ === '[]any' || typ === '[]string') return zeroOf(typ);
      return this.errorf(`invalid value; expected ${goType(typ)}`);
    }
    if (typ === undefined || typ === 'any' || typ === 'value') return value;
    if (assignable(value, typ)) return value;
    return this.errorf(`wrong type for value; expected ${goType(typ)}; got ${value === null ? 'interface {}' : typeName(value)}`);
  }

  printValue(n: Node, v: unknown): void {
    this.at(n);
    if (typeof v === 'function') this.errorf(`can't print ${nodeString(n)} of type func`);
    this.write(v === undefined ? '<no value>' : formatValue(v, { minus: false, plus: false, sharp: false, space: false, zero: false, verb: 'v' }));
  }
}

function zeroOf(typ: ParamType): unknown {
  return typ === 'map' ? new Map() : [];
}

function assignable(v: unknown, typ: ParamType): boolean {
  switch (typ) {
    case 'string': return typeof v === 'string';
    case 'bool': return typeof v === 'boolean';
    case 'float64': return typeof v === 'number';
    case 'int': case 'int64': return v instanceof GoInt && v.kind === typ;
    case 'map': return isMap(v);
    case '[]any': return Array.isArray(v) && typeName(v) === '[]interface {}';
    case '[]string': return Array.isArray(v) && typeName(v) === '[]string';
    default: return true;
  }
}

/** Go's spelling of a parameter type. */
export function goType(t: ParamType | undefined): string {
  switch (t) {
    case 'map': return 'map[string]interface {}';
    case '[]any': return '[]interface {}';
    case 'any': case undefined: return 'interface {}';
    case 'value': return 'reflect.Value';
    default: return t;
  }
}

