import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitCache } from '../../src/gitops/git/cache.js';
import { SAFE_PATH } from '../../src/gitops/git/env.js';
import { runGit } from '../../src/gitops/git/run.js';
import { waitFor } from '../../src/util/wait.js';

// Issue 9 item 9: a git that never exits, a tar that never drains and a sink that exits early must
// neither hang the repository lock forever nor crash the process. Real git, real tar; the hanging
// git is a wrapper script in front of the real one that, while a marker file exists, starts a
// grandchild holding git's stdout and stderr and waits for it (as a stuck upload-pack or ssh would).
let work: string;
let origin: string;
let fakeBin: string;
const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.test', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.test' };
const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();

function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gitops-deadline-'));
  origin = join(work, 'origin');
  execFileSync('git', ['init', '-q', '-b', 'main', origin]);
  // Big enough that `git archive` blocks on a full pipe when nobody reads it.
  await writeFile(join(origin, 'big.yaml'), `x: "${'y'.repeat(4 * 1024 * 1024)}"\n`);
  execFileSync('git', ['add', '-A'], { cwd: origin });
  execFileSync('git', ['commit', '-q', '-m', 'one'], { cwd: origin, env });
  fakeBin = join(work, 'bin');
  await mkdir(fakeBin);
  await writeFile(join(fakeBin, 'git'), `#!/bin/sh
for a in "$@"; do
  if [ "$a" = fetch ] && [ -e ${work}/hang ]; then
    echo $$ > ${work}/git.pid
    sleep 600 &
    echo $! > ${work}/grandchild.pid
    wait
  fi
done
exec ${realGit} "$@"
`);
  await chmod(join(fakeBin, 'git'), 0o755);
});
afterAll(async () => rm(work, { recursive: true, force: true }));

async function hungFetch(cache: GitCache, expected: RegExp): Promise<void> {
  await writeFile(join(work, 'hang'), '');
  const path = process.env.PATH;
  process.env.PATH = `${fakeBin}:${path}`; // for an implementation that passes its own environment on
  try {
    await expect(cache.resolve(`file://${origin}`, 'main')).rejects.toThrow(expected);
  } finally {
    process.env.PATH = path;
    await unlink(join(work, 'hang'));
  }
  const pids = ['git.pid', 'grandchild.pid'].map((f) => Number(readFileSync(join(work, f), 'utf8')));
  await waitFor(() => pids.every((p) => !alive(p)), { timeoutMs: 10_000, what: 'the whole hung pipeline to be killed', onTimeout: () => pids.filter(alive).join(',') });
  // The lock was released: the same repository fetches again at once.
  expect(await cache.resolve(`file://${origin}`, 'main')).toMatch(/^[0-9a-f]{40}$/);
}

// Generous liveness bounds per test: the real git around the hung one runs on a shared, loaded machine.
const LIVENESS_MS = 90_000;

describe('git deadlines', () => {
  it('a git that never exits is killed whole (grandchildren too) at the command deadline, and the lock is released', async () => {
    const cache = new GitCache({ dir: join(work, 'c1'), pollIntervalMs: 0, allowFileRepos: true, gitPath: `${fakeBin}:${SAFE_PATH}`, commandTimeoutMs: 8000 });
    await hungFetch(cache, /deadline/);
  }, LIVENESS_MS);

  it('the repository lock has a hold deadline that aborts the holder and kills its pipeline', async () => {
    const cache = new GitCache({ dir: join(work, 'c2'), pollIntervalMs: 0, allowFileRepos: true, gitPath: `${fakeBin}:${SAFE_PATH}`, commandTimeoutMs: 600_000, lockHoldMs: 8000 });
    await hungFetch(cache, /lock deadline/);
  }, LIVENESS_MS);

  it('a tar that never drains is killed with git at the deadline', async () => {
    const bare = join(work, 'c3');
    execFileSync('git', ['clone', '-q', '--bare', origin, bare]);
    await expect(runGit(['--git-dir', bare, 'archive', '--format=tar', 'HEAD'], { timeoutMs: 1500, pipeTo: { command: 'sleep', args: ['600'] } })).rejects.toThrow(/deadline/);
  }, LIVENESS_MS);

  it('a sink that exits early (EPIPE) is an error, not a crash', async () => {
    const bare = join(work, 'c4');
    execFileSync('git', ['clone', '-q', '--bare', origin, bare]);
    for (const sink of [{ command: 'head', args: ['-c', '100000'] }, { command: 'true', args: [] }]) {
      const err = await runGit(['--git-dir', bare, 'archive', '--format=tar', 'HEAD'], { timeoutMs: 20_000, pipeTo: sink }).then(() => undefined, (e: Error) => e);
      expect(err?.message, sink.command).toMatch(/archive.*: git (killed|exit)|EPIPE/);
    }
    expect(existsSync(bare)).toBe(true);
  }, LIVENESS_MS);
});
