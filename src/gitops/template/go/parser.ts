/** A port of Go 1.19's text/template/parse parser: one template text to a set of named trees. */
import { lex, type Item, type ItemType } from './lexer.js';
import { parseNumber, type ArgNode, type CommandNode, type ListNode, type Node, type PipeNode, type VariableNode } from './nodes.js';
import { quoteWith, unquote } from './strconv.js';

/** A parsed template: its name and root list. */
export interface Tree { name: string; root: ListNode; text: string; parseName: string }

/** A parse failure with Go's message (`template: name:line: ...`). */
export class TemplateParseError extends Error {}

const KEYWORD_TYPES = new Set<ItemType>(['block', 'break', 'continue', 'dot', 'define', 'else', 'end', 'if', 'nil', 'range', 'template', 'with']);

function itemString(i: Item): string {
  if (i.type === 'EOF') return 'EOF';
  if (i.type === 'error') return i.val;
  if (KEYWORD_TYPES.has(i.type)) return `<${i.val}>`;
  if ([...i.val].length > 10) return quoteWith([...i.val].slice(0, 10).join(''), '"') + '...';
  return quoteWith(i.val, '"');
}

const isEmptyTree = (n: Node): boolean => n.t === 'list' ? n.nodes.every(isEmptyTree) : n.t === 'text' ? n.text.trim() === '' : n.t === 'comment';

/**
 * Parses `text` as template `name`, adding every tree (the main one and each define/block) to
 * `set`, with Go's rules for redefinition. `hasFunction` decides unknown functions at parse time.
 */
