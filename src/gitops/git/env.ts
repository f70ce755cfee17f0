import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupOnExit } from '../../util/exit-cleanup.js';

/** The PATH git runs with unless the caller names one: system directories only, never the parent's. */
export const SAFE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** What shapes the environment of one git invocation. */
export interface GitEnvOptions {
  /** HOME for git (a private directory); default: one private temp dir per process. */
  home?: string;
  /** PATH for git; default SAFE_PATH. */
  path?: string;
  /** Allow the file transport (file:// repositories, the local demo). */
  allowFile?: boolean;
  /** More variables (credentials for the helper, GIT_SSH_COMMAND, committer identity). */
  extra?: Record<string, string>;
}

let privateHome: string | undefined;

/**
 * A private (0700) HOME for git, created once per process, so no user or system config is read;
 * removed when the process exits (every serve and test process used to leave one in the temp dir).
 */
export function defaultGitHome(): string {
  if (privateHome === undefined) {
    const home = mkdtempSync(join(tmpdir(), 'meridian-git-home-'));
    cleanupOnExit(() => rmSync(home, { recursive: true, force: true }));
    privateHome = home;
  }
  return privateHome;
}

/**
 * The minimal environment git gets: PATH, a private HOME, no terminal prompt, no system or global
 * config, and protocol rules that allow only https, http and ssh (file only when asked). Nothing is
 * inherited from the parent process, so no GIT_* variable of the caller can redirect git.
 */
export function gitEnv(opts: GitEnvOptions = {}): Record<string, string> {
  const config: Array<[string, string]> = [
    ['protocol.allow', 'never'],
    ['protocol.https.allow', 'always'],
    ['protocol.http.allow', 'always'],
    ['protocol.ssh.allow', 'always'],
    ['protocol.file.allow', opts.allowFile ? 'always' : 'never'],
    ['core.fsmonitor', 'false'],
  ];
  const env: Record<string, string> = {
    PATH: opts.path ?? SAFE_PATH,
    HOME: opts.home ?? defaultGitHome(),
    LC_ALL: 'C',
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_COUNT: String(config.length),
  };
  config.forEach(([k, v], i) => { env[`GIT_CONFIG_KEY_${i}`] = k; env[`GIT_CONFIG_VALUE_${i}`] = v; });
  return { ...env, ...(opts.extra ?? {}) };
}
