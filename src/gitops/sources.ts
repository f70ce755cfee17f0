import type { KubeObject } from '../kube/types.js';
import { RenderCache } from './kustomize/index.js';
import { renderDirectory } from './render.js';

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
      result = renderDirectory(root, path, { cache: rev.cache });
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
