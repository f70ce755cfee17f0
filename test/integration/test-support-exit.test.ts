import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { isRunning } from '../../src/fleet/processes.js';
import { waitFor } from '../../src/util/wait.js';

// A test process that dies before it stops its servers must not leave them running for every later
// test on the machine: startEnvtest and startTestFleet register cleanups that kill them by their pids.
const CHILD = fileURLToPath(new URL('../support/exit-cleanup-child.ts', import.meta.url));
let started: number[] = [];
let stateDir = '';

afterAll(async () => {
  // Whatever the outcome, nothing of the child's is left behind (by the pids it reported).
  for (const pid of started) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

describe('test servers of a process that dies', () => {
  it('are killed with it: envtest etcd and API server, the test fleet supervisor and its cluster group', async () => {
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(process.execPath, ['--import', 'tsx', CHILD, '25000', '15'], { timeout: 330_000 }, (err, stdout, stderr) => resolve({ code: err ? (err as { code?: number }).code ?? null : 0, stdout, stderr }));
      child.stdin?.end();
    });
    expect(run.stderr).toContain('dying without stopping what it started');
    expect(run.code).toBe(1);
    const reported = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as { envtest: number[]; fleet: number[]; stateDir: string };
    stateDir = reported.stateDir;
    started = [...reported.envtest, ...reported.fleet];
    expect(reported.envtest.length).toBe(2);
    // the supervisor, etcd, kube-apiserver, controller-manager and scheduler at least
    expect(reported.fleet.length).toBeGreaterThanOrEqual(5);
    await waitFor(() => started.every((pid) => !isRunning(pid)), {
      timeoutMs: 60_000, intervalMs: 200, what: 'the dead test process\'s servers to be gone',
      onTimeout: () => `still running: ${started.filter(isRunning).join(', ')}`,
    });
    expect(existsSync(stateDir), `the fleet's state directory ${stateDir}`).toBe(false);
  });
});
