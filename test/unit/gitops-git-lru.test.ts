import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitCache } from '../../src/gitops/git/cache.js';
import { KeyedLock } from '../../src/gitops/git/lock.js';
import { waitFor } from '../../src/util/wait.js';

// Issue 9 items 9 and 10: extracted trees are bounded by size (least recently used first, never one
// in use), and the repository lock has deadlines on waiting and holding.
let work: string;
let origin: string;
const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.test', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.test' };
const commit = async (i: number) => {
  await writeFile(join(origin, 'a.yaml'), `v: ${i}\npad: "${'x'.repeat(10_000)}"\n`);
  execFileSync('git', ['add', '-A'], { cwd: origin });
  execFileSync('git', ['commit', '-q', '-m', `c${i}`], { cwd: origin, env });
  return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: origin, encoding: 'utf8' }).trim();
};

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gitops-lru-'));
  origin = join(work, 'origin');
  execFileSync('git', ['init', '-q', '-b', 'main', origin]);
});
afterAll(async () => rm(work, { recursive: true, force: true }));

describe('extracted trees', () => {
  it('are bounded by total size, least recently used first, never removing a tree in use', async () => {
    const cache = new GitCache({ dir: join(work, 'cache'), pollIntervalMs: 0, allowFileRepos: true, maxTreeBytes: 25_000, treeInUseGraceMs: 0 });
    const url = `file://${origin}`;
    const shas: string[] = [];
    for (let i = 0; i < 4; i++) shas.push(await commit(i));
    const tree = (sha: string) => join(work, 'cache', 'trees', sha);
    // Tree 0 is held (being rendered) the whole time; trees 1..3 come and go.
    await cache.withCheckout(url, shas[0], async () => {
      await cache.checkout(url, shas[1]);
      await cache.checkout(url, shas[2]);
      expect(existsSync(tree(shas[0]))).toBe(true);
      expect(existsSync(tree(shas[1]))).toBe(false); // least recently used, not held: removed
      expect(existsSync(tree(shas[2]))).toBe(true);
      await cache.checkout(url, shas[3]);
      expect(existsSync(tree(shas[0]))).toBe(true);
      expect(existsSync(tree(shas[2]))).toBe(false);
      expect(existsSync(tree(shas[3]))).toBe(true);
    });
    expect(cache.trees.totalBytes).toBeLessThanOrEqual(25_000);
    // A removed tree is extracted again when asked for.
    const again = await cache.checkout(url, shas[1]);
    expect(existsSync(join(again.dir, 'a.yaml'))).toBe(true);
  });
});

describe('extracted trees, measured later', () => {
  it('with a measure delay, the extractor\'s checkout returns before the tree is walked; the walk comes after the delay', async () => {
    const cache = new GitCache({ dir: join(work, 'cache-later'), pollIntervalMs: 0, allowFileRepos: true, treeMeasureDelayMs: 100 });
    const sha = await commit(10);
    const c = await cache.checkout(`file://${origin}`, sha);
    expect(existsSync(join(c.dir, 'a.yaml'))).toBe(true);
    expect(cache.trees.commits(), 'not measured when the checkout returned').not.toContain(sha);
    await waitFor(() => cache.trees.commits().includes(sha), { timeoutMs: 10_000, intervalMs: 20, what: 'the tree measured after the delay' });
    expect(cache.trees.totalBytes).toBeGreaterThan(10_000);
  });
});

describe('the repository lock', () => {
  it('gives up waiting at the wait deadline, naming the holder, and frees the key after a hung holder', async () => {
    const lock = new KeyedLock();
    let aborted: unknown;
    const hung = lock.run('repo', 'git fetch repo main', { waitMs: 60_000, holdMs: 800 }, (signal) => new Promise<never>(() => { signal.addEventListener('abort', () => { aborted = signal.reason; }); }));
    const waiter = lock.run('repo', 'git archive', { waitMs: 100, holdMs: 60_000 }, async () => 'never');
    await expect(waiter).rejects.toThrow(/waited 100 ms for the lock of repo, held by git fetch repo main/);
    await expect(hung).rejects.toThrow(/lock deadline/);
    expect(String(aborted)).toMatch(/lock deadline/);
    expect(await lock.run('repo', 'next', { waitMs: 5_000, holdMs: 5_000 }, async () => 'ran')).toBe('ran');
    expect(lock.size).toBe(0);
  });

  it('a caller whose own signal fires (its reconcile deadline) stops waiting, or aborts what it holds', async () => {
    const lock = new KeyedLock();
    const a = new AbortController();
    const b = new AbortController();
    const long = { waitMs: 60_000, holdMs: 60_000 };
    const holder = lock.run('r', 'git fetch r', long, (signal) => new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error))), a.signal);
    const waiter = lock.run('r', 'git archive', long, async () => 'never', b.signal);
    b.abort(new Error('reconcile deadline'));
    await expect(waiter).rejects.toThrow(/gave up waiting for the lock of r: reconcile deadline/);
    a.abort(new Error('reconcile deadline'));
    await expect(holder).rejects.toThrow(/aborted by the caller: reconcile deadline/);
    expect(await lock.run('r', 'next', long, async () => 'ran')).toBe('ran');
  });
});
