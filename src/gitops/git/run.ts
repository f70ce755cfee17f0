import { spawn } from 'node:child_process';

/** Options of one git invocation. */
export interface GitRunOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Values that must never appear in an error (passwords, keys); replaced before throwing. */
  secrets?: string[];
  timeoutMs?: number;
  /** Pipe stdout into this command (e.g. tar) instead of collecting it. */
  pipeTo?: { command: string; args: string[]; cwd?: string };
}

/** Removes credentials from text: userinfo in URLs and every given secret value. */
export function scrub(text: string, secrets: string[] = []): string {
  let out = text.replace(/(\w+:\/\/)[^/@\s]+@/g, '$1[redacted]@');
  for (const s of secrets) if (s) out = out.split(s).join('[redacted]');
  return out;
}

/**
 * Runs the real `git` CLI with no terminal prompt and a timeout; resolves stdout, or throws with the
 * command and git's own message, credentials scrubbed.
 */
export function runGit(args: string[], opts: GitRunOptions = {}): Promise<string> {
  const env = { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'echo', LC_ALL: 'C', ...opts.env };
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const sink = opts.pipeTo ? spawn(opts.pipeTo.command, opts.pipeTo.args, { cwd: opts.pipeTo.cwd, stdio: ['pipe', 'ignore', 'pipe'] }) : undefined;
    let out = '';
    let err = '';
    if (sink) child.stdout.pipe(sink.stdin);
    else child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    sink?.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    const sinkDone = sink ? new Promise<number | null>((r) => sink.on('close', r)) : Promise.resolve(0);
    child.on('error', (e) => { clearTimeout(timer); reject(new Error(`git ${args[0]}: ${e.message}`)); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      void sinkDone.then((sinkCode) => {
        if (code === 0 && sinkCode === 0) return resolve(out);
        const why = signal ? `killed (${signal})` : `exit ${code ?? sinkCode}`;
        reject(new Error(scrub(`git ${args.filter((a) => !a.startsWith('credential.helper')).join(' ')}: ${why}: ${err.trim()}`, opts.secrets)));
      });
    });
  });
}
