import { spawn, type ChildProcess } from 'node:child_process';
import { cleanupOnExit } from '../../util/exit-cleanup.js';
import { gitEnv, type GitEnvOptions } from './env.js';

/** Options of one git invocation. */
export interface GitRunOptions {
  cwd?: string;
  /** Extra environment on top of the minimal one (credentials for the helper, GIT_SSH_COMMAND, identity). */
  env?: Record<string, string>;
  /** HOME, PATH and protocol rules of the minimal environment (see gitEnv). */
  gitEnv?: Omit<GitEnvOptions, 'extra'>;
  /** Values that must never appear in an error (passwords, keys); replaced before throwing. */
  secrets?: string[];
  /** Deadline of the whole invocation (pipeline included); default 120 s. */
  timeoutMs?: number;
  /** Aborting kills the whole pipeline at once (the caller's own deadline, e.g. the repository lock). */
  signal?: AbortSignal;
  /** Pipe stdout into this command (e.g. tar) instead of collecting it. */
  pipeTo?: { command: string; args: string[]; cwd?: string };
}

/** Removes credentials from text: userinfo in URLs and every given secret value. */
export function scrub(text: string, secrets: string[] = []): string {
  let out = text.replace(/(\w+:\/\/)[^/@\s]+@/g, '$1[redacted]@');
  for (const s of secrets) if (s) out = out.split(s).join('[redacted]');
  return out;
}

/** SIGKILLs a child's whole process group (it was spawned as a group leader), so grandchildren go too. */
function killGroup(child: ChildProcess | undefined): void {
  // The group outlives its leader while a grandchild (upload-pack, ssh) still runs: always signal the group.
  if (!child?.pid) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    try { child.kill('SIGKILL'); } catch { /* already gone */ }
  }
}

/** Children live in their own process groups: take them down with us rather than orphan them. */
function track(child: ChildProcess): void {
  child.once('exit', cleanupOnExit(() => killGroup(child)));
}

/**
 * Runs the real `git` CLI in a minimal environment (gitEnv), each process in its own process group;
 * resolves stdout, or throws with the command and git's own message, credentials scrubbed. On the
 * deadline or an abort the whole pipeline (git, its helpers, the tar it feeds) is killed and the call
 * settles at once; every child and stream has an error listener, so EPIPE is an error, not a crash.
 */
export function runGit(args: string[], opts: GitRunOptions = {}): Promise<string> {
  const env = gitEnv({ ...opts.gitEnv, extra: opts.env });
  const shown = () => `git ${args.filter((a) => !a.startsWith('credential.helper')).join(' ')}`;
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    let settled = false;
    let child: ChildProcess | undefined;
    let sink: ChildProcess | undefined;
    const finish = (failure?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (failure === undefined) return resolve(out);
      killGroup(child);
      killGroup(sink);
      reject(new Error(scrub(`${shown()}: ${failure}${err.trim() ? `: ${err.trim()}` : ''}`, opts.secrets)));
    };
    const timeoutMs = opts.timeoutMs ?? 120_000;
    const timer = setTimeout(() => finish(`killed after the ${timeoutMs} ms deadline`), timeoutMs);
    const onAbort = () => finish(`aborted: ${(opts.signal?.reason as Error | undefined)?.message ?? 'aborted'}`);
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      child = spawn('git', args, { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      track(child);
      if (opts.pipeTo) {
        sink = spawn(opts.pipeTo.command, opts.pipeTo.args, { cwd: opts.pipeTo.cwd, env: { PATH: env.PATH, LC_ALL: 'C' }, stdio: ['pipe', 'ignore', 'pipe'], detached: true });
        track(sink);
      }
    } catch (e) {
      return finish(`cannot start: ${(e as Error).message}`);
    }
    const onStreamError = (what: string) => (e: Error) => finish(`${what}: ${e.message}`);
    child.on('error', onStreamError('git'));
    child.stdout?.on('error', onStreamError('git stdout'));
    child.stderr?.on('error', onStreamError('git stderr'));
    child.stderr?.on('data', (d: Buffer) => { if (err.length < 64_000) err += d.toString(); });
    let exits = sink ? 2 : 1;
    const codes: string[] = [];
    const onExit = (what: string) => (code: number | null, signal: NodeJS.Signals | null) => {
      if (code !== 0) codes.push(`${what} ${signal ? `killed (${signal})` : `exit ${code}`}`);
      if (--exits === 0) finish(codes.length ? codes.join(', ') : undefined);
    };
    if (sink) {
      sink.on('error', onStreamError(opts.pipeTo?.command ?? 'sink'));
      sink.stdin?.on('error', onStreamError(`${opts.pipeTo?.command} stdin`));
      sink.stderr?.on('error', onStreamError(`${opts.pipeTo?.command} stderr`));
      sink.stderr?.on('data', (d: Buffer) => { if (err.length < 64_000) err += d.toString(); });
      if (child.stdout && sink.stdin) child.stdout.pipe(sink.stdin);
      // A sink that exits early must not leave git blocked on a full pipe: close our end (git gets
      // EPIPE, as in a shell pipeline) and, when the sink failed, kill git outright.
      sink.on('exit', (code) => {
        child?.stdout?.unpipe();
        child?.stdout?.destroy();
        if (code !== 0) killGroup(child);
      });
      sink.on('close', onExit(opts.pipeTo?.command ?? 'sink'));
    } else {
      child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    }
    child.on('close', onExit('git'));
  });
}
