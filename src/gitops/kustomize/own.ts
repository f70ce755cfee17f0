// Own-property access for mappings whose keys come from Git. Kustomize (Go) treats `__proto__`,
// `constructor` and `prototype` as ordinary keys; in JavaScript a plain object inherits them, and
// assigning `__proto__` replaces the prototype. Every path-walking step of the renderer reads and
// writes through these helpers so such keys behave as kustomize's do and nothing reaches
// Object.prototype.
import type { Obj, Value } from './values.js';

/** Keys that a plain JavaScript object inherits or treats specially. */
export const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** True when `o` has `key` as its own property. */
export function hasOwn(o: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}

/** The own value of `key`, or undefined (never an inherited member). */
export function getOwn(o: Obj, key: string): Value | undefined {
  return hasOwn(o, key) ? o[key] : undefined;
}

/** Sets `key` as an own, enumerable property (also `__proto__`, which an assignment would not). */
export function setOwn(o: Obj | Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  else (o as Record<string, unknown>)[key] = value;
}
