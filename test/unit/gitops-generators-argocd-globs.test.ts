// The git generator's globs against their oracles: Go's path.Match (ArgoCD filters `directories`
// with it; results recorded from Go 1.19) and `git ls-files -- <pathspec>` (ArgoCD's repo server
// lists `files` with it by default), run here on a repository made for the test.
import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gitPathspec, goPathMatch } from '../../src/gitops/generators/globs.js';

describe("the globs' oracles", () => {
  // [pattern, name, result] from Go 1.19's path.Match; null is ErrBadPattern (ArgoCD skips the rule).
  const goMatch: Array<[string, string, boolean | null]> = [
    ['*', 'a', true], ['*', 'a/b', false], ['a/*', 'a/b', true], ['a/?', 'a/b', true], ['a?b', 'a/b', false], ['[^a]', '/', true], ['[!a]', '!', true], ['[!a]', 'b', false],
    ['a[', 'a[', null], ['[]a]', 'a', null], ['[a-]', 'a', null], ['\\*', '*', true], ['a\\', 'a', null], ['[\\]]', ']', true], ['[a-c]', 'b', true], ['[c-a]', 'b', false],
    ['', '', true], ['*/*', 'd/e', true], ['/d/*', 'd/e', false], ['a[', 'b', null], ['x*', 'y', false], ['[^]', 'a', null], ['[', 'a', null], ['p1/*', 'p1/p2/app3', false],
    ['p1/*/*', 'p1/p2/app3', true], ['ab[^c-d]', 'abé', true], ['a?', 'aé', true], ['*x', 'xxx', true], ['a*b*c', 'abxbc', true], ['a*', 'ab/c', false], ['*[/]b', 'a/b', true],
    ['[a-c]*', 'b[', true], ['x*[', 'xyz', null], ['d/[fg]', 'd/f', true], ['d/[fg]', 'd/e', false], ['*', '', true], ['*', '.', true], ['[\\-]', '-', true], ['a*b', 'a/b', false],
  ];
  it.each(goMatch)('path.Match(%j, %j) = %s', (pattern, name, want) => {
    expect(goPathMatch(pattern, name)).toBe(want ?? undefined);
  });

  let repo: string;
  afterAll(async () => { if (repo) await rm(repo, { recursive: true, force: true }); });
  it('pathspecs select the files `git ls-files -- <pathspec>` lists', async () => {
    repo = await mkdtemp(join(tmpdir(), 'gitops-pathspec-'));
    const files = ['apps/config.json', 'apps/a/config.json', 'apps/a/b/config.json', 'cluster-config/config.json', 'cluster-config/x/config.json', '.hid/config.json', 'some-path/values.yaml',
      'some-path/staging/values.yaml', 'br[a]/f.json', 'bra.json', 'top.json', 'config.json', 'x/y/z.json', 'x/a*b.json', 'x/acb.json', 'é/ü.json'];
    for (const f of files) { await mkdir(dirname(join(repo, f)), { recursive: true }); await writeFile(join(repo, f), '{}'); }
    const git = (...args: string[]) => execFileSync('git', ['-c', 'core.quotepath=false', ...args], { cwd: repo, env: { PATH: process.env.PATH ?? '', HOME: repo } }).toString();
    git('init', '-q');
    git('add', '-A');
    const listed = git('ls-files', '-z').split('\0').filter(Boolean);
    const specs = ['apps/*/config.json', 'cluster-config/**/config.json', '**/config.json', 'some-path/*.yaml', 'apps', 'apps/a', '*.json', 'br[a]/f.json', 'br[a]', '?ra.json', 'apps/*',
      'top.json', 'apps/', './apps/a', 'cluster-config/**config.json', 'x/a\\*b.json', 'x/a*b.json', 'x/[!a]*', 'x/[^a]*', 'x/[[:alpha:]]cb.json', 'x/?/z.json', 'x?y/z.json', 'X/*',
      'x/y/', 'x/y/z.json/', '.', 'apps//a', 'apps/../apps/a', '*/', '[]a]*', 'x/[c-a]cb.json', 'x/[[:foo:]]cb.json', 'x/[', '?/??.json', 'é/*', '*a*c*'];
    for (const spec of specs) {
      const want = git('ls-files', '-z', '--', spec).split('\0').filter(Boolean);
      expect([spec, listed.filter(gitPathspec(spec))]).toEqual([spec, want]);
    }
    expect(() => gitPathspec('/apps')).toThrow(/outside repository/);
    expect(() => gitPathspec('apps/../..')).toThrow(/outside repository/);
  });

  it('a hostile pattern takes linear time, not a backtracking RegExp\'s', () => {
    // No clock here: a backtracking matcher would take of the order of 5000^10 steps, so the test's
    // own timeout is what fails it.
    expect(gitPathspec('*a*a*a*a*a*a*a*a*a*a*b')('a'.repeat(5000))).toBe(false);
    expect(goPathMatch('*a*a*a*a*a*a*a*a*a*a*b', 'a'.repeat(5000))).toBe(false);
  });
});

