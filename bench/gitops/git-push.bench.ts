// A push as the gitops controller sees it, old code against new, on a machine kept busy:
//   npx tsx bench/gitops/git-push.bench.ts --old /tmp/wt-OLD [--rounds 10] [--burners 3] [--apps 20]
// Each round commits a change to every app of the fleet bench's repository, then has each side's
// GitCache (this tree's and the one in --old, imported from source) refresh and check the branch out,
// alternating which side goes first. Prints per side the wall time from refresh to the tree on disk
// and the longest stall of this process's event loop meanwhile (each git spawn blocks the loop until
// the child has exec'd). The process holds some 200 MB like serve, since fork copies its page tables;
// --burners N busy child processes stand for the rollouts that load the commit window.

import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { commitAll } from '../../src/gitops/demo.js';
import { GitCache as NewCache } from '../../src/gitops/git/cache.js';
import { createBenchRepo, writeApps } from './repo.js';

const { values } = parseArgs({ options: { old: { type: 'string' }, rounds: { type: 'string', default: '10' }, burners: { type: 'string', default: '3' }, apps: { type: 'string', default: '20' } } });
if (!values.old) throw new Error('--old DIR: a worktree of the commit to compare with');
const OLD: string = values.old;
const ROUNDS = Number(values.rounds);
const APPS = Number(values.apps);

interface Side { name: string; cache: InstanceType<typeof NewCache>; ms: number[]; stallMs: number[] }

/** The longest gap between 1 ms timer ticks while fn runs: how long the event loop was blocked at most. */
async function withStall<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number; stallMs: number }> {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => { const now = performance.now(); worst = Math.max(worst, now - last); last = now; }, 1);
  const t = performance.now();
  try {
    const value = await fn();
    return { value, ms: performance.now() - t, stallMs: worst };
  } finally {
    clearInterval(timer);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'git-push-bench-'));
  const burners: ChildProcess[] = [];
  const ballast = Array.from({ length: 1_200_000 }, (_, i) => ({ i, s: `x${i}` }));
  try {
    const repo = join(work, 'repo');
    const url = await createBenchRepo(repo, APPS);
    const { GitCache: OldCache } = await import(resolve(OLD, 'src/gitops/git/cache.ts')) as { GitCache: typeof NewCache };
    const sides: Side[] = [
      { name: `old (${OLD})`, cache: new OldCache({ dir: join(work, 'old'), pollIntervalMs: 600_000, allowFileRepos: true }), ms: [], stallMs: [] },
      { name: 'new (this tree)', cache: new NewCache({ dir: join(work, 'new'), pollIntervalMs: 600_000, allowFileRepos: true }), ms: [], stallMs: [] },
    ];
    for (const s of sides) await s.cache.checkout(url, 'main');
    for (let i = 0; i < Number(values.burners); i++) burners.push(fork('-e', ['for(;;){}'], { execArgv: [], stdio: 'ignore' }));
    for (let r = 0; r < ROUNDS; r++) {
      await writeApps(repo, APPS, String(r + 2));
      await commitAll(repo, `round ${r}`);
      for (const s of r % 2 ? [...sides].reverse() : sides) {
        s.cache.refresh(url);
        const { ms, stallMs } = await withStall(() => s.cache.checkout(url, 'main'));
        s.ms.push(ms);
        s.stallMs.push(stallMs);
      }
    }
    console.log(`a push to ${APPS} apps, refresh -> tree on disk, ${ROUNDS} alternating rounds, ${burners.length} busy processes beside, ${Math.round(process.memoryUsage().rss / 1e6)} MB resident (ballast ${ballast.length} objects):`);
    for (const s of sides) console.log(`  ${s.name.padEnd(34)} median ${median(s.ms).toFixed(0)} ms (${s.ms.map((x) => x.toFixed(0)).join(' ')}); longest loop stall median ${median(s.stallMs).toFixed(0)} ms (${s.stallMs.map((x) => x.toFixed(0)).join(' ')})`);
  } finally {
    for (const b of burners) b.kill('SIGKILL');
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