export function parseInto(set: Map<string, Tree>, name: string, text: string, hasFunction: (n: string) => boolean): void {
  const items = lex(text);
  let idx = 0;
  let lastLine = 1;
  const next = (): Item => { const it = items[Math.min(idx, items.length - 1)]; idx++; lastLine = Math.max(lastLine, it.line); return it; };
  const backup = (n = 1) => { idx -= n; };
  const peek = (): Item => { const it = next(); backup(); return it; };
  const nextNonSpace = (): Item => { let it; do it = next(); while (it.type === 'space'); return it; };
  const peekNonSpace = (): Item => { const it = nextNonSpace(); backup(); return it; };

  let vars: string[] = ['$'];
  let rangeDepth = 0;
  let actionLine = 0;
  const errorf = (msg: string): never => { throw new TemplateParseError(`template: ${name}:${lastLine}: ${msg}`); };
  const unexpected = (it: Item, context: string): never => {
    if (it.type === 'error') {
      let extra = '';
      if (actionLine !== 0 && actionLine !== it.line) {
        extra = ` in action started at ${name}:${actionLine}`;
        if (it.val.endsWith(' action')) extra = extra.slice(' in action'.length);
      }
      return errorf(`${it.val}${extra}`);
    }
    return errorf(`unexpected ${itemString(it)} in ${context}`);
  };
  const expect = (type: ItemType, context: string): Item => { const it = nextNonSpace(); if (it.type !== type) unexpected(it, context); return it; };
  const unq = (it: Item): string => { try { return unquote(it.val); } catch (e) { return errorf((e as Error).message); } };

  const add = (treeName: string, root: ListNode) => {
    const old = set.get(treeName);
    if (!old || isEmptyTree(old.root)) { set.set(treeName, { name: treeName, root, text, parseName: name }); return; }
    if (!isEmptyTree(root)) errorf(`template: multiple definition of template ${JSON.stringify(treeName)}`);
  };

  const itemList = (): [ListNode, Node] => {
    const list: ListNode = { t: 'list', pos: peekNonSpace().pos, nodes: [] };
    while (peekNonSpace().type !== 'EOF') {
      const n = textOrAction();
      if (n.t === 'end' || n.t === 'else') return [list, n];
      if (n.t !== 'comment') list.nodes.push(n);
    }
    return errorf('unexpected EOF');
  };
  const textOrAction = (): Node => {
    const it = nextNonSpace();
    if (it.type === 'text') return { t: 'text', pos: it.pos, text: it.val };
    if (it.type === 'leftDelim') {
      actionLine = it.line;
      try { return action(); } finally { actionLine = 0; }
    }
    if (it.type === 'comment') return { t: 'comment', pos: it.pos, text: it.val };
    return unexpected(it, 'input');
  };
  const action = (): Node => {
    const it = nextNonSpace();
    switch (it.type) {
      case 'block': return blockControl();
      case 'break': case 'continue': {
        const tok = nextNonSpace();
        if (tok.type !== 'rightDelim') unexpected(tok, `{{${it.type}}}`);
        if (rangeDepth === 0) errorf(`{{${it.type}}} outside {{range}}`);
        return { t: it.type, pos: it.pos, line: it.line };
      }
      case 'else': {
        const p = peekNonSpace();
        if (p.type === 'if') return { t: 'else', pos: p.pos, line: p.line };
        const tok = expect('rightDelim', 'else');
        return { t: 'else', pos: tok.pos, line: tok.line };
      }
      case 'end': { const tok = expect('rightDelim', 'end'); return { t: 'end', pos: tok.pos, line: tok.line }; }
      case 'if': return control('if', true);
      case 'range': return control('range', false);
      case 'with': return control('with', false);
      case 'template': {
        const tok = nextNonSpace();
        const tname = templateName(tok, 'template clause');
        let pipe: PipeNode | undefined;
        if (nextNonSpace().type !== 'rightDelim') { backup(); pipe = pipeline('template clause', 'rightDelim'); }
        return { t: 'template', pos: tok.pos, line: tok.line, name: tname, pipe };
      }
    }
    backup();
    const tok = peek();
    return { t: 'action', pos: tok.pos, line: tok.line, pipe: pipeline('command', 'rightDelim') };
  };
  const templateName = (tok: Item, context: string): string => {
    if (tok.type === 'string' || tok.type === 'rawString') return unq(tok);
    return unexpected(tok, context);
  };
  const control = (kind: 'if' | 'range' | 'with', allowElseIf: boolean): Node => {
    const saved = vars.length;
    try {
      const pipe = pipeline(kind, 'rightDelim');
      if (kind === 'range') rangeDepth++;
      const [list, first] = itemList();
      let nxt = first;
      if (kind === 'range') rangeDepth--;
      let elseList: ListNode | undefined;
      if (nxt.t === 'else') {
        if (allowElseIf && peek().type === 'if') {
          next();
          elseList = { t: 'list', pos: nxt.pos, nodes: [control('if', true)] };
        } else {
          let end: Node;
          [elseList, end] = itemList();
          nxt = end;
          if (nxt.t !== 'end') errorf(`expected end; found ${nxt.t === 'else' ? '{{else}}' : nxt.t}`);
        }
      }
      return { t: kind, pos: pipe.pos, line: pipe.line, pipe, list, elseList };
    } finally { vars = vars.slice(0, saved); }
  };
  const blockControl = (): Node => {
    const tok = nextNonSpace();
    const bname = templateName(tok, 'block clause');
    const pipe = pipeline('block clause', 'rightDelim');
    const [savedVars, savedDepth] = [vars, rangeDepth];
    vars = ['$']; rangeDepth = 0;
    const [root, end] = itemList();
    vars = savedVars; rangeDepth = savedDepth;
    if (end.t !== 'end') errorf(`unexpected {{${end.t}}} in block clause`);
    add(bname, root);
    return { t: 'template', pos: tok.pos, line: tok.line, name: bname, pipe };
  };
  const pipeline = (context: string, end: ItemType): PipeNode => {
    const start = peekNonSpace();
    const pipe: PipeNode = { t: 'pipe', pos: start.pos, line: start.line, isAssign: false, decl: [], cmds: [] };
    decls: for (;;) {
      const v = peekNonSpace();
      if (v.type !== 'variable') break;
      const before = idx;
      nextNonSpace();
      const after = peek();
      const nx = peekNonSpace();
      if (nx.type === 'assign' || nx.type === 'declare') {
        pipe.isAssign = nx.type === 'assign';
        nextNonSpace();
        pipe.decl.push({ t: 'variable', pos: v.pos, ident: [v.val] });
        vars.push(v.val);
      } else if (nx.type === 'char' && nx.val === ',') {
        nextNonSpace();
        pipe.decl.push({ t: 'variable', pos: v.pos, ident: [v.val] });
        vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const p = peekNonSpace().type;
          if (p === 'variable' || p === 'rightDelim' || p === 'rightParen') continue decls;
          errorf('range can only initialize variables');
        }
        errorf(`too many declarations in ${context}`);
      } else {
        void after;
        idx = before;
      }
      break;
    }
    for (;;) {
      const it = nextNonSpace();
      if (it.type === end) {
        if (pipe.cmds.length === 0) errorf(`missing value for ${context}`);
        pipe.cmds.slice(1).forEach((c, i) => {
          if (['bool', 'dot', 'nil', 'number', 'string'].includes(c.args[0].t)) errorf(`non executable command in pipeline stage ${i + 2}`);
        });
        return pipe;
      }
      if (['bool', 'charConstant', 'dot', 'field', 'identifier', 'number', 'nil', 'rawString', 'string', 'variable', 'leftParen'].includes(it.type)) {
        backup();
        pipe.cmds.push(command());
      } else unexpected(it, context);
    }
  };
  const command = (): CommandNode => {
    const cmd: CommandNode = { t: 'command', pos: peekNonSpace().pos, args: [] };
    for (;;) {
      peekNonSpace();
      const op = operand();
      if (op) cmd.args.push(op);
      const it = next();
      if (it.type === 'space') continue;
      if (it.type === 'rightDelim' || it.type === 'rightParen') backup();
      else if (it.type !== 'pipe') unexpected(it, 'operand');
      break;
    }
    if (cmd.args.length === 0) errorf('empty command');
    return cmd;
  };
  const operand = (): ArgNode | undefined => {
    let node = term();
    if (!node) return undefined;
    if (peek().type === 'field') {
      const fields: string[] = [];
      const pos = peek().pos;
      while (peek().type === 'field') fields.push(next().val.slice(1));
      switch (node.t) {
        case 'field': node = { t: 'field', pos, ident: [...node.ident, ...fields] }; break;
        case 'variable': node = { t: 'variable', pos, ident: [...node.ident, ...fields] } as VariableNode; break;
        case 'bool': case 'string': case 'number': case 'nil': case 'dot':
          errorf(`unexpected . after term ${quoteWith(node.t === 'string' ? node.quoted : node.t === 'number' ? node.text : node.t === 'bool' ? String(node.value) : node.t === 'nil' ? 'nil' : '.', '"')}`);
          break;
        default: node = { t: 'chain', pos, node, field: fields };
      }
    }
    return node;
  };
  const term = (): ArgNode | undefined => {
    const it = nextNonSpace();
    switch (it.type) {
      case 'identifier':
        if (!hasFunction(it.val)) errorf(`function ${JSON.stringify(it.val)} not defined`);
        return { t: 'identifier', pos: it.pos, ident: it.val };
      case 'dot': return { t: 'dot', pos: it.pos };
      case 'nil': return { t: 'nil', pos: it.pos };
      case 'variable': {
        const ident = it.val.split('.');
        if (!vars.includes(ident[0])) errorf(`undefined variable ${JSON.stringify(ident[0])}`);
        return { t: 'variable', pos: it.pos, ident };
      }
      case 'field': return { t: 'field', pos: it.pos, ident: [it.val.slice(1)] };
      case 'bool': return { t: 'bool', pos: it.pos, value: it.val === 'true' };
      case 'charConstant': case 'number':
        try {
          if (it.type === 'charConstant') {
            let ch: string;
            try { ch = unquote(it.val); } catch { throw new Error(`malformed character constant: ${it.val}`); }
            return parseNumber(it.pos, it.val, true, ch.codePointAt(0));
          }
          return parseNumber(it.pos, it.val, false);
        } catch (e) { return errorf((e as Error).message); }
      case 'leftParen': return pipeline('parenthesized pipeline', 'rightParen');
      case 'string': case 'rawString': return { t: 'string', pos: it.pos, quoted: it.val, text: unq(it) };
    }
    backup();
    return undefined;
  };

  const root: ListNode = { t: 'list', pos: peek().pos, nodes: [] };
  while (peek().type !== 'EOF') {
    if (peek().type === 'leftDelim') {
      const delimAt = idx;
      next();
      if (nextNonSpace().type === 'define') {
        const tok = nextNonSpace();
        if (tok.type !== 'string' && tok.type !== 'rawString') unexpected(tok, 'define clause');
        const dname = unq(tok);
        expect('rightDelim', 'define clause');
        const [savedVars, savedDepth] = [vars, rangeDepth];
        vars = ['$']; rangeDepth = 0;
        const [droot, end] = itemList();
        vars = savedVars; rangeDepth = savedDepth;
        if (end.t !== 'end') errorf(`unexpected {{${end.t}}} in define clause`);
        add(dname, droot);
        continue;
      }
      idx = delimAt;
    }
    const n = textOrAction();
    if (n.t === 'end' || n.t === 'else') errorf(`unexpected {{${n.t}}}`);
    if (n.t !== 'comment') root.nodes.push(n);
  }
  add(name, root);
}
