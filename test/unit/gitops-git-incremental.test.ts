import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitCache } from '../../src/gitops/git/cache.js';

// A push that changes one file of a large tree fetches that file's objects, not the whole tree again:
// the bare repository keeps the last fetched commit under a ref, which the next fetch offers as a have.
let work: string;
let origin: string;
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.test', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.test' } }).trim();
/** Objects in a repository, loose and packed. */
const objects = (gitDir: string) => {
  const v = Object.fromEntries(git(gitDir, '--git-dir', gitDir, 'count-objects', '-v').split('\n').map((l) => l.split(': ')));
  return Number(v.count) + Number(v['in-pack']);
};

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gitops-git-incremental-'));
  origin = join(work, 'origin');
  execFileSync('git', ['init', '-q', '-b', 'main', origin]);
  for (let i = 0; i < 150; i++) {
    await mkdir(join(origin, `app-${i}`), { recursive: true });
    await writeFile(join(origin, `app-${i}`, 'config.yaml'), `version: 1\napp: ${i}\n`);
  }
  git(origin, 'add', '-A');
  git(origin, 'commit', '-q', '-m', 'one');
});
afterAll(async () => rm(work, { recursive: true, force: true }));

describe('git cache: fetching a pushed commit', () => {
  it('transfers only the objects the push added, not the whole tree', async () => {
    const cache = new GitCache({ dir: join(work, 'cache'), pollIntervalMs: 600_000, allowFileRepos: true });
    const url = `file://${origin}`;
    await cache.checkout(url, 'main');
    const [bare] = await readdir(join(work, 'cache', 'repos'));
    const bareDir = join(work, 'cache', 'repos', bare);
    const before = objects(bareDir);
    expect(before, 'objects of the first fetch (150 files, their trees and the commit)').toBeGreaterThanOrEqual(300);

    await writeFile(join(origin, 'app-7', 'config.yaml'), 'version: 2\napp: 7\n');
    git(origin, 'commit', '-q', '-a', '-m', 'two');
    cache.refresh(url);
    const second = await cache.checkout(url, 'main');
    expect(second.sha).toBe(git(origin, 'rev-parse', 'HEAD'));
    expect(await readFile(join(second.dir, 'app-7', 'config.yaml'), 'utf8')).toBe('version: 2\napp: 7\n');
    expect(await readFile(join(second.dir, 'app-8', 'config.yaml'), 'utf8')).toBe('version: 1\napp: 8\n');
    // The commit, the root tree, app-7's tree and its new blob.
    expect(objects(bareDir) - before, 'objects the second fetch added').toBeLessThanOrEqual(6);
  });
});
