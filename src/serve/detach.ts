import { spawn } from 'node:child_process';
import { request as httpsRequest } from 'node:https';
import { closeSync, openSync } from 'node:fs';
import { mkdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { commandLine, isAlive, readPid } from '../fleet/processes.js';
import { sleep, waitFor } from '../util/wait.js';

/** Where a detached `meridian serve` records its pid and log. */
export function servePaths(stateDir: string): { pid: string; log: string } {
  return { pid: join(stateDir, 'serve.pid'), log: join(stateDir, 'serve.log') };
}

/** The pid of the recorded detached serve if it still runs (and is a meridian serve). */
export function runningServe(stateDir: string): number | undefined {
  const pid = readPid(servePaths(stateDir).pid);
  return pid && isAlive(pid) && commandLine(pid).includes(' serve') ? pid : undefined;
}

/** Starts `meridian serve` in the background with the given arguments and waits for its /healthz. */
export async function startDetached(cliEntry: string, args: string[], stateDir: string, healthUrl: string): Promise<number> {
  const existing = runningServe(stateDir);
  if (existing) return existing;
  const paths = servePaths(stateDir);
  await mkdir(stateDir, { recursive: true });
  const out = openSync(paths.log, 'a');
  const child = spawn(process.execPath, [cliEntry, 'serve', ...args], { detached: true, stdio: ['ignore', out, out] });
  closeSync(out);
  child.unref();
  if (!child.pid) throw new Error('could not start meridian serve');
  await writeFile(paths.pid, String(child.pid));
  await waitFor(async () => {
    if (!isAlive(child.pid as number)) throw new Error(`meridian serve exited; see ${paths.log}`);
    return healthy(healthUrl);
  }, { timeoutMs: 30_000, intervalMs: 200, what: `meridian serve at ${healthUrl}`, onTimeout: (_l, e) => `${(e as Error)?.message ?? 'no answer'}; see ${paths.log}` });
  return child.pid;
}

/**
 * GETs the health URL of the serve we just started. Over https the certificate is not verified: this
 * only asks our own child whether it listens (/healthz carries no token and no data), and a
 * self-signed pair is the usual case.
 */
async function healthy(url: string): Promise<boolean> {
  if (!url.startsWith('https:')) return (await fetch(url)).ok;
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { rejectUnauthorized: false, timeout: 2000 }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300);
    });
    req.on('error', reject).on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

/** Stops the recorded detached serve (SIGTERM, then SIGKILL after a grace period). */
export async function stopDetached(stateDir: string, graceMs = 20_000): Promise<boolean> {
  const pid = runningServe(stateDir);
  if (!pid) return false;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  await unlink(servePaths(stateDir).pid).catch(() => undefined);
  return true;
}
