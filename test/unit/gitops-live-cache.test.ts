import { describe, expect, it } from 'vitest';
import { syncApplication, type SyncRequest } from '../../src/gitops/sync/engine.js';
import { LiveCache } from '../../src/gitops/sync/live-cache.js';
import { objectKey } from '../../src/kube/informer.js';
import type { KubeClient } from '../../src/kube/client.js';
import type { KubeObject } from '../../src/kube/types.js';

// A sync reads an unchanged object from the member's watch of tracked objects instead of sending a
// GET. Only a hit is trusted: a kind not listed yet, an object the cache does not hold, and a cached
// copy older than this process's own last write are read from the member as before.

/** A member in memory: answers GETs and applies (bumping resourceVersion), and logs each request. */
function fakeMember() {
  const store = new Map<string, KubeObject>();
  const log: string[] = [];
  let rv = 10;
  const key = (kind: string, ns: string | undefined, name: string) => `${kind}/${ns ?? ''}/${name}`;
  const client = {
    async get(_v: string, kind: string, name: string, namespace?: string) {
      log.push(`GET ${key(kind, namespace, name)}`);
      return structuredClone(store.get(key(kind, namespace, name)));
    },
    async apply(o: KubeObject) {
      log.push(`APPLY ${key(o.kind ?? '', o.metadata?.namespace, o.metadata?.name ?? '')}`);
      const live = { ...structuredClone(o), metadata: { ...o.metadata, uid: 'u', resourceVersion: String(++rv) } };
      store.set(key(o.kind ?? '', o.metadata?.namespace, o.metadata?.name ?? ''), live);
      return structuredClone(live);
    },
    async list() { log.push('LIST'); return { items: [] }; },
    async delete() { log.push('DELETE'); return true; },
    discovery: { invalidate() { /* no CRDs here */ } },
  };
  return { client: client as unknown as KubeClient, store, log, key };
}

/** Informers by kind that hold what the test puts in them; `synced` per kind. */
function fakeWatches() {
  const kinds = new Map<string, { synced: boolean; objects: Map<string, KubeObject>; stopped: boolean }>();
  const of = (kind: string) => kinds.get(kind) ?? kinds.set(kind, { synced: true, objects: new Map(), stopped: false }).get(kind) as { synced: boolean; objects: Map<string, KubeObject>; stopped: boolean };
  const cache = new LiveCache((_apiVersion, kind) => {
    const k = of(kind);
    return { hasSynced: () => k.synced, get: (key: string) => k.objects.get(key), stop: () => { k.stopped = true; } };
  });
  /** Delivers the member's current copy of an object, as a watch event would. */
  const deliver = (o: KubeObject) => of(o.kind ?? '').objects.set(objectKey(o), structuredClone(o));
  return { cache, of, deliver };
}

const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } };
const cm = (v: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'shop' }, data: { version: v } });

function request(member: KubeClient, desired: KubeObject[], previous: Record<string, string>, cache: LiveCache): SyncRequest {
  return { appName: 'shop', appNamespace: 'meridian-system', member, desired, previous, previousKinds: [], apply: true, selfHeal: true, prune: true, pruneConfirmShare: 0.5, pruneConfirmed: false, fullPruneCheck: false, cache };
}

