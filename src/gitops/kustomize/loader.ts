// The file system as a kustomization sees it: every path is resolved (symlinks included) and must
// stay inside the repository root; files a kustomization reads must also lie in or below its own
// directory (kustomize's LoadRestrictionsRootOnly). Nothing is ever executed.
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { KustomizeError } from './errors.js';
import { RenderCache } from './cache.js';

/** File names kustomize recognises as a kustomization, in its order. */
export const KUSTOMIZATION_FILE_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

function within(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && !rel.startsWith(sep));
}

// Synchronous file system calls: a kustomization's files are small and local, and a thread-pool
// round trip per stat/realpath/read cost more than the work itself (most of a render's time was
// spent idle waiting for them on a loaded machine).
function realOrUndefined(path: string): string | undefined {
  try {
    // The system's realpath(3): one call instead of an lstat per path component.
    return realpathSync.native(path);
  } catch {
    return undefined;
  }
}

/** Reads files for one kustomization directory, guarded by the repository root. */
export class Loader {
  private constructor(
    readonly repoRoot: string,
    readonly dir: string,
    private readonly ancestors: readonly string[],
    /** Shared with every render of the same revision. */
    readonly cache: RenderCache,
  ) {}

  /** The loader of the directory being built; both paths are resolved first. */
  static async create(dir: string, root: string, cache: RenderCache = new RenderCache()): Promise<Loader> {
    const realRoot = realOrUndefined(root);
    if (!realRoot) throw new KustomizeError(root, 'repository root does not exist');
    const realDir = realOrUndefined(resolve(dir));
    if (!realDir) throw new KustomizeError(relative(realRoot, resolve(dir)) || dir, 'directory does not exist');
    if (!within(realRoot, realDir)) throw new KustomizeError(dir, 'directory lies outside the repository root');
    return new Loader(realRoot, realDir, [realDir], cache);
  }

  /** A path for messages: relative to the repository root. */
  display(path: string): string {
    return relative(this.repoRoot, isAbsolute(path) ? path : join(this.dir, path)) || '.';
  }

  /** Resolves a path named in this kustomization; undefined when it does not exist. */
  async locate(path: string): Promise<string | undefined> {
    if (isAbsolute(path)) throw new KustomizeError(this.display('.'), `absolute path "${path}" is not allowed`);
    const real = await this.real(resolve(this.dir, path));
    if (real && !within(this.repoRoot, real)) {
      throw new KustomizeError(this.display(path), 'path lies outside the repository root');
    }
    return real;
  }

  /** True when the path is an existing directory. */
  async isDirectory(real: string): Promise<boolean> {
    let known = this.cache.isDir.get(real);
    if (!known) {
      known = Promise.resolve(statSync(real).isDirectory());
      this.cache.isDir.set(real, known);
    }
    return known;
  }

  private real(abs: string): Promise<string | undefined> {
    let known = this.cache.realPaths.get(abs);
    if (!known) {
      known = Promise.resolve(realOrUndefined(abs));
      this.cache.realPaths.set(abs, known);
    }
    return known;
  }

  /** Reads a file that must lie in or below this kustomization's directory. */
  async readFile(path: string, field: string): Promise<string> {
    const real = await this.locate(path);
    const shown = this.display(path);
    if (!real) throw new KustomizeError(this.display('.'), `field "${field}": file "${path}" does not exist (${shown})`);
    if (!within(this.dir, real)) {
      throw new KustomizeError(this.display('.'), `field "${field}": security: file "${shown}" is not in or below "${this.display('.')}"`);
    }
    if (await this.isDirectory(real)) throw new KustomizeError(shown, `field "${field}": is a directory, expected a file`);
    let text = this.cache.texts.get(real);
    if (!text) {
      text = Promise.resolve(readFileSync(real, 'utf8'));
      this.cache.texts.set(real, text);
    }
    return text;
  }

  /** Reads raw bytes of a file in or below this directory (for generators' binary data). */
  async readBytes(path: string, field: string): Promise<Buffer> {
    await this.readFile(path, field);
    return readFileSync((await this.locate(path)) as string);
  }

  /** The loader of a sub-kustomization directory; refuses cycles. */
  child(realDir: string): Loader {
    if (this.ancestors.includes(realDir)) {
      throw new KustomizeError(this.display(realDir), `cycle detected: "${this.display(realDir)}" includes itself`);
    }
    return new Loader(this.repoRoot, realDir, [...this.ancestors, realDir], this.cache);
  }

  // The names in this directory, read once per revision (most candidate names do not exist, and a
  // failed realpath costs an exception each time).
  private entries(): ReadonlySet<string> {
    let names = this.cache.dirEntries.get(this.dir);
    if (!names) {
      names = new Set(readdirSync(this.dir));
      this.cache.dirEntries.set(this.dir, names);
    }
    return names;
  }

  /** The kustomization file of this directory: its name and text, or undefined when there is none. */
  async kustomizationFile(): Promise<{ name: string; text: string } | undefined> {
    const found: string[] = [];
    const entries = this.entries();
    for (const name of KUSTOMIZATION_FILE_NAMES) {
      if (!entries.has(name)) continue;
      const real = await this.real(join(this.dir, name));
      if (real && !(await this.isDirectory(real))) found.push(name);
    }
    if (found.length > 1) throw new KustomizeError(this.display('.'), `found several kustomization files: ${found.join(', ')}`);
    if (found.length === 0) return undefined;
    return { name: found[0], text: await this.readFile(found[0], 'kustomization') };
  }
}
