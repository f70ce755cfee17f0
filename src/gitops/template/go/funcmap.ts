/** How a Go function is described to the executor: parameter types as reflect sees them. */

/** A parameter type: `value` is reflect.Value (builtins that see the raw argument). */
export type ParamType = 'string' | 'int' | 'int64' | 'float64' | 'bool' | 'any' | 'value' | 'map' | '[]any' | '[]string';

/** An error a Go function returned (or a panic it raised); printed after "error calling NAME: ". */
export class GoError extends Error {}

/** One function of a FuncMap. */
export interface GoFunc {
  /** Fixed parameters. */
  params: ParamType[];
  /** Element type of a trailing `...` parameter. */
  variadic?: ParamType;
  /** The result is interface{} (a nil result is a nil interface) rather than a concrete type. */
  anyResult?: boolean;
  /** A text/template builtin (and/or short-circuit). */
  builtin?: boolean;
  /** The implementation; throws GoError for Go's non-nil error result or a panic. */
  fn: (...args: unknown[]) => unknown;
}

/** A named set of functions (Go builtins, Sprig, ArgoCD's extras, later Helm's). */
export type FuncMap = ReadonlyMap<string, GoFunc>;

/** Declares a function: `fn(['string','int'], impl)`, variadic with `{ variadic: 'any' }`. */
export function fn(params: ParamType[], impl: (...args: never[]) => unknown, opts: Omit<GoFunc, 'params' | 'fn'> = {}): GoFunc {
  return { params, fn: impl as (...args: unknown[]) => unknown, ...opts };
}

/** Merges function maps; later maps override earlier ones, as template.Funcs does. */
export function mergeFuncMaps(...maps: FuncMap[]): FuncMap {
  const out = new Map<string, GoFunc>();
  for (const m of maps) for (const [k, v] of m) out.set(k, v);
  return out;
}