describe('sync engine: live reads from the member cache', () => {
  it('reads unchanged objects from the cache once it holds them: a steady pass sends nothing to the member', async () => {
    const m = fakeMember();
    const w = fakeWatches();
    const first = await syncApplication(request(m.client, [ns, cm('1')], {}, w.cache));
    expect(m.log.filter((l) => !l.startsWith('LIST')), 'a first sync applies everything: nothing to read').toEqual(['APPLY Namespace//shop', 'APPLY ConfigMap/shop/cfg']);
    for (const o of m.store.values()) w.deliver(o);
    m.log.length = 0;
    const steady = await syncApplication(request(m.client, [ns, cm('1')], first.fingerprints, w.cache));
    expect(m.log).toEqual([]);
    expect(steady.writes).toBe(0);
    expect(steady.synced).toBe(true);
  });

  it('reads with a GET what the cache cannot vouch for: a kind not listed yet, an object it does not hold', async () => {
    const m = fakeMember();
    const w = fakeWatches();
    const first = await syncApplication(request(m.client, [ns, cm('1')], {}, w.cache));
    w.deliver(m.store.get(m.key('Namespace', undefined, 'shop')) as KubeObject); // the ConfigMap is not in the cache (not labelled yet, say)
    m.log.length = 0;
    await syncApplication(request(m.client, [ns, cm('1')], first.fingerprints, w.cache));
    expect(m.log).toEqual(['GET ConfigMap/shop/cfg']);
    w.of('Namespace').synced = false;
    w.deliver(m.store.get(m.key('ConfigMap', 'shop', 'cfg')) as KubeObject);
    m.log.length = 0;
    await syncApplication(request(m.client, [ns, cm('1')], first.fingerprints, w.cache));
    expect(m.log).toEqual(['GET Namespace//shop']);
  });

  it('does not trust a cached copy older than its own last write (no apply again for a watch that lags)', async () => {
    const m = fakeMember();
    const w = fakeWatches();
    const first = await syncApplication(request(m.client, [ns, cm('1')], {}, w.cache));
    for (const o of m.store.values()) w.deliver(o);
    const second = await syncApplication(request(m.client, [ns, cm('2')], first.fingerprints, w.cache));
    expect(second.applied).toEqual(['/ConfigMap/shop/cfg']);
    // The watch has not delivered the ConfigMap at version 2 yet: its cached copy still says 1.
    expect(w.of('ConfigMap').objects.get('shop/cfg')?.data).toEqual({ version: '1' });
    m.log.length = 0;
    const third = await syncApplication(request(m.client, [ns, cm('2')], second.fingerprints, w.cache));
    expect(m.log).toEqual(['GET ConfigMap/shop/cfg']);
    expect(third.writes).toBe(0);
    expect(third.synced).toBe(true);
    w.deliver(m.store.get(m.key('ConfigMap', 'shop', 'cfg')) as KubeObject);
    m.log.length = 0;
    await syncApplication(request(m.client, [ns, cm('2')], second.fingerprints, w.cache));
    expect(m.log, 'caught up: read from the cache again').toEqual([]);
  });

  it('sees drift the watch delivered and heals it', async () => {
    const m = fakeMember();
    const w = fakeWatches();
    const first = await syncApplication(request(m.client, [ns, cm('1')], {}, w.cache));
    const edited = { ...structuredClone(m.store.get(m.key('ConfigMap', 'shop', 'cfg')) as KubeObject), data: { version: 'edited' } };
    edited.metadata = { ...edited.metadata, resourceVersion: '99' };
    w.deliver(m.store.get(m.key('Namespace', undefined, 'shop')) as KubeObject);
    w.deliver(edited);
    m.log.length = 0;
    const r = await syncApplication(request(m.client, [ns, cm('1')], first.fingerprints, w.cache));
    expect(m.log).toEqual(['APPLY ConfigMap/shop/cfg']);
    expect(r.writes).toBe(1);
  });

  it('stops its watches, and reads everything with GETs after', async () => {
    const m = fakeMember();
    const w = fakeWatches();
    const first = await syncApplication(request(m.client, [ns, cm('1')], {}, w.cache));
    for (const o of m.store.values()) w.deliver(o);
    await syncApplication(request(m.client, [ns, cm('1')], first.fingerprints, w.cache)); // starts both watches
    w.cache.stop();
    expect(w.of('Namespace').stopped && w.of('ConfigMap').stopped).toBe(true);
    m.log.length = 0;
    await syncApplication(request(m.client, [ns, cm('1')], first.fingerprints, w.cache));
    expect(m.log.sort()).toEqual(['GET ConfigMap/shop/cfg', 'GET Namespace//shop']);
  });
});
