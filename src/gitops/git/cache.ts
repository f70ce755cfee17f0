import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Checkout } from '../generators/types.js';
import { gitAuth, type CredentialsLookup } from './credentials.js';
import { KeyedLock } from './lock.js';
import { runGit, type GitRunOptions } from './run.js';
import { TreeStore } from './trees.js';
import { checkRepoUrl, checkRevision, isCommitId, redactUserinfo } from './validate.js';

/** Options of the Git source cache. */
export interface GitCacheOptions {
  /** Where bare repositories and extracted trees are kept. */
  dir: string;
  /** How long a resolved branch or tag is trusted before fetching again. */
  pollIntervalMs: number;
  credentials?: CredentialsLookup;
  /** Allow file:// repositories (off by default; the local demo turns it on). */
  allowFileRepos?: boolean;
  /** Deadline of one git command or pipeline (default 120 s). */
  commandTimeoutMs?: number;
  /** Longest wait for a repository's lock (default 300 s) and longest hold (default 180 s). */
  lockWaitMs?: number;
  lockHoldMs?: number;
  /** Total size of extracted trees kept (default 2 GiB), least recently used removed first. */
  maxTreeBytes?: number;
  /** A tree checked out this recently counts as in use and is never removed (default 10 min). */
  treeInUseGraceMs?: number;
  /** PATH git runs with (default: system directories). */
  gitPath?: string;
  /**
   * Measure a freshly extracted tree (and evict what no longer fits) this long after its extraction
   * instead of before the extractor's checkout returns (default 0: at once). The controller defers it:
   * the walk's hundreds of readdir/lstat calls otherwise queue on libuv's four threads in front of the
   * renders every Application of the pushed commit starts at that moment.
   */
  treeMeasureDelayMs?: number;
}

/**
 * Git sources through the real `git` CLI: one bare repository per URL under the cache dir, shallow
 * fetches (`--depth 1`) of exactly the revision asked for, at most once per poll interval unless
 * refresh() was called (the webhook), and one extracted tree per commit, shared by every reader.
 * Every URL and revision is validated before git sees it; every git operation on a repository holds
 * its lock, with deadlines on waiting and holding.
 */
export class GitCache {
  private readonly resolved = new Map<string, { sha: string; at: number }>();
  private readonly locks = new KeyedLock();
  private readonly stale = new Set<string>();
  private readonly known = new Set<string>();
  /** Fetches under way per `url#revision`, shared by every caller that asks meanwhile (same refresh generation only). */
  private readonly inflight = new Map<string, { generation: number; sha: Promise<string> }>();
  /** Refreshes (webhooks) per repository: a fetch that started before the latest one may miss the pushed commit. */
  private readonly generations = new Map<string, number>();
  /** Extractions under way per commit, shared likewise. */
  private readonly extracting = new Map<string, Promise<boolean>>();
  /** The extracted trees, bounded by size. */
  readonly trees: TreeStore;

  constructor(private readonly opts: GitCacheOptions) {
    this.trees = new TreeStore({ dir: join(opts.dir, 'trees'), maxBytes: opts.maxTreeBytes ?? 2 * 1024 ** 3, inUseGraceMs: opts.treeInUseGraceMs ?? 10 * 60_000 });
  }

  /**
   * Marks every revision of a repository stale, so the next resolve fetches. A repository never
   * resolved has nothing cached to refresh and is ignored (a webhook cannot grow the set at will).
   */
  refresh(repoURL: string): void {
    const url = normalizeUrl(repoURL);
    if (!this.known.has(url)) return;
    this.stale.add(url);
    this.generations.set(url, (this.generations.get(url) ?? 0) + 1);
  }

  /** How many times a repository was refreshed (webhooks): a pass that read it before a refresh may have missed a push. */
  generation(repoURL: string): number {
    return this.generations.get(normalizeUrl(repoURL)) ?? 0;
  }

