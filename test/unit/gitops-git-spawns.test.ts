import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitCache } from '../../src/gitops/git/cache.js';
import { SAFE_PATH } from '../../src/gitops/git/env.js';

// Each git process serve spawns blocks its event loop until the child has exec'd (10-35 ms on a
// loaded machine): the commit of a fetched branch is read from FETCH_HEAD, not asked of rev-parse.
// A tag may name a tag object, which only rev-parse peels: that path stays.
let work: string;
let origin: string;
let log: string;
const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.test', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.test' };
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', env }).trim();
/** The git subcommands the cache ran since the last call (from a wrapper on its PATH). */
const ran = async () => {
  const lines = (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean);
  await writeFile(log, '');
  return lines.map((l) => l.split(' ').find((w, i, all) => !w.startsWith('-') && !['--git-dir', '--work-tree', '-c'].includes(all[i - 1])) ?? '');
};

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gitops-git-spawns-'));
  origin = join(work, 'origin');
  log = join(work, 'git.log');
  const bin = join(work, 'bin');
  await mkdir(bin);
  await writeFile(join(bin, 'git'), `#!/bin/sh\necho "$@" >> ${log}\nexec /usr/bin/git "$@"\n`);
  await chmod(join(bin, 'git'), 0o755);
  execFileSync('git', ['init', '-q', '-b', 'main', origin]);
  await writeFile(join(origin, 'a.yaml'), 'a: 1\n');
  git(origin, 'add', '-A');
  git(origin, 'commit', '-q', '-m', 'one');
  git(origin, 'tag', '-a', 'v1', '-m', 'release one');
  await writeFile(join(origin, 'a.yaml'), 'a: 2\n');
  git(origin, 'commit', '-q', '-a', '-m', 'two');
});
afterAll(async () => rm(work, { recursive: true, force: true }));

describe('git cache: the git processes of a fetch', () => {
  const cache = () => new GitCache({ dir: join(work, 'cache'), pollIntervalMs: 600_000, allowFileRepos: true, gitPath: `${join(work, 'bin')}:${SAFE_PATH}` });

  it('resolves a fetched branch from FETCH_HEAD, without rev-parse', async () => {
    const c = cache();
    const url = `file://${origin}`;
    await c.resolve(url, 'main');
    await ran();
    c.refresh(url);
    const sha = await c.resolve(url, 'main');
    expect(sha).toBe(git(origin, 'rev-parse', 'main'));
    expect(await ran()).toEqual(['fetch']);
    const checkout = await c.checkout(url, 'main');
    expect(await readFile(join(checkout.dir, 'a.yaml'), 'utf8')).toBe('a: 2\n');
    expect(await ran(), 'one git process writes the tree (no archive | tar)').toEqual(['checkout']);
    expect(await readdir(join(work, 'cache', 'trees')), 'nothing but the tree is left (no index, no temporary directory)').toEqual([checkout.sha]);
  });

  it('writes the tree under a cache dir given as a relative path', async () => {
    const c = new GitCache({ dir: relative(process.cwd(), join(work, 'cache-relative')), pollIntervalMs: 600_000, allowFileRepos: true });
    const checkout = await c.checkout(`file://${origin}`, 'main');
    expect(await readFile(join(checkout.dir, 'a.yaml'), 'utf8')).toBe('a: 2\n');
  });

  it('resolves HEAD from FETCH_HEAD too', async () => {
    const c = cache();
    expect(await c.resolve(`file://${origin}`, 'HEAD')).toBe(git(origin, 'rev-parse', 'HEAD'));
    expect((await ran()).filter((cmd) => cmd === 'rev-parse')).toEqual([]);
  });

  it('peels an annotated tag to its commit with rev-parse', async () => {
    const c = cache();
    const sha = await c.resolve(`file://${origin}`, 'v1');
    expect(sha, 'the commit, not the tag object').toBe(git(origin, 'rev-parse', 'v1^{commit}'));
    expect(sha).not.toBe(git(origin, 'rev-parse', 'v1'));
    expect(await ran()).toContain('rev-parse');
  });
});
