import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeClient } from '../../kube/client.js';
import type { KubeObject } from '../../kube/types.js';

/** Credentials for one repository, read from a hub Secret; never logged. */
export interface RepoCredentials {
  username?: string;
  password?: string;
  sshPrivateKey?: string;
}

/** Looks up the credentials for a repository URL (undefined: anonymous). */
export type CredentialsLookup = (repoURL: string) => Promise<RepoCredentials | undefined>;

/** Label that marks a hub Secret as repository credentials (keys url, username, password, sshPrivateKey). */
export const REPO_SECRET_LABEL = 'meridian.dev/secret-type';

const decode = (v: unknown) => (typeof v === 'string' ? Buffer.from(v, 'base64').toString('utf8') : undefined);

/**
 * Credentials from hub Secrets labelled `meridian.dev/secret-type=repository` in a namespace: the
 * Secret whose `url` is the longest prefix of the repository URL wins (as ArgoCD's credential templates).
 */
export function hubCredentials(hub: KubeClient, namespace: string): CredentialsLookup {
  return async (repoURL) => {
    const secrets = await hub.list<KubeObject & { data?: Record<string, string> }>('v1', 'Secret', { namespace, labelSelector: `${REPO_SECRET_LABEL}=repository` });
    let best: { len: number; creds: RepoCredentials } | undefined;
    for (const s of secrets.items) {
      const url = decode(s.data?.url);
      if (!url || !repoURL.startsWith(url) || (best && best.len >= url.length)) continue;
      best = { len: url.length, creds: { username: decode(s.data?.username), password: decode(s.data?.password), sshPrivateKey: decode(s.data?.sshPrivateKey) } };
    }
    return best?.creds;
  };
}

/** Environment and config that hand credentials to git without putting them on its command line. */
export interface GitAuth {
  env: Record<string, string>;
  config: string[];
  secrets: string[];
  cleanup(): Promise<void>;
}

/**
 * Prepares git authentication: https user/password through a credential helper that reads them from
 * the child's environment; an ssh key in a 0600 file in a private temp dir, removed by cleanup().
 */
export async function gitAuth(creds: RepoCredentials | undefined, knownHosts: string): Promise<GitAuth> {
  const env: Record<string, string> = {};
  const config: string[] = [];
  const secrets = [creds?.password ?? '', creds?.sshPrivateKey ?? ''].filter(Boolean);
  let dir: string | undefined;
  if (creds?.username || creds?.password) {
    env.MERIDIAN_GIT_USERNAME = creds.username ?? 'git';
    env.MERIDIAN_GIT_PASSWORD = creds.password ?? '';
    config.push('-c', 'credential.helper=', '-c', 'credential.helper=!f() { echo "username=$MERIDIAN_GIT_USERNAME"; echo "password=$MERIDIAN_GIT_PASSWORD"; }; f');
  }
  if (creds?.sshPrivateKey) {
    dir = await mkdtemp(join(tmpdir(), 'meridian-ssh-'));
    const key = join(dir, 'id');
    await writeFile(key, creds.sshPrivateKey.endsWith('\n') ? creds.sshPrivateKey : `${creds.sshPrivateKey}\n`, { mode: 0o600 });
    await chmod(key, 0o600);
    env.GIT_SSH_COMMAND = `ssh -i ${key} -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=${knownHosts}`;
  }
  return { env, config, secrets, cleanup: async () => { if (dir) await rm(dir, { recursive: true, force: true }); } };
}
