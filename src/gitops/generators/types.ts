import type { Params } from '../params.js';
import type { TemplateMode } from '../template/index.js';

/** A member cluster as the clusters generator sees it. */
export interface ClusterInfo {
  name: string;
  server: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** A checked-out revision of a repository. */
export interface Checkout {
  /** Directory holding the files of the revision (no .git). */
  dir: string;
  /** The commit it resolved to. */
  sha: string;
}

/** What generators may read: the registered clusters and Git checkouts. */
export interface GeneratorContext {
  clusters: ClusterInfo[];
  checkout(repoURL: string, revision: string): Promise<Checkout>;
  mode: TemplateMode;
}

/** A generator spec: an object with exactly one of clusters, list, git, matrix, merge. */
export type GeneratorSpec = Record<string, unknown>;

/** A generator implementation: the parameter sets of one spec; `where` names the field for errors. */
export type GeneratorFn = (spec: unknown, ctx: GeneratorContext, where: string) => Promise<Params[]>;

/** Reads an object field of a generator spec, with an error naming the field when it has the wrong type. */
export function objectField(spec: unknown, where: string): Record<string, unknown> {
  if (!spec || typeof spec !== 'object' || Array.isArray(spec)) throw new Error(`${where}: expected an object`);
  return spec as Record<string, unknown>;
}

/** Reads a list field, or an empty list when absent. */
export function listField(obj: Record<string, unknown>, key: string, where: string): unknown[] {
  const v = obj[key];
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new Error(`${where}.${key}: expected a list`);
  return v;
}

/** Reads a string field. */
export function stringField(obj: Record<string, unknown>, key: string, where: string, fallback?: string): string {
  const v = obj[key];
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'string' || !v) throw new Error(`${where}.${key}: expected a non-empty string`);
  return v;
}