  /** Resolves a branch, tag, HEAD or commit to a commit SHA, fetching when the cached answer is older than the poll interval. */
  resolve(repoURL: string, revision = 'HEAD', force = false, signal?: AbortSignal): Promise<string> {
    try {
      checkRepoUrl(repoURL, { allowFile: this.opts.allowFileRepos });
      checkRevision(revision);
    } catch (err) {
      return Promise.reject(err);
    }
    const url = normalizeUrl(repoURL);
    const key = `${url}#${revision}`;
    const hit = this.resolved.get(key);
    if (hit && !force && !this.stale.has(url) && (isCommitId(revision) || Date.now() - hit.at < this.opts.pollIntervalMs)) return Promise.resolve(hit.sha);
    // Every Application of a repository asks at once after a push: they share one fetch rather than
    // queueing on the repository's lock one after another.
    const generation = this.generations.get(url) ?? 0;
    const flying = this.inflight.get(key);
    if (flying && !force && flying.generation === generation) return abortable(flying.sha, signal);
    const fetching = this.locked(url, `git fetch ${redactUserinfo(repoURL)} ${revision}`, async (signal) => {
      const again = this.resolved.get(key);
      if (again && !force && !this.stale.has(url) && Date.now() - again.at < this.opts.pollIntervalMs && again !== hit) return again.sha;
      this.stale.delete(url);
      const sha = await this.fetch(repoURL, revision, signal);
      this.known.add(url);
      this.resolved.set(key, { sha, at: Date.now() });
      return sha;
    }, signal);
    if (force) return fetching;
    const entry = { generation, sha: fetching };
    this.inflight.set(key, entry);
    const clear = () => { if (this.inflight.get(key) === entry) this.inflight.delete(key); };
    fetching.then(clear, clear);
    return fetching;
  }

  /** The files of a revision in a directory of their own (extracted once per commit); the signal (a reconcile's deadline) aborts waiting and git. */
  async checkout(repoURL: string, revision = 'HEAD', signal?: AbortSignal): Promise<Checkout> {
    const sha = await this.resolve(repoURL, revision, false, signal);
    const dir = join(this.opts.dir, 'trees', sha);
    if (existsSync(dir)) {
      this.trees.touch(sha);
      return { dir, sha };
    }
    // Readers that waited behind the extraction find the tree there; only the extractor records it
    // (measuring a tree walks all of it: once per commit, not once per waiting Application).
    const flying = this.extracting.get(sha);
    if (flying) {
      await abortable(flying, signal);
      this.trees.touch(sha);
      return { dir, sha };
    }
    const extracting = this.locked(normalizeUrl(repoURL), `git archive ${sha}`, async (signal) => {
      if (existsSync(dir)) return false;
      const tmp = `${dir}.tmp-${process.pid}`;
      await rm(tmp, { recursive: true, force: true });
      await mkdir(tmp, { recursive: true });
      await this.extract(repoURL, sha, tmp, signal);
      await rename(tmp, dir);
      return true;
    }, signal);
    this.extracting.set(sha, extracting);
    try {
      if (await extracting) await this.measureLater(sha);
      else this.trees.touch(sha);
    } finally {
      if (this.extracting.get(sha) === extracting) this.extracting.delete(sha);
    }
    return { dir, sha };
  }

  /**
   * Writes a commit's files into `dir` with one git process: a checkout into that work tree through an
   * index of its own (the bare repository's HEAD and refs are untouched). It was `git archive | tar -x`,
   * two spawns; each spawn blocks serve's event loop until the child has exec'd (10-35 ms, outliers over
   * 100 ms on the loaded bench machine), and every Application of a push waits for this one. Unlike
   * archive, checkout writes files marked export-ignore and leaves export-subst placeholders as they
   * are, which renders do not read. git's own path checks refuse `..` and `.git` entries.
   */
  private async extract(repoURL: string, sha: string, dir: string, signal: AbortSignal): Promise<void> {
    // No --end-of-options: checkout then takes the commit for a path. The id is checked instead.
    if (!isCommitId(sha)) throw new Error(`not a commit id: "${sha.slice(0, 80)}"`);
    // Absolute: git moves into the work tree before it opens the index, so a relative cache dir would miss.
    const tree = resolve(dir);
    const index = `${tree}.index`;
    try {
      await this.git(['--git-dir', this.bareDir(repoURL), '--work-tree', tree, 'checkout', '-q', '-f', sha, '--', '.'], { signal, env: { GIT_INDEX_FILE: index } });
    } finally {
      await rm(index, { force: true });
    }
  }

  /** Records a new tree's size and evicts what no longer fits: at once, or after treeMeasureDelayMs in the background. */
  private measureLater(sha: string): Promise<void> {
    const delay = this.opts.treeMeasureDelayMs ?? 0;
    if (delay <= 0) return this.trees.added(sha);
    this.trees.touch(sha);
    // A failed measurement or removal leaves the tree unmeasured or kept; the next extraction evicts again.
    setTimeout(() => void this.trees.added(sha).catch(() => undefined), delay).unref();
    return Promise.resolve();
  }

  /** Runs fn with a revision's tree held against eviction. */
  async withCheckout<T>(repoURL: string, revision: string, fn: (c: Checkout) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const c = await this.checkout(repoURL, revision, signal);
    const release = this.trees.hold(c.sha);
    try {
      return await fn(c);
    } finally {
      release();
    }
  }

