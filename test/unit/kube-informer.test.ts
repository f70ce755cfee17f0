import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { KubeClient } from '../../src/kube/client.js';
import { Informer } from '../../src/kube/informer.js';
import { stripManagedFields } from '../../src/kube/informer-set.js';
import { waitFor } from '../../src/util/wait.js';

/** A fake API server serving ConfigMaps: the list is answered when `releaseList` is called; watches stay open silently (half-open). */
async function fakeServer(opts: { tooLargeWatches?: number; expiredVersion?: string; answerLists?: boolean } = {}) {
  const seen = { lists: 0, watches: 0 };
  const pendingLists: Array<() => void> = [];
  const open: http.ServerResponse[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/api/v1') {
      res.end(JSON.stringify({ groupVersion: 'v1', resources: [{ name: 'configmaps', kind: 'ConfigMap', namespaced: true }] }));
    } else if (url.searchParams.get('watch') === 'true') {
      seen.watches++;
      if (seen.watches <= (opts.tooLargeWatches ?? 0)) {
        // What kube-apiserver answers when its watch cache lags behind the version a list returned.
        res.writeHead(504, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ kind: 'Status', status: 'Failure', reason: 'Timeout', code: 504, message: `Too large resource version: ${url.searchParams.get('resourceVersion')}, current: 3` }));
        return;
      }
      if (opts.expiredVersion && url.searchParams.get('resourceVersion') === opts.expiredVersion) {
        // What kube-apiserver sends, every time, when the version is older than its watch cache (a CRD's cache
        // that started after the list): a 200 whose first line is an ERROR event. The connection is
        // left open here, so only the client's handling of that line can end the watch.
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write(`${JSON.stringify({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: `too old resource version: ${url.searchParams.get('resourceVersion')} (9)`, reason: 'Expired', code: 410 } })}\n`);
        open.push(res);
        return;
      }
      if (opts.tooLargeWatches || opts.expiredVersion) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write(`${JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'b', namespace: 'ns', resourceVersion: '8' } } })}\n`);
        open.push(res);
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('');
      open.push(res); // never sends an event: what a half-open connection looks like
    } else {
      seen.lists++;
      if (opts.answerLists) {
        const items = opts.expiredVersion && seen.lists > 1 ? [{ metadata: { name: 'b', namespace: 'ns', resourceVersion: '8' } }] : [];
        res.end(JSON.stringify({ metadata: { resourceVersion: seen.lists > 1 ? '9' : '7' }, items }));
        return;
      }
      pendingLists.push(() => res.end(JSON.stringify({ metadata: { resourceVersion: '7' }, items: [{ metadata: { name: 'a', namespace: 'ns', resourceVersion: '5' }, data: { big: 'x'.repeat(100) } }] })));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
    users: [{ name: 'u' }], contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x',
  });
  const client = await KubeClient.fromKubeConfig(kc, 5000);
  return {
    client, seen,
    releaseList: () => pendingLists.splice(0).forEach((f) => f()),
    close: () => {
      client.close();
      for (const r of open) r.destroy();
      server.closeAllConnections();
      server.close();
    },
  };
}

let cleanup: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanup) c();
  cleanup = [];
});

describe('Informer', () => {
  it('cuts a watch that stays silent past the idle deadline and opens a new one', async () => {
    const fake = await fakeServer();
    cleanup.push(fake.close);
    const inf = new Informer(fake.client, { apiVersion: 'v1', kind: 'ConfigMap', idleTimeoutMs: 100 }).start();
    cleanup.push(() => inf.stop());
    await waitFor(() => fake.seen.lists === 1, { timeoutMs: 5000, what: 'list' });
    fake.releaseList();
    await inf.waitForSync();
    // Before the fix the first watch hung forever on a connection that sent nothing.
    await waitFor(() => fake.seen.watches >= 3, { timeoutMs: 10_000, what: 'watch restarts', onTimeout: () => JSON.stringify(fake.seen) });
    expect(fake.seen.lists).toBe(1); // resumed from the resourceVersion, no relist
    inf.stop();
    await inf.done();
  });

  it('opens no watch when stopped while its list is in flight', async () => {
    const fake = await fakeServer();
    cleanup.push(fake.close);
    const inf = new Informer(fake.client, { apiVersion: 'v1', kind: 'ConfigMap' }).start();
    await waitFor(() => fake.seen.lists === 1, { timeoutMs: 5000, what: 'list in flight' });
    inf.stop();
    fake.releaseList();
    await inf.done();
    expect(fake.seen.watches).toBe(0);
  });

  it('relists at once when the watch cache lags ("Too large resource version") instead of backing off on it', async () => {
    const fake = await fakeServer({ tooLargeWatches: 6, answerLists: true });
    cleanup.push(fake.close);
    const inf = new Informer(fake.client, { apiVersion: 'v1', kind: 'ConfigMap' }).start();
    cleanup.push(() => inf.stop());
    // Before the fix six such answers cost 15 to 31 s of growing backoff, and the cache saw nothing meanwhile.
    await waitFor(() => inf.get('ns/b'), { timeoutMs: 10_000, what: 'the object the watch delivers', onTimeout: () => JSON.stringify(fake.seen) });
    expect(fake.seen.lists).toBeGreaterThan(1);
  });

  it('relists when a watch stream reports 410 Expired, instead of retrying the same version forever', async () => {
    const fake = await fakeServer({ expiredVersion: '7', answerLists: true });
    cleanup.push(fake.close);
    const errors: string[] = [];
    const inf = new Informer(fake.client, { apiVersion: 'v1', kind: 'ConfigMap' }).on('error', (e: Error) => errors.push(e.message)).start();
    cleanup.push(() => inf.stop());
    // Before the fix the client destroyed the response before rejecting with the ERROR event, so its
    // 'aborted' error won: the 410 never reached the informer, which re-watched the expired version
    // about once a second and never relisted (a SecretStorePlan created as its CRD's watch cache
    // started was never seen).
    await waitFor(() => inf.get('ns/b'), { timeoutMs: 10_000, what: 'the object the relist finds', onTimeout: () => `${JSON.stringify(fake.seen)} errors ${errors.join('; ')}` });
    expect(fake.seen.lists).toBe(2);
    expect(errors).toEqual([]);
  });

  it('caches what the transform keeps', async () => {
    const fake = await fakeServer();
    cleanup.push(fake.close);
    const inf = new Informer(fake.client, { apiVersion: 'v1', kind: 'ConfigMap', transform: (o) => ({ metadata: o.metadata }) }).start();
    cleanup.push(() => inf.stop());
    await waitFor(() => fake.seen.lists === 1, { timeoutMs: 5000, what: 'list' });
    fake.releaseList();
    await inf.waitForSync();
    expect(inf.get('ns/a')).toEqual({ metadata: { name: 'a', namespace: 'ns', resourceVersion: '5' } });
  });

  it('shared member caches drop managedFields, which nothing reads', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', managedFields: [{ manager: 'kubelet' }] }, spec: { nodeName: 'n1' } };
    expect(stripManagedFields(pod)).toEqual({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { nodeName: 'n1' } });
  });
});
