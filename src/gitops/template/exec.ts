import { FUNCS, isEmpty, printValue } from './funcs.js';
import { parseTemplate, type Arg, type Block, type Node, type Pipeline } from './parser.js';

/** What a missing map key yields: an error (`missingkey=error`), `<no value>`, or the zero value. */
export type MissingKey = 'error' | 'default' | 'zero';

interface Scope { dot: unknown; root: unknown; vars: Map<string, unknown>; missing: MissingKey }

const MAX_OUTPUT = 1 << 20;

/** Runs a Go template (parsed by parseTemplate) against data; no code is evaluated, only data read. */
export function executeTemplate(text: string, data: unknown, missing: MissingKey = 'default'): string {
  const nodes = parseTemplate(text);
  const out: string[] = [];
  run(nodes, { dot: data, root: data, vars: new Map([['$', data]]), missing }, out);
  return out.join('');
}

/** Evaluates a template whose whole text is one action and returns its value unprinted (typed). */
export function evaluateSingle(text: string, data: unknown, missing: MissingKey = 'default'): { value: unknown } | undefined {
  const nodes = parseTemplate(text);
  if (nodes.length !== 1 || nodes[0].n !== 'out') return undefined;
  return { value: pipeline(nodes[0].pipe, { dot: data, root: data, vars: new Map([['$', data]]), missing }) };
}

function run(nodes: Node[], scope: Scope, out: string[]): void {
  for (const node of nodes) {
    if (node.n === 'text') out.push(node.text);
    else if (node.n === 'out') {
      const v = pipeline(node.pipe, scope);
      if (!node.pipe.declare) out.push(printValue(v));
    } else if (node.n === 'if') run(isEmpty(pipeline(node.pipe, scope)) ? node.alt : node.body, scope, out);
    else if (node.n === 'with') {
      const v = pipeline(node.pipe, scope);
      run(isEmpty(v) ? node.alt : node.body, isEmpty(v) ? scope : { ...scope, dot: v }, out);
    } else rangeOver(node, scope, out);
    if (out.reduce((n, s) => n + s.length, 0) > MAX_OUTPUT) throw new Error('template output exceeds 1 MiB');
  }
}

function rangeOver(node: Block, scope: Scope, out: string[]): void {
  const v = pipeline(node.pipe, scope);
  const items: unknown[] = Array.isArray(v) ? v : v && typeof v === 'object' ? Object.keys(v).sort().map((k) => (v as Record<string, unknown>)[k]) : [];
  if (items.length === 0) run(node.alt, scope, out);
  for (const item of items) run(node.body, { ...scope, dot: item }, out);
}

function pipeline(pipe: Pipeline, scope: Scope): unknown {
  let value: unknown;
  pipe.commands.forEach((cmd, i) => {
    const piped = i > 0 ? [value] : [];
    const [head, ...rest] = cmd;
    if (head.k === 'fn') {
      const fn = lookupFunc(head.name);
      if (!fn) throw new Error(`template: function "${head.name}" not defined`);
      value = fn(...rest.map((a) => arg(a, scope)), ...piped);
    } else {
      if (rest.length || piped.length) throw new Error(`template: can't give argument to non-function`);
      value = arg(head, scope);
    }
  });
  if (pipe.declare) scope.vars.set(pipe.declare, value);
  return value;
}

function arg(a: Arg, scope: Scope): unknown {
  switch (a.k) {
    case 'lit': return a.value;
    case 'sub': return pipeline(a.pipe, scope);
    case 'fn': {
      const fn = lookupFunc(a.name);
      if (!fn) throw new Error(`template: function "${a.name}" not defined`);
      return fn();
    }
    case 'field': return walk(scope.dot, a.path, scope.missing);
    case 'var': {
      if (!scope.vars.has(a.name)) throw new Error(`template: undefined variable "${a.name}"`);
      return walk(scope.vars.get(a.name), a.path, scope.missing);
    }
  }
}

function walk(start: unknown, path: string[], missing: MissingKey): unknown {
  let cur = start;
  for (const key of path) {
    if (cur === null || cur === undefined || typeof cur !== 'object' || Array.isArray(cur)) {
      throw new Error(`template: can't evaluate field ${key} in ${cur === undefined ? 'nil' : typeof cur}`);
    }
    const obj = cur as Record<string, unknown>;
    if (!Object.hasOwn(obj, key)) {
      if (missing === 'error') throw new Error(`template: map has no entry for key "${key}"`);
      return missing === 'zero' ? '' : undefined;
    }
    cur = obj[key];
  }
  return cur;
}

// Own properties only: a template must never reach prototype members such as `constructor`.
function lookupFunc(name: string) {
  return Object.hasOwn(FUNCS, name) ? FUNCS[name] : undefined;
}
