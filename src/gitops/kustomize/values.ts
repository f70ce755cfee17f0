/** A YAML/JSON value as the renderer handles it: what JSON can hold. */
export type Value = string | number | boolean | null | Value[] | Obj;

/** A YAML mapping. */
export interface Obj {
  [key: string]: Value;
}

/** True for a mapping (not an array, not null). */
export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A deep copy of a value. */
export function clone<T extends Value>(v: T): T {
  return structuredClone(v);
}

/** Deep equality of two values, ignoring key order. */
export function deepEqual(a: Value | undefined, b: Value | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** The mapping at `key`, created when missing or not a mapping. */
export function ensureObj(o: Obj, key: string): Obj {
  const v = Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
  if (isObj(v)) return v;
  const created: Obj = {};
  Object.defineProperty(o, key, { value: created, enumerable: true, writable: true, configurable: true });
  return created;
}

/** A string field of a mapping, or '' when missing or not a string. */
export function str(o: Value | undefined, key: string): string {
  if (!isObj(o)) return '';
  const v = Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
  return typeof v === 'string' ? v : '';
}
