import { lstat, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Options of the extracted-tree store. */
export interface TreeStoreOptions {
  /** Directory holding one extracted tree per commit (`<dir>/<sha>`). */
  dir: string;
  /** Total size the trees may take; least recently used trees beyond it are removed. */
  maxBytes: number;
  /** A tree checked out this recently counts as in use (its reader may still be rendering it). */
  inUseGraceMs: number;
}

interface Entry {
  bytes: number;
  lastUsed: number;
  holds: number;
}

/**
 * Bounds the extracted trees under the Git cache by total size, least recently used first. A tree
 * is never removed while it is held (hold/release) or within the grace period after its last use.
 */
export class TreeStore {
  private readonly entries = new Map<string, Entry>();
  private scanned: Promise<void> | undefined;

  constructor(private readonly opts: TreeStoreOptions) {}

  /** Total bytes of the trees known to the store. */
  get totalBytes(): number {
    let n = 0;
    for (const e of this.entries.values()) n += e.bytes;
    return n;
  }

  /** The commits whose trees are kept, least recently used first. */
  commits(): string[] {
    return [...this.entries].sort((a, b) => a[1].lastUsed - b[1].lastUsed).map(([sha]) => sha);
  }

  /** Marks a tree used now. */
  touch(sha: string): void {
    const e = this.entries.get(sha);
    if (e) e.lastUsed = Date.now();
  }

  /** Holds a tree against eviction until the returned release is called. */
  hold(sha: string): () => void {
    const e = this.entries.get(sha) ?? { bytes: 0, lastUsed: Date.now(), holds: 0 };
    this.entries.set(sha, e);
    e.holds++;
    let released = false;
    return () => { if (!released) { released = true; e.holds--; e.lastUsed = Date.now(); } };
  }

  /** Records a freshly extracted tree and evicts what no longer fits. */
  async added(sha: string): Promise<void> {
    await this.scan();
    const e = this.entries.get(sha) ?? { bytes: 0, lastUsed: Date.now(), holds: 0 };
    e.bytes = await treeBytes(join(this.opts.dir, sha));
    e.lastUsed = Date.now();
    this.entries.set(sha, e);
    await this.evict();
  }

  /** Removes least recently used trees, not held and not in their grace period, until the total fits. */
  async evict(now = Date.now()): Promise<string[]> {
    const removed: string[] = [];
    let total = this.totalBytes;
    for (const sha of this.commits()) {
      if (total <= this.opts.maxBytes) break;
      const e = this.entries.get(sha);
      if (!e || e.holds > 0 || now - e.lastUsed < this.opts.inUseGraceMs) continue;
      this.entries.delete(sha);
      await rm(join(this.opts.dir, sha), { recursive: true, force: true });
      total -= e.bytes;
      removed.push(sha);
    }
    return removed;
  }

  /** Learns the trees a previous process left behind (last use: their mtime). */
  private scan(): Promise<void> {
    this.scanned ??= (async () => {
      const names = await readdir(this.opts.dir).catch(() => [] as string[]);
      for (const sha of names.filter((n) => /^[0-9a-f]{40,64}$/.test(n))) {
        if (this.entries.has(sha)) continue;
        const dir = join(this.opts.dir, sha);
        this.entries.set(sha, { bytes: await treeBytes(dir), lastUsed: (await stat(dir)).mtimeMs, holds: 0 });
      }
    })();
    return this.scanned;
  }
}

/** Bytes of the files under a directory (symlinks counted as themselves, never followed). */
export async function treeBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) total += await treeBytes(p);
    else total += (await lstat(p)).size;
  }
  return total;
}
