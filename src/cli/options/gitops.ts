import { homedir } from 'node:os';
import { join } from 'node:path';
import { resolveKubeconfig } from './common.js';

/** Flags shared by the gitops commands. */
export interface GitopsFlags {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  cacheDir?: string;
  allowFileRepos?: boolean;
}

/** Validated common options of the gitops commands. */
export interface GitopsOptions {
  kubeconfig: string;
  hubContext: string;
  namespace: string;
  cacheDir: string;
  /** Allow file:// repositories (the local demo); off unless --allow-file-repos. */
  allowFileRepos: boolean;
}

/** Validates the flags every gitops command shares. */
export function parseGitopsFlags(flags: GitopsFlags, env: NodeJS.ProcessEnv = process.env): GitopsOptions {
  const namespace = flags.namespace ?? 'meridian-system';
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(namespace)) throw new Error(`--namespace: "${namespace}" is not a namespace name`);
  return {
    kubeconfig: resolveKubeconfig(flags.kubeconfig, env), hubContext: flags.context ?? 'hub', namespace,
    cacheDir: flags.cacheDir ?? join(env.HOME ?? homedir(), '.meridian', 'gitops-cli'),
    allowFileRepos: flags.allowFileRepos ?? false,
  };
}

/** Parses `--share` for sync: a number in 0..1. */
export function parseShare(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new Error(`--prune-share: expected a number from 0 to 1, got "${value}"`);
  return n;
}
