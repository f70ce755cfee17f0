import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeClient } from '../../kube/client.js';
import { Informer } from '../../kube/informer.js';
import type { KubeObject } from '../../kube/types.js';
import { parseRepoUrl, redactUserinfo, type RepoUrl } from './validate.js';

/** Credentials for one repository, read from a hub Secret; never logged. */
export interface RepoCredentials {
  username?: string;
  password?: string;
  sshPrivateKey?: string;
  /** known_hosts lines for ssh sources (from the Secret's sshKnownHosts or the known-hosts ConfigMap). */
  sshKnownHosts?: string;
}

/** Looks up the credentials for a repository URL (undefined: anonymous). */
export type CredentialsLookup = (repoURL: string) => Promise<RepoCredentials | undefined>;

/** Label that marks a hub Secret as repository credentials (keys url, username, password, sshPrivateKey, sshKnownHosts). */
export const REPO_SECRET_LABEL = 'meridian.dev/secret-type';
/** Hub ConfigMap (in the credentials namespace) whose `ssh_known_hosts` key lists trusted ssh host keys. */
export const KNOWN_HOSTS_CONFIGMAP = 'meridian-ssh-known-hosts';

const decode = (v: unknown) => (typeof v === 'string' ? Buffer.from(v, 'base64').toString('utf8') : undefined);

/**
 * How well a credential URL covers a repository URL: -1 when it does not (different scheme, host or
 * port, or a path that is not a whole-segment prefix), else the length of the matched path. Parsed,
 * never a raw string prefix: `https://git.acme.com` does not cover `https://git.acme.com.evil.net/x`.
 */
export function credentialMatch(credentialUrl: string, repoURL: string): number {
  let c: RepoUrl;
  let r: RepoUrl;
  try {
    c = parseRepoUrl(credentialUrl, { allowFile: true });
    r = parseRepoUrl(repoURL, { allowFile: true });
  } catch {
    return -1;
  }
  if (c.scheme !== r.scheme || c.host !== r.host || c.port !== r.port) return -1;
  const base = c.path.replace(/\/+$/, '').replace(/\.git$/, '');
  const path = r.path.replace(/\/+$/, '');
  if (base === '' || path === base || path === `${base}.git` || path.startsWith(`${base}/`)) return base.length;
  return -1;
}

type RepoSecret = KubeObject & { data?: Record<string, string> };

/** The watched repository Secrets (an Informer, or a stand-in in tests). */
export type SecretCache = Pick<Informer<RepoSecret>, 'hasSynced' | 'list' | 'stop'>;

/** Options of hubCredentials. */
export interface HubCredentialsOptions {
  /**
   * Keep the repository Secrets in a watch until this signal fires (a long-running controller): a
   * lookup then sends nothing to the hub. Without it every lookup lists them (the CLI's one fetch).
   */
  watchUntil?: AbortSignal;
  /** Builds the watch (a seam for tests): hub, namespace, label selector. */
  informer?: (hub: KubeClient, namespace: string, labelSelector: string) => SecretCache;
}

/**
 * Credentials from hub Secrets labelled `meridian.dev/secret-type=repository` in a namespace: the
 * Secret whose `url` covers the repository URL with the longest path wins (as ArgoCD's credential
 * templates). ssh sources also get the known hosts of the ConfigMap `meridian-ssh-known-hosts`.
 */
