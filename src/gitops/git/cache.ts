import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Checkout } from '../generators/types.js';
import { gitAuth, type CredentialsLookup } from './credentials.js';
import { runGit } from './run.js';

const SHA = /^[0-9a-f]{40}$/;

/** Options of the Git source cache. */
export interface GitCacheOptions {
  /** Where bare repositories and extracted trees are kept. */
  dir: string;
  /** How long a resolved branch or tag is trusted before fetching again. */
  pollIntervalMs: number;
  credentials?: CredentialsLookup;
}

/**
 * Git sources through the real `git` CLI: one bare repository per URL under the cache dir, shallow
 * fetches (`--depth 1`) of exactly the revision asked for, at most once per poll interval unless
 * refresh() was called (the webhook), and one extracted tree per commit, shared by every reader.
 */
export class GitCache {
  private readonly resolved = new Map<string, { sha: string; at: number }>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly stale = new Set<string>();

  constructor(private readonly opts: GitCacheOptions) {}

  /** Marks every revision of a repository stale, so the next resolve fetches. */
  refresh(repoURL: string): void {
    this.stale.add(normalizeUrl(repoURL));
  }

  /** Resolves a branch, tag, HEAD or commit to a commit SHA, fetching when the cached answer is older than the poll interval. */
  resolve(repoURL: string, revision = 'HEAD', force = false): Promise<string> {
    const url = normalizeUrl(repoURL);
    const key = `${url}#${revision}`;
    const hit = this.resolved.get(key);
    if (hit && !force && !this.stale.has(url) && (SHA.test(revision) || Date.now() - hit.at < this.opts.pollIntervalMs)) return Promise.resolve(hit.sha);
    return this.locked(url, async () => {
      const again = this.resolved.get(key);
      if (again && !force && !this.stale.has(url) && Date.now() - again.at < this.opts.pollIntervalMs && again !== hit) return again.sha;
      this.stale.delete(url);
      const sha = await this.fetch(repoURL, revision);
      this.resolved.set(key, { sha, at: Date.now() });
      return sha;
    });
  }

  /** The files of a revision in a directory of their own (extracted once per commit). */
  async checkout(repoURL: string, revision = 'HEAD'): Promise<Checkout> {
    const sha = await this.resolve(repoURL, revision);
    const dir = join(this.opts.dir, 'trees', sha);
    if (existsSync(dir)) return { dir, sha };
    await this.locked(normalizeUrl(repoURL), async () => {
      if (existsSync(dir)) return;
      const tmp = `${dir}.tmp-${process.pid}`;
      await rm(tmp, { recursive: true, force: true });
      await mkdir(tmp, { recursive: true });
      await runGit(['--git-dir', this.bareDir(repoURL), 'archive', '--format=tar', sha], { pipeTo: { command: 'tar', args: ['-x', '-C', tmp] } });
      await rename(tmp, dir);
    });
    return { dir, sha };
  }

  private bareDir(repoURL: string): string {
    return join(this.opts.dir, 'repos', createHash('sha256').update(normalizeUrl(repoURL)).digest('hex').slice(0, 24));
  }

  private async fetch(repoURL: string, revision: string): Promise<string> {
    const bare = this.bareDir(repoURL);
    if (!existsSync(join(bare, 'HEAD'))) {
      await mkdir(bare, { recursive: true });
      await runGit(['init', '--bare', '-q', bare]);
    }
    if (SHA.test(revision) && (await runGit(['--git-dir', bare, 'cat-file', '-t', revision]).catch(() => '')).trim() === 'commit') return revision;
    const auth = await gitAuth(await this.opts.credentials?.(repoURL), join(this.opts.dir, 'known_hosts'));
    try {
      await runGit([...auth.config, '--git-dir', bare, 'fetch', '--depth', '1', '--no-tags', '-q', repoURL, revision], { env: auth.env, secrets: auth.secrets });
      return (await runGit(['--git-dir', bare, 'rev-parse', 'FETCH_HEAD^{commit}'])).trim();
    } catch (err) {
      throw new Error(`git source ${scrubUrl(repoURL)} revision ${revision}: ${(err as Error).message}`, { cause: err });
    } finally {
      await auth.cleanup();
    }
  }

  private locked<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(key) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(fn);
    this.locks.set(key, next.catch(() => undefined));
    return next;
  }
}

/** A repository URL without a trailing slash or `.git`, for matching webhooks to sources. */
export function normalizeUrl(url: string): string {
  return url.replace(/\/+$/, '').replace(/\.git$/, '').toLowerCase();
}

function scrubUrl(url: string): string {
  return url.replace(/(\w+:\/\/)[^/@\s]+@/, '$1[redacted]@');
}
