import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitCache } from '../../src/gitops/git/cache.js';
import { renderDirectory } from '../../src/gitops/render.js';

// Issue 9 item 8: a plain-YAML directory of a repository must not read files outside the repository
// through symlinks. The repository is a real Git repository, checked out through the real Git cache.
let work: string;
let outside: string;
const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.test', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.test' };

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gitops-symlinks-'));
  outside = join(work, 'outside');
  await mkdir(outside);
  await writeFile(join(outside, 'stolen.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: stolen}\ndata: {secret: "from outside the repository"}\n');
  const origin = join(work, 'origin');
  await mkdir(join(origin, 'apps', 'passwd'), { recursive: true });
  await mkdir(join(origin, 'apps', 'outside'), { recursive: true });
  await mkdir(join(origin, 'apps', 'inside'), { recursive: true });
  await writeFile(join(origin, 'apps', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fine}\n');
  await symlink('/etc/passwd', join(origin, 'apps', 'passwd', 'passwd.yaml'));
  await symlink(join(outside, 'stolen.yaml'), join(origin, 'apps', 'outside', 'stolen.yaml'));
  await symlink('../cm.yaml', join(origin, 'apps', 'inside', 'cm.yaml'));
  execFileSync('git', ['init', '-q', '-b', 'main', origin]);
  execFileSync('git', ['add', '-A'], { cwd: origin });
  execFileSync('git', ['commit', '-q', '-m', 'symlinks'], { cwd: origin, env });
});
afterAll(async () => rm(work, { recursive: true, force: true }));

describe('plain YAML directories and symlinks', () => {
  it('refuses a symlink to /etc/passwd or outside the repository, naming the path; a symlink inside is read', async () => {
    const cache = new GitCache({ dir: join(work, 'cache'), pollIntervalMs: 0, allowFileRepos: true });
    const tree = await cache.checkout(`file://${join(work, 'origin')}`, 'main');
    await expect(renderDirectory(tree.dir, 'apps/passwd')).rejects.toThrow(/apps\/passwd\/passwd\.yaml.*leaves the repository root/);
    await expect(renderDirectory(tree.dir, 'apps/outside')).rejects.toThrow(/apps\/outside\/stolen\.yaml.*leaves the repository root/);
    expect((await renderDirectory(tree.dir, 'apps/inside')).map((o) => o.metadata?.name)).toEqual(['fine']);
  });
});
