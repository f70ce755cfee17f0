/**
 * A set of named templates sharing one function map, like Go's *template.Template with its
 * associated templates: `define`/`block` add to the set, `template` calls into it. Helm's
 * `include`/`tpl` can be added later as functions bound to a set (see `bindFuncs`).
 */
import { execute, type MissingKey } from './go/exec.js';
import { mergeFuncMaps, type FuncMap } from './go/funcmap.js';
import { GO_BUILTINS } from './go/builtins.js';
import { parseInto, TemplateParseError, type Tree } from './go/parser.js';

/** Options as text/template's Option("missingkey=..."). */
export interface TemplateOptions { missingKey: MissingKey; maxOutputBytes?: number }

/** Parses Go's option strings (`missingkey=default|invalid|zero|error`); throws on anything else, as Go panics. */
export function parseTemplateOptions(options: readonly string[] | undefined): TemplateOptions {
  let missingKey: MissingKey = 'default';
  for (const opt of options ?? []) {
    if (opt === '') throw new Error('goTemplateOptions: empty option string');
    const [key, value] = opt.split('=', 2);
    if (key === 'missingkey' && (value === 'invalid' || value === 'default')) missingKey = 'default';
    else if (key === 'missingkey' && (value === 'zero' || value === 'error')) missingKey = value;
    else throw new Error(`goTemplateOptions: unrecognized option: ${opt}`);
  }
  return { missingKey };
}

/** Named templates with a function map (Go builtins first, then the given maps in order). */
export class TemplateSet {
  private readonly trees = new Map<string, Tree>();
  private funcs: FuncMap;

  /** A set whose functions are Go's builtins overridden by `funcs` (later maps win). */
  constructor(funcs: FuncMap[], private readonly options: TemplateOptions = { missingKey: 'default' }) {
    this.funcs = mergeFuncMaps(GO_BUILTINS, ...funcs);
  }

  /** Adds functions that need the set itself (Helm's include and tpl). */
  bindFuncs(make: (set: TemplateSet) => FuncMap): this {
    this.funcs = mergeFuncMaps(this.funcs, make(this));
    return this;
  }

  /** Parses `text` as template `name` (and any templates it defines); throws Go's parse error. */
  parse(name: string, text: string): this {
    const staged = new Map(this.trees);
    try {
      parseInto(staged, name, text, (fn) => this.funcs.has(fn));
    } catch (e) {
      if (e instanceof RangeError && /call stack/i.test(e.message)) throw new TemplateParseError(`template: ${name}: nesting too deep to parse`, { cause: e });
      throw e;
    }
    for (const [k, v] of staged) this.trees.set(k, v);
    return this;
  }

  /** Whether a template of that name is defined. */
  has(name: string): boolean {
    return this.trees.has(name);
  }

  /** Names of the templates in the set, sorted. */
  names(): string[] {
    return [...this.trees.keys()].sort();
  }

  /** Executes template `name` with Go-model data (see toGo); throws Go's execution error. */
  execute(name: string, data: unknown): string {
    return execute(this.trees, name, this.funcs, data, this.options.missingKey, { maxOutputBytes: this.options.maxOutputBytes ?? 4 << 20 });
  }
}
