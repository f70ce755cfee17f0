import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitCache } from '../../src/gitops/git/cache.js';
import { waitFor } from '../../src/util/wait.js';

// Every Application of a repository asks for the pushed commit at once: one fetch and one extraction
// serve them all, and a fetch that started before a refresh is never taken as the refreshed answer.
let work: string;
let origin: string;
let log: string;
let hold: string;
const git = (...args: string[]) => execFileSync('git', args, { cwd: origin, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.test', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.test' } }).trim();
const commit = async (text: string) => {
  await writeFile(join(origin, 'app.yaml'), text);
  git('add', '-A');
  git('commit', '-q', '-m', text);
  return git('rev-parse', 'HEAD');
};
const calls = async (verb: string) => (await readFile(log, 'utf8').catch(() => '')).split('\n').filter((l) => l.split(' ').includes(verb)).length;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gitops-git-shared-'));
  origin = join(work, 'origin');
  log = join(work, 'git.log');
  hold = join(work, 'hold');
  execFileSync('git', ['init', '-q', '-b', 'main', origin]);
  // A git in front of the real one: logs each call, and after a fetch waits while the hold file exists.
  await mkdir(join(work, 'bin'));
  await writeFile(join(work, 'bin', 'git'), `#!/bin/sh\necho "$*" >> '${log}'\n/usr/bin/git "$@"\nrc=$?\ncase " $* " in *" fetch "*) echo fetched >> '${log}'; while [ -e '${hold}' ]; do sleep 0.05; done;; esac\nexit $rc\n`);
  await chmod(join(work, 'bin', 'git'), 0o755);
});
afterAll(async () => rm(work, { recursive: true, force: true }));

const newCache = (name: string) => new GitCache({ dir: join(work, name), pollIntervalMs: 600_000, allowFileRepos: true, gitPath: `${join(work, 'bin')}:/usr/bin:/bin` });

describe('git cache: concurrent readers of one repository', () => {
  it('serves a burst of checkouts of a pushed commit with one fetch and one extraction', async () => {
    const cache = newCache('cache-burst');
    const url = `file://${origin}`;
    await commit('one');
    await cache.checkout(url, 'main');
    const second = await commit('two');
    cache.refresh(url);
    const [fetches, extractions] = [await calls('fetch'), await calls('checkout')];
    const trees = await Promise.all(Array.from({ length: 8 }, () => cache.checkout(url, 'main')));
    expect(new Set(trees.map((t) => t.sha))).toEqual(new Set([second]));
    expect(await readFile(join(trees[0].dir, 'app.yaml'), 'utf8')).toBe('two');
    expect(await calls('fetch') - fetches, 'fetches for 8 readers').toBe(1);
    expect(await calls('checkout') - extractions, 'extractions for 8 readers').toBe(1);
  });

  it('does not answer a resolve asked after a refresh with a fetch that started before it', async () => {
    const cache = newCache('cache-generation');
    const url = `file://${origin}`;
    const before = await commit('three');
    await cache.resolve(url, 'main');
    cache.refresh(url);
    await writeFile(hold, '');
    const fetched = await calls('fetched');
    const early = cache.resolve(url, 'main');
    await waitFor(async () => (await calls('fetched')) > fetched, { timeoutMs: 60_000, what: 'the first fetch to finish (and be held)' });
    const pushed = await commit('four');
    cache.refresh(url); // the webhook of the push arrives while the earlier fetch is still under way
    const late = cache.resolve(url, 'main');
    await rm(hold);
    expect(await early).toBe(before);
    expect(await late).toBe(pushed);
    expect(existsSync(hold)).toBe(false);
  });
});
