import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built CLI entry (tests run after `npm run build`). */
export const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** Runs `meridian ARGS` to completion; returns exit code and output. */
export function meridian(args: string[], env: NodeJS.ProcessEnv = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Starts `meridian ARGS` in the background (e.g. serve); the caller stops it by its pid. */
export function meridianBackground(args: string[], nodeArgs: string[] = [], options: { ownSession?: boolean } = {}): ChildProcess & { output: () => string } {
  // ownSession: a session (and so a scheduler autogroup) of its own, as a service has, rather than the caller's.
  const child = spawn(process.execPath, [...nodeArgs, CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: options.ownSession === true });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return Object.assign(child, { output: () => out });
}

/** Stops a background child by its pid and waits for it to exit. */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
