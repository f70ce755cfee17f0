import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitCache } from '../../src/gitops/git/cache.js';
import { checkRevision, parseRepoUrl } from '../../src/gitops/git/validate.js';

// Regression tests for issue 9 item 4: nothing from an Application reaches git's command line unchecked.
let work: string;
let origin: string;
const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.test', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.test' };

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gitops-inject-'));
  origin = join(work, 'origin');
  execFileSync('git', ['init', '-q', '-b', 'main', origin]);
  await writeFile(join(origin, 'a.yaml'), 'x: 1\n');
  execFileSync('git', ['add', '-A'], { cwd: origin });
  execFileSync('git', ['commit', '-q', '-m', 'one'], { cwd: origin, env });
});
afterAll(async () => rm(work, { recursive: true, force: true }));

describe('git command lines from untrusted values', () => {
  it('a targetRevision of --upload-pack=<command> runs nothing and is refused naming the field', async () => {
    const pwned = join(work, 'pwned-rev');
    const cache = new GitCache({ dir: join(work, 'c1'), pollIntervalMs: 0, allowFileRepos: true });
    const err = await cache.resolve(`file://${origin}`, `--upload-pack=touch ${pwned};git-upload-pack`).then(() => undefined, (e: Error) => e);
    expect(existsSync(pwned)).toBe(false);
    expect(err?.message).toMatch(/targetRevision .*must not begin with "-"/);
  });

  it('a repoURL of --upload-pack=<command> runs nothing and is refused naming the field', async () => {
    const pwned = join(work, 'pwned-url');
    const cache = new GitCache({ dir: join(work, 'c2'), pollIntervalMs: 0, allowFileRepos: true });
    const err = await cache.resolve(`--upload-pack=touch${'${IFS}'}${pwned};git-upload-pack`, 'main').then(() => undefined, (e: Error) => e);
    expect(existsSync(pwned)).toBe(false);
    expect(err?.message).toMatch(/repoURL .*must not begin with "-"/);
  });

  it('ext:: and other transports are refused; file:// only when allowed', async () => {
    const pwned = join(work, 'pwned-ext');
    const off = new GitCache({ dir: join(work, 'c3'), pollIntervalMs: 0 });
    await expect(off.resolve(`ext::sh -c touch% ${pwned}`, 'main')).rejects.toThrow(/repoURL/);
    await expect(off.resolve(`file://${origin}`, 'main')).rejects.toThrow(/file:\/\/ repositories are switched off/);
    expect(existsSync(pwned)).toBe(false);
    const on = new GitCache({ dir: join(work, 'c4'), pollIntervalMs: 0, allowFileRepos: true });
    expect(await on.resolve(`file://${origin}`, 'main')).toMatch(/^[0-9a-f]{40}$/);
  });

  it('git gets a minimal environment: no GIT_* variable of the parent reaches it', async () => {
    const trace = join(work, 'trace.log');
    process.env.GIT_TRACE = trace;
    try {
      const cache = new GitCache({ dir: join(work, 'c5'), pollIntervalMs: 0, allowFileRepos: true });
      await cache.checkout(`file://${origin}`, 'main');
    } finally {
      delete process.env.GIT_TRACE;
    }
    expect(existsSync(trace)).toBe(false);
  });

  it('revisions follow git check-ref-format; URLs allow https, http, ssh and scp-style only', () => {
    for (const ok of ['HEAD', 'main', 'v1.2.3', 'release/1.0', 'refs/heads/main', 'a'.repeat(40)]) expect(checkRevision(ok)).toBe(ok);
    for (const bad of ['-x', '--upload-pack=x', '+main', 'a..b', 'a b', 'main~1', 'main^', 'a:b', 'x?', 'x*', 'x[', 'a\\b', '/x', 'x/', 'a//b', 'x.', '.x', 'x.lock', 'a@{1}', '@', '', 'a\nb']) {
      expect(() => checkRevision(bad), bad).toThrow(/targetRevision/);
    }
    expect(parseRepoUrl('https://git.acme.com:8443/org/repo.git')).toMatchObject({ scheme: 'https', host: 'git.acme.com', port: '8443', path: '/org/repo.git' });
    expect(parseRepoUrl('git@github.com:org/repo.git')).toMatchObject({ scheme: 'ssh', host: 'github.com', port: '22', path: '/org/repo.git' });
    for (const bad of ['ssh://-oProxyCommand=touch%20x/r', 'ssh://-x@host/r', 'git://host/r', 'ext::sh -c x', '/abs/path', 'https://host/a b', 'https://host/$(x)', 'file:///etc']) {
      expect(() => parseRepoUrl(bad), bad).toThrow(/repoURL/);
    }
  });

  it('accepts exactly the ref names git check-ref-format --allow-onelevel accepts (minus option-like ones)', () => {
    const names = ['main', 'feature/x', 'v1.0', 'a..b', 'a/.b', 'a.lock', 'a/b.lock/c', 'a b', 'a~b', 'a^b', 'a:b', 'a?b', 'a*b', 'a[b', 'a\\b', '/a', 'a/', 'a//b', 'a.', '@', 'a@{b', 'a@b', '.a', 'x\u007fy', 'ünï', 'a-b_c', 'refs/tags/v2'];
    for (const name of names) {
      let git = true;
      try { execFileSync('git', ['check-ref-format', '--allow-onelevel', name], { stdio: 'ignore' }); } catch { git = false; }
      let ours = true;
      try { checkRevision(name); } catch { ours = false; }
      expect(ours, name).toBe(git);
    }
  });
});
