import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitCache } from '../../src/gitops/git/cache.js';
import { scrub } from '../../src/gitops/git/run.js';

let work: string;
let origin: string;
const git = (...args: string[]) => execFileSync('git', args, { cwd: origin, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.test', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.test' } }).trim();
const commit = async (text: string) => {
  await writeFile(join(origin, 'app.yaml'), text);
  git('add', '-A');
  git('commit', '-q', '-m', text);
  return git('rev-parse', 'HEAD');
};

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gitops-git-'));
  origin = join(work, 'origin');
  execFileSync('git', ['init', '-q', '-b', 'main', origin]);
});
afterAll(async () => rm(work, { recursive: true, force: true }));

describe('git cache (real git CLI, file:// URLs)', () => {
  it('resolves branches, tags and commits, caches within the poll interval and refetches after refresh()', async () => {
    const first = await commit('one');
    git('tag', 'v1');
    const cache = new GitCache({ dir: join(work, 'cache'), pollIntervalMs: 60_000, allowFileRepos: true });
    const url = `file://${origin}`;
    expect(await cache.resolve(url, 'main')).toBe(first);
    const second = await commit('two');
    expect(await cache.resolve(url, 'main')).toBe(first); // within the poll interval: no fetch
    cache.refresh(`${url}.git/`);
    expect(await cache.resolve(url, 'main')).toBe(second);
    expect(await cache.resolve(url, 'v1')).toBe(first);
    expect(await cache.resolve(url, first)).toBe(first);
    const tree = await cache.checkout(url, 'v1');
    expect(await readFile(join(tree.dir, 'app.yaml'), 'utf8')).toBe('one');
    expect(git('--git-dir', join(tree.dir, '..', '..', 'repos', onlyEntry(join(work, 'cache', 'repos'))), 'rev-parse', '--is-shallow-repository')).toBe('true');
  });

  it('fails naming the source and revision, with credentials scrubbed', async () => {
    const cache = new GitCache({ dir: join(work, 'cache2'), pollIntervalMs: 1000, allowFileRepos: true });
    await expect(cache.resolve(`file://${origin}`, 'no-such-branch')).rejects.toThrow(/git source file:\/\/.* revision no-such-branch: .*couldn't find remote ref/);
    expect(scrub('fatal: https://bob:hunter2@example.test/x failed with hunter2', ['hunter2'])).toBe('fatal: https://[redacted]@example.test/x failed with [redacted]');
  });
});

function onlyEntry(dir: string): string {
  const entries = execFileSync('ls', [dir], { encoding: 'utf8' }).trim().split('\n');
  if (entries.length !== 1) throw new Error(`expected one bare repository in ${dir}, found ${entries.join(', ')}`);
  return entries[0];
}