  private git(args: string[], opts: GitRunOptions = {}): Promise<string> {
    return runGit(args, { timeoutMs: this.opts.commandTimeoutMs, ...opts, gitEnv: { home: join(this.opts.dir, 'home'), path: this.opts.gitPath, allowFile: this.opts.allowFileRepos } });
  }

  private bareDir(repoURL: string): string {
    return join(this.opts.dir, 'repos', createHash('sha256').update(normalizeUrl(repoURL)).digest('hex').slice(0, 24));
  }

  private async fetch(repoURL: string, revision: string, signal: AbortSignal): Promise<string> {
    const bare = this.bareDir(repoURL);
    await mkdir(join(this.opts.dir, 'home'), { recursive: true, mode: 0o700 });
    if (!existsSync(join(bare, 'HEAD'))) {
      await mkdir(bare, { recursive: true });
      await this.git(['init', '--bare', '-q', '--end-of-options', bare], { signal });
    }
    if (isCommitId(revision) && (await this.git(['--git-dir', bare, 'cat-file', '-t', '--end-of-options', revision], { signal }).catch(() => '')).trim() === 'commit') return revision;
    try {
      const auth = await gitAuth(repoURL, await this.opts.credentials?.(repoURL));
      try {
        // The fetched commit is kept under a ref of ours: a fetch offers what the refs reach as what it
        // has, and with no ref the server sent the whole tree of every pushed commit again (264
        // objects for a commit that changed 40 files of the gitops bench, instead of 83). What comes
        // is kept as one pack (unpackLimit 1): under 100 objects git wrote each as a file of its own,
        // which took longer than the transfer.
        await this.git([...auth.config, '-c', 'fetch.unpackLimit=1', '--git-dir', bare, 'fetch', '--depth', '1', '--no-tags', '-q', '--end-of-options', repoURL, `+${revision}:${fetchedRef(revision)}`], { env: auth.env, secrets: auth.secrets, signal });
      } finally {
        await auth.cleanup();
      }
      const sha = (await fetchedBranchCommit(bare, revision)) ?? (await this.git(['--git-dir', bare, 'rev-parse', '--verify', '-q', 'FETCH_HEAD^{commit}'], { signal })).trim();
      if (!isCommitId(sha)) throw new Error(`git rev-parse answered "${sha.slice(0, 80)}", not a commit id`);
      return sha;
    } catch (err) {
      throw new Error(`git source ${redactUserinfo(repoURL)} revision ${revision}: ${(err as Error).message}`, { cause: err });
    }
  }

  private locked<T>(key: string, what: string, fn: (signal: AbortSignal) => Promise<T>, caller?: AbortSignal): Promise<T> {
    return this.locks.run(key, what, { waitMs: this.opts.lockWaitMs ?? 300_000, holdMs: this.opts.lockHoldMs ?? 180_000 }, fn, caller);
  }
}

/**
 * The ref a revision's last fetched commit is kept under in the bare repository (revisions are
 * checked: no ':' or leading '+' can reach the refspec; the name is a hash, so any branch fits).
 */
export function fetchedRef(revision: string): string {
  return `refs/meridian/fetched/${createHash('sha256').update(revision).digest('hex').slice(0, 24)}`;
}

/**
 * The commit a fetch of one branch (or of HEAD) brought, read from FETCH_HEAD; undefined for anything
 * else (a tag may name a tag object, which only rev-parse peels). A branch or HEAD always names a
 * commit, and reading the file spares a git process: on a loaded machine each spawn blocked serve's
 * event loop for 10-35 ms (fork, then the wait for the child's exec), all of it before the first apply.
 */
export async function fetchedBranchCommit(bare: string, revision: string): Promise<string | undefined> {
  const text = await readFile(join(bare, 'FETCH_HEAD'), 'utf8').catch(() => '');
  const lines = text.split('\n').filter(Boolean);
  if (lines.length !== 1) return undefined;
  const m = /^([0-9a-f]{40}|[0-9a-f]{64})\t\t(.*)$/.exec(lines[0]);
  const branch = m?.[2].startsWith("branch '");
  const head = revision === 'HEAD' && m !== null && !m[2].includes("'");
  return branch || head ? m?.[1] : undefined;
}

/** Waits for a shared operation, giving up (not cancelling it: others wait on it too) when the caller's signal fires. */
function abortable<T>(shared: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return shared;
  if (signal.aborted) return Promise.reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    shared.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** A repository URL without a trailing slash or `.git`, for matching webhooks to sources. */
export function normalizeUrl(url: string): string {
  return url.replace(/\/+$/, '').replace(/\.git$/, '').toLowerCase();
}
