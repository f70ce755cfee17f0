/**
 * Checks for every value from Git, an Application or a webhook before it reaches a git command line:
 * repository URLs (known schemes only, no option-like hosts or users) and revisions (the rules of
 * `git check-ref-format --allow-onelevel`, or a commit SHA).
 */

/** A repository URL taken apart: scheme (`ssh` for scp-style `user@host:path`), host, port, path. */
export interface RepoUrl {
  scheme: 'https' | 'http' | 'ssh' | 'file';
  host: string;
  port: string;
  path: string;
  user: string;
}

/** What a repository URL may be. */
export interface RepoUrlPolicy {
  /** Allow `file://` URLs (a local repository); off unless the operator asked for it (the local demo). */
  allowFile?: boolean;
}

const DEFAULT_PORT: Record<string, string> = { https: '443', http: '80', ssh: '22', file: '' };
const HOST = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$|^\[[0-9a-f:.]+\]$/i;
const SCP = /^([A-Za-z0-9._~-]+)@([^/:@]+):(.+)$/;
// Control characters, whitespace and shell or option metacharacters never belong in a repository URL.
// eslint-disable-next-line no-control-regex
const BAD_CHARS = /[\s\x00-\x1f\x7f\\'"`$;|&<>]/;

/** Parses and checks a repository URL; throws naming the URL (userinfo hidden) and what is wrong. */
export function parseRepoUrl(url: string, policy: RepoUrlPolicy = {}): RepoUrl {
  const fail = urlFailure(url);
  if (typeof url !== 'string' || !url) return fail('is empty');
  if (url.length > 2048) fail('is longer than 2048 characters');
  if (url.startsWith('-')) fail('must not begin with "-"');
  if (BAD_CHARS.test(url)) fail('contains whitespace, a control character or a shell metacharacter');
  const scp = SCP.exec(url);
  if (scp && !url.includes('://')) return scpUrl(scp, fail);
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url);
  if (!m) return fail('allowed forms are https://, http://, ssh:// and user@host:path' + (policy.allowFile ? ' and file://' : ''));
  const scheme = m[1].toLowerCase();
  if (scheme === 'file') return fileUrl(url, policy, fail);
  if (scheme !== 'https' && scheme !== 'http' && scheme !== 'ssh') return fail(`scheme "${scheme}" is not allowed (https, http, ssh, user@host:path)`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return fail('is not a valid URL');
  }
  const host = parsed.hostname.toLowerCase();
  if (!host || !HOST.test(host)) fail(`host "${host}" is not a valid host name`);
  if (decodeURIComponent(parsed.username).startsWith('-')) fail('user must not begin with "-"');
  return { scheme, host, port: parsed.port || DEFAULT_PORT[scheme], path: parsed.pathname || '/', user: decodeURIComponent(parsed.username) };
}

type Fail = (why: string) => never;

function urlFailure(url: string): Fail {
  return (why) => { throw new Error(`repoURL "${redactUserinfo(url)}": ${why}`); };
}

function scpUrl([, user, host, path]: RegExpExecArray, fail: Fail): RepoUrl {
  if (user.startsWith('-') || !HOST.test(host) || path.startsWith('-')) fail('is not a valid scp-style ssh address (user@host:path)');
  return { scheme: 'ssh', host: host.toLowerCase(), port: '22', path: path.startsWith('/') ? path : `/${path}`, user };
}

function fileUrl(url: string, policy: RepoUrlPolicy, fail: Fail): RepoUrl {
  if (!policy.allowFile) fail('file:// repositories are switched off (serve --allow-file-repos turns them on, e.g. for the local demo)');
  const path = url.slice('file://'.length);
  if (!path.startsWith('/') || path.split('/').includes('..')) fail('a file:// URL needs an absolute path without ".."');
  return { scheme: 'file', host: '', port: '', path, user: '' };
}

/** Throws unless `url` is an allowed repository URL; returns it unchanged. */
export function checkRepoUrl(url: string, policy: RepoUrlPolicy = {}): string {
  parseRepoUrl(url, policy);
  return url;
}

const SHA_RE = /^[0-9a-f]{40}$|^[0-9a-f]{64}$/;

/** True for a full commit id (SHA-1 or SHA-256). */
export function isCommitId(revision: string): boolean {
  return SHA_RE.test(revision);
}

/**
 * Throws unless `revision` is HEAD, a full commit id, or a ref name `git check-ref-format
 * --allow-onelevel` accepts (and not option-like); returns it unchanged.
 */
export function checkRevision(revision: string): string {
  const fail = (why: string): never => { throw new Error(`targetRevision "${printable(revision)}": ${why}`); };
  if (typeof revision !== 'string' || !revision) return fail('is empty');
  if (revision === 'HEAD' || isCommitId(revision)) return revision;
  if (revision.length > 255) fail('is longer than 255 characters');
  if (revision.startsWith('-')) fail('must not begin with "-"');
  if (revision.startsWith('+')) fail('must not begin with "+"');
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(revision)) fail('contains a space, a control character or one of ~ ^ : ? * [ \\');
  if (revision.includes('..')) fail('contains ".."');
  if (revision.includes('@{') || revision === '@') fail('contains "@{" or is "@"');
  if (revision.startsWith('/') || revision.endsWith('/') || revision.includes('//')) fail('has an empty path component');
  if (revision.endsWith('.')) fail('ends with "."');
  for (const part of revision.split('/')) {
    if (part.startsWith('.')) fail(`component "${part}" begins with "."`);
    if (part.endsWith('.lock')) fail(`component "${part}" ends with ".lock"`);
  }
  return revision;
}

/** A URL with any userinfo replaced, for messages. */
export function redactUserinfo(url: string): string {
  return String(url).replace(/(\w+:\/\/)[^/@\s]+@/, '$1[redacted]@');
}

function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return String(s).replace(/[\x00-\x1f\x7f]/g, '?').slice(0, 300);
}