export function hubCredentials(hub: KubeClient, namespace: string, opts: HubCredentialsOptions = {}): CredentialsLookup {
  const selector = `${REPO_SECRET_LABEL}=repository`;
  let watched: SecretCache | undefined;
  const watch = () => {
    if (watched || !opts.watchUntil || opts.watchUntil.aborted) return watched;
    const until = opts.watchUntil;
    const cache = (opts.informer ?? ((h, ns, sel) => new Informer<RepoSecret>(h, { apiVersion: 'v1', kind: 'Secret', namespace: ns, labelSelector: sel }).start()))(hub, namespace, selector);
    until.addEventListener('abort', () => cache.stop(), { once: true });
    watched = cache;
    return cache;
  };
  return async (repoURL) => {
    // Started by the first lookup (a replica that never fetches watches nothing); until it has
    // listed, lookups list as before.
    const cache = watch();
    const items = cache?.hasSynced() ? cache.list() : (await hub.list<RepoSecret>('v1', 'Secret', { namespace, labelSelector: selector })).items;
    let best: { len: number; creds: RepoCredentials } | undefined;
    for (const s of items) {
      const url = decode(s.data?.url);
      const len = url ? credentialMatch(url, repoURL) : -1;
      if (len < 0 || (best && best.len >= len)) continue;
      best = { len, creds: { username: decode(s.data?.username), password: decode(s.data?.password), sshPrivateKey: decode(s.data?.sshPrivateKey), sshKnownHosts: decode(s.data?.sshKnownHosts) } };
    }
    let scheme = '';
    try { scheme = parseRepoUrl(repoURL, { allowFile: true }).scheme; } catch { /* checked again before any fetch */ }
    if (scheme !== 'ssh' || best?.creds.sshKnownHosts) return best?.creds;
    const cm = await hub.get<KubeObject & { data?: Record<string, string> }>('v1', 'ConfigMap', KNOWN_HOSTS_CONFIGMAP, namespace).catch(() => undefined);
    const known = cm?.data?.ssh_known_hosts;
    return known ? { ...(best?.creds ?? {}), sshKnownHosts: known } : best?.creds;
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
 * the child's environment; for ssh, a strict ssh (known hosts required, never accept-new, no user ssh
 * config) with the key in a 0600 file in a private temp dir, removed by cleanup(). Throws when an ssh
 * source has no known hosts.
 */
export async function gitAuth(repoURL: string, creds: RepoCredentials | undefined): Promise<GitAuth> {
  const env: Record<string, string> = {};
  const config: string[] = [];
  const secrets = [creds?.password ?? '', creds?.sshPrivateKey ?? ''].filter(Boolean);
  const url = parseRepoUrl(repoURL, { allowFile: true });
  if (url.scheme !== 'ssh' && (creds?.username || creds?.password)) {
    env.MERIDIAN_GIT_USERNAME = creds.username ?? 'git';
    env.MERIDIAN_GIT_PASSWORD = creds.password ?? '';
    config.push('-c', 'credential.helper=', '-c', 'credential.helper=!f() { echo "username=$MERIDIAN_GIT_USERNAME"; echo "password=$MERIDIAN_GIT_PASSWORD"; }; f');
  }
  if (url.scheme !== 'ssh') return { env, config, secrets, cleanup: async () => undefined };
  if (!creds?.sshKnownHosts?.trim()) {
    throw new Error(`ssh source ${redactUserinfo(repoURL)}: no known host key for ${url.host}; add it to the repository Secret's sshKnownHosts or to ConfigMap ${KNOWN_HOSTS_CONFIGMAP} (key ssh_known_hosts); host keys are never trusted on first use`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'meridian-ssh-'));
  const knownHosts = join(dir, 'known_hosts');
  await writeFile(knownHosts, creds.sshKnownHosts.endsWith('\n') ? creds.sshKnownHosts : `${creds.sshKnownHosts}\n`, { mode: 0o600 });
  const opts = ['-F', '/dev/null', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'GlobalKnownHostsFile=/dev/null'];
  if (creds.sshPrivateKey) {
    const key = join(dir, 'id');
    await writeFile(key, creds.sshPrivateKey.endsWith('\n') ? creds.sshPrivateKey : `${creds.sshPrivateKey}\n`, { mode: 0o600 });
    await chmod(key, 0o600);
    opts.push('-i', key, '-o', 'IdentitiesOnly=yes');
  }
  // mkdtemp names are [A-Za-z0-9_-]: nothing in this command line needs shell quoting.
  env.GIT_SSH_COMMAND = ['ssh', ...opts].join(' ');
  return { env, config, secrets, cleanup: async () => rm(dir, { recursive: true, force: true }) };
}
