import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitCache } from '../../src/gitops/git/cache.js';
import { credentialMatch, gitAuth, hubCredentials } from '../../src/gitops/git/credentials.js';
import type { KubeClient } from '../../src/kube/client.js';

// Credentials are matched by parsed scheme, host, port and whole path segments, never by raw prefix.
const b64 = (s: string) => Buffer.from(s).toString('base64');
const secret = (url: string, password: string) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: password }, data: { url: b64(url), username: b64('deploy'), password: b64(password) } });
// A fake hub inside a unit test: list answers the labelled Secrets, get the known-hosts ConfigMap.
const fakeHub = (knownHosts?: string) => ({
  list: async () => ({ items: [secret('https://git.acme.com', 'acme-token'), secret('https://git.acme.com/team-a', 'team-a-token'), secret('git@git.acme.com:', 'ssh-token')] }),
  get: async () => (knownHosts ? { data: { ssh_known_hosts: knownHosts } } : undefined),
}) as unknown as KubeClient;

let work: string;
beforeAll(async () => { work = await mkdtemp(join(tmpdir(), 'gitops-creds-')); });
afterAll(async () => rm(work, { recursive: true, force: true }));

describe('repository credentials', () => {
  it('a token for git.acme.com is never offered to git.acme.com.evil.net (or another port, scheme or path)', async () => {
    const lookup = hubCredentials(fakeHub(), 'meridian-system');
    for (const url of ['https://git.acme.com.evil.net/org/repo.git', 'https://git.acme.com.evil.net', 'https://evil.net/git.acme.com/x', 'http://git.acme.com/org/repo', 'https://git.acme.com:8443/org/repo', 'https://git.acme.com@evil.net/org/repo']) {
      expect((await lookup(url))?.password, url).toBeUndefined();
    }
    expect((await lookup('https://git.acme.com/org/repo.git'))?.password).toBe('acme-token');
    expect((await lookup('https://GIT.acme.com:443/team-a/repo'))?.password).toBe('team-a-token');
    expect((await lookup('https://git.acme.com/team-ab/repo'))?.password).toBe('acme-token');
  });

  it('a controller\'s lookups read the watched Secrets once the watch has listed: no hub request, a rotated password at once', async () => {
    let lists = 0;
    const hub = { list: async () => { lists++; return { items: [secret('https://git.acme.com', 'listed-token')] }; } } as unknown as KubeClient;
    let synced = false;
    let items = [secret('https://git.acme.com', 'watched-token')];
    let watches = 0;
    let stopped = false;
    const stop = new AbortController();
    const lookup = hubCredentials(hub, 'meridian-system', { watchUntil: stop.signal, informer: (_h, ns, selector) => {
      watches++;
      expect([ns, selector]).toEqual(['meridian-system', 'meridian.dev/secret-type=repository']);
      return { hasSynced: () => synced, list: () => items, stop: () => { stopped = true; } };
    } });
    expect(watches, 'no watch before the first lookup').toBe(0);
    // Before the watch has listed, a lookup lists as the CLI does.
    expect((await lookup('https://git.acme.com/org/repo'))?.password).toBe('listed-token');
    expect([lists, watches]).toEqual([1, 1]);
    synced = true;
    expect((await lookup('https://git.acme.com/org/repo'))?.password).toBe('watched-token');
    items = [secret('https://git.acme.com', 'rotated-token')];
    expect((await lookup('https://git.acme.com/org/repo'))?.password).toBe('rotated-token');
    expect([lists, watches], 'hub lists and watches after the watch synced').toEqual([1, 1]);
    stop.abort();
    expect(stopped).toBe(true);
  });

  it('matches whole path segments', () => {
    expect(credentialMatch('https://h/org', 'https://h/org/r')).toBeGreaterThan(0);
    expect(credentialMatch('https://h/org', 'https://h/org.git')).toBeGreaterThan(0);
    expect(credentialMatch('https://h/org', 'https://h/organization/r')).toBe(-1);
    expect(credentialMatch('git@h:org', 'ssh://git@h/org/r')).toBeGreaterThan(0);
  });

  it('ssh needs known hosts from the hub: without them the fetch fails with a clear error, and ssh is strict', async () => {
    const cache = new GitCache({ dir: join(work, 'c1'), pollIntervalMs: 0, credentials: hubCredentials(fakeHub(), 'meridian-system') });
    await expect(cache.resolve('git@127.0.0.1:org/repo.git', 'main')).rejects.toThrow(/no known host key for 127\.0\.0\.1.*ssh_known_hosts.*never trusted on first use/);
    const lookup = hubCredentials(fakeHub('127.0.0.1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl'), 'meridian-system');
    const auth = await gitAuth('git@127.0.0.1:org/repo.git', await lookup('git@127.0.0.1:org/repo.git'));
    try {
      expect(auth.env.GIT_SSH_COMMAND).toMatch(/-F \/dev\/null .*StrictHostKeyChecking=yes .*UserKnownHostsFile=\S+known_hosts/);
      expect(auth.env.GIT_SSH_COMMAND).not.toMatch(/accept-new/);
    } finally {
      await auth.cleanup();
    }
  });
});
