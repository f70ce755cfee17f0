// Meridian's native Kustomize renderer: `kustomize build` (v5.5.0) semantics and byte-identical
// output, reading nothing outside the repository root and executing nothing.
import { buildObjects } from './build.js';
import { emitStream } from './yaml-emit.js';
import type { Obj } from './values.js';
import type { RenderCache } from './cache.js';

export { RenderCache } from './cache.js';
export { KustomizeError, RefusedError, type RefusalReason } from './errors.js';

/** Options of a render: `root` is the repository root no file outside of which is read (default: dir). */
export interface RenderOptions {
  root?: string;
  /** Work shared between renders of one revision (parsed files, built bases); see RenderCache. */
  cache?: RenderCache;
}

/** Renders a kustomization directory exactly as `kustomize build dir` prints it. */
export async function renderKustomization(dir: string, options: RenderOptions = {}): Promise<string> {
  return emitStream(await buildObjects(dir, options.root ?? dir, options.cache));
}

/** Renders a kustomization directory into its objects, in kustomize's output order. */
export async function renderObjects(dir: string, options: RenderOptions = {}): Promise<Array<Record<string, unknown>>> {
  const objs: Obj[] = await buildObjects(dir, options.root ?? dir, options.cache);
  return objs;
}
