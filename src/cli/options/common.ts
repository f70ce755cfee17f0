import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { KubeClient } from '../../kube/client.js';
import { defaultStateDir } from '../../fleet/layout.js';

/** Flags shared by commands that talk to clusters. */
export interface KubeFlags {
  kubeconfig?: string;
  context?: string;
}

/** The kubeconfig a command uses: --kubeconfig, else $KUBECONFIG, else ~/.kube/config. */
export function resolveKubeconfig(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? env.KUBECONFIG?.split(':')[0] ?? join(homedir(), '.kube', 'config');
}

/** The local fleet's state directory: --state-dir, else $MERIDIAN_STATE_DIR, else ~/.meridian/fleet. */
export function resolveStateDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  // Absolute, so that a value starting with `-` reaches the fleet supervisor's command line as a path, never as an option.
  return resolve(flag ?? env.MERIDIAN_STATE_DIR ?? defaultStateDir());
}

/** A client for a context of the resolved kubeconfig. */
export function clientFor(kubeconfig: string | undefined, context: string, timeoutMs?: number): Promise<KubeClient> {
  return KubeClient.fromFile(resolveKubeconfig(kubeconfig), context, timeoutMs);
}

/** Parses `k=v,k2=v2` into a map; throws naming the flag on a malformed pair. */
export function parseKeyValues(flag: string, value: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (value ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`${flag}: expected key=value, got "${pair}"`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

/** Parses a comma-separated list. */
export function parseList(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}
