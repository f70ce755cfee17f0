import { lexAction, splitTemplate, type Token } from './lexer.js';

/** An argument of a command. */
export type Arg =
  | { k: 'field'; path: string[] }
  | { k: 'var'; name: string; path: string[] }
  | { k: 'lit'; value: unknown }
  | { k: 'fn'; name: string }
  | { k: 'sub'; pipe: Pipeline };
/** A command: a function with arguments, or a single value. */
export type Command = Arg[];
/** Commands joined by `|`; the value of each is passed as the last argument of the next. */
export interface Pipeline { commands: Command[]; declare?: string }
/** A node of the parsed template. */
export type Node =
  | { n: 'text'; text: string }
  | { n: 'out'; pipe: Pipeline }
  | Block;
/** An if, with or range block. */
export interface Block { n: 'if' | 'with' | 'range'; pipe: Pipeline; body: Node[]; alt: Node[] }

/** Parses a Go template (the subset Meridian supports) into nodes; throws naming the action. */
export function parseTemplate(text: string): Node[] {
  const chunks = splitTemplate(text);
  let i = 0;
  const block = (terminators: string[]): { nodes: Node[]; end: string } => {
    const nodes: Node[] = [];
    while (i < chunks.length) {
      const c = chunks[i++];
      if (c.kind === 'text') { nodes.push({ n: 'text', text: c.text }); continue; }
      const word = c.src.split(/\s+/)[0];
      if (terminators.includes(word)) return { nodes, end: c.src };
      if (word === 'if' || word === 'with' || word === 'range') nodes.push(control(word, c.src.slice(word.length)));
      else if (word === 'end' || word === 'else') throw new Error(`template: unexpected {{${c.src}}}`);
      else nodes.push({ n: 'out', pipe: parsePipeline(lexAction(c.src), c.src) });
    }
    if (terminators.length) throw new Error(`template: missing {{end}} (expected one of ${terminators.join(', ')})`);
    return { nodes, end: '' };
  };
  const control = (word: 'if' | 'with' | 'range', rest: string): Node => {
    const pipe = parsePipeline(lexAction(rest), rest);
    const body = block(['end', 'else']);
    let alt: Node[] = [];
    if (body.end.startsWith('else')) {
      const chain = body.end.slice(4).trim();
      if (chain.startsWith('if ')) alt = [control('if', chain.slice(2))];
      else alt = block(['end']).nodes;
    }
    return { n: word, pipe, body: body.nodes, alt };
  };
  return block([]).nodes;
}

function parsePipeline(tokens: Token[], src: string): Pipeline {
  let pos = 0;
  let declare: string | undefined;
  if (tokens.length > 2 && tokens[0].t === 'var' && tokens[1].t === 'declare') {
    declare = tokens[0].name;
    pos = 2;
  }
  const parse = (): Pipeline => {
    const commands: Command[] = [[]];
    while (pos < tokens.length) {
      const tok = tokens[pos++];
      if (tok.t === 'rparen') { pos--; break; }
      if (tok.t === 'pipe') { commands.push([]); continue; }
      commands[commands.length - 1].push(toArg(tok));
    }
    if (commands.some((c) => c.length === 0)) throw new Error(`template action "${src}": empty command`);
    return { commands };
  };
  const toArg = (tok: Token): Arg => {
    switch (tok.t) {
      case 'field': return { k: 'field', path: tok.path };
      case 'var': return { k: 'var', name: tok.name, path: tok.path };
      case 'string': case 'number': return { k: 'lit', value: tok.value };
      case 'ident': return tok.name === 'true' || tok.name === 'false' ? { k: 'lit', value: tok.name === 'true' } : tok.name === 'nil' ? { k: 'lit', value: undefined } : { k: 'fn', name: tok.name };
      case 'lparen': {
        const sub = parse();
        if (tokens[pos++]?.t !== 'rparen') throw new Error(`template action "${src}": missing )`);
        return { k: 'sub', pipe: sub };
      }
      default: throw new Error(`template action "${src}": unexpected ${tok.t}`);
    }
  };
  const pipe = parse();
  if (pos < tokens.length) throw new Error(`template action "${src}": unexpected )`);
  return { ...pipe, declare };
}
