import { relative } from 'node:path';
import type { KubeObject } from '../kube/types.js';
import { RenderCache, renderObjects } from './kustomize/index.js';
import { insideRoot, isKustomization, renderPlainDirectory } from './render.js';

/** Options of the render memo. */
export interface SourceRendersOptions {
  /** Commits whose renders are kept (least recently used dropped first). */
  maxRevisions?: number;
}

interface Revision {
  cache: RenderCache;
  results: Map<string, Promise<KubeObject[]>>;
}

/**
 * Renders of Application sources shared by every Application of the controller. A commit's tree
 * never changes, so the render of one path at one commit is computed once (concurrent callers share
 * it) and every caller gets its own copy; the renders of one commit share a kustomize RenderCache,
 * so a base used by the overlays of every region is read and built once. Only the most recently
 * used commits are kept, so memory follows the revisions in use, not every revision ever seen.
 */
export class SourceRenders {
  private readonly revisions = new Map<string, Revision>();
  private readonly maxRevisions: number;

  constructor(opts: SourceRendersOptions = {}) {
    this.maxRevisions = opts.maxRevisions ?? 8;
  }

  /** Number of commits held (for tests). */
  get size(): number {
    return this.revisions.size;
  }

  /** The objects at `path` of the checkout `root` of commit `sha` (kustomization or plain YAML/JSON), as a fresh copy. */
  async render(root: string, sha: string, path: string): Promise<KubeObject[]> {
    const rev = this.revision(sha);
    let result = rev.results.get(path);
    if (!result) {
      result = renderSource(root, path, rev.cache);
      rev.results.set(path, result);
      // A failure is not remembered: it may be the disk, not the commit.
      result.catch(() => { if (rev.results.get(path) === result) rev.results.delete(path); });
    }
    return structuredClone(await result);
  }

  private revision(sha: string): Revision {
    let rev = this.revisions.get(sha);
    if (rev) this.revisions.delete(sha);
    else rev = { cache: new RenderCache(), results: new Map() };
    this.revisions.set(sha, rev); // most recently used last
    while (this.revisions.size > this.maxRevisions) this.revisions.delete(this.revisions.keys().next().value as string);
    return rev;
  }
}

/** renderDirectory (src/gitops/render.ts) with a RenderCache: same checks, same objects. */
export async function renderSource(root: string, path: string, cache: RenderCache): Promise<KubeObject[]> {
  const dir = await insideRoot(root, path);
  if (!isKustomization(dir)) return renderPlainDirectory(dir, root);
  return checkObjects(await renderObjects(dir, { root, cache }), relative(root, dir) || '.');
}

function checkObjects(items: unknown[], where: string): KubeObject[] {
  return items.flatMap((item, i) => {
    if (!item || typeof item !== 'object') throw new Error(`${where}: item ${i} is not an object`);
    const o = item as KubeObject;
    if (typeof o.kind === 'string' && o.kind.endsWith('List') && Array.isArray(o.items)) return checkObjects(o.items, `${where}.items`);
    if (!o.apiVersion || !o.kind || !o.metadata?.name) throw new Error(`${where}: apiVersion, kind and metadata.name are required`);
    return [o];
  });
}
