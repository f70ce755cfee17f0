import { describe, expect, it } from 'vitest';
import { syncApplication, type SyncRequest } from '../../src/gitops/sync/engine.js';
import { objectId } from '../../src/gitops/sync/order.js';
import { fingerprint } from '../../src/gitops/sync/project.js';
import type { KubeClient } from '../../src/kube/client.js';
import type { KubeObject } from '../../src/kube/types.js';

// The reads a sync sends to a member: an object whose desired state changed is applied without being
// read first (the apply answers with its live state), and read only when its apply failed or never ran.

/** A member that holds objects in memory, answers applies with the applied object, and logs each request. */
function fakeMember(failApply: (o: KubeObject) => boolean = () => false) {
  const store = new Map<string, KubeObject>();
  const log: string[] = [];
  const key = (kind: string, ns: string | undefined, name: string) => `${kind}/${ns ?? ''}/${name}`;
  const client = {
    async get(_apiVersion: string, kind: string, name: string, namespace?: string) {
      log.push(`GET ${key(kind, namespace, name)}`);
      return structuredClone(store.get(key(kind, namespace, name)));
    },
    async apply(o: KubeObject) {
      log.push(`APPLY ${key(o.kind ?? '', o.metadata?.namespace, o.metadata?.name ?? '')}`);
      if (failApply(o)) throw new Error('422 refused');
      const live = { ...structuredClone(o), metadata: { ...o.metadata, uid: 'u', resourceVersion: '7' }, status: { observedGeneration: 1 } };
      store.set(key(o.kind ?? '', o.metadata?.namespace, o.metadata?.name ?? ''), live);
      return structuredClone(live);
    },
    async list() { log.push('LIST'); return { items: [] }; },
    async delete() { log.push('DELETE'); return true; },
    discovery: { invalidate() { /* no CRDs here */ } },
  };
  return { client: client as unknown as KubeClient, store, log, key };
}

const ns = (v: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { v } } });
const cm = (v: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'shop' }, data: { version: v } });
const svc: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { ports: [{ port: 80, protocol: 'TCP' }] } };

function request(member: KubeClient, desired: KubeObject[], previous: Record<string, string>, over: Partial<SyncRequest> = {}): SyncRequest {
  return { appName: 'shop', appNamespace: 'meridian-system', member, desired, previous, previousKinds: [], apply: true, selfHeal: true, prune: true, pruneConfirmShare: 0.5, pruneConfirmed: false, fullPruneCheck: false, ...over };
}

describe('sync engine: live reads', () => {
  it('applies a changed object without reading it first, and reads only the unchanged ones', async () => {
    const m = fakeMember();
    const first = await syncApplication(request(m.client, [ns('1'), cm('1'), svc], {}, { fullPruneCheck: true }));
    expect(first.errors).toEqual([]);
    expect(m.log.filter((l) => l.startsWith('GET'))).toEqual([]); // a first sync applies everything: nothing to read
    m.log.length = 0;
    const second = await syncApplication(request(m.client, [ns('1'), cm('2'), svc], first.fingerprints));
    expect(second.errors).toEqual([]);
    expect(m.log.filter((l) => l.startsWith('GET')).sort()).toEqual(['GET Namespace//shop', 'GET Service/shop/web']);
    expect(m.log.filter((l) => l.startsWith('APPLY'))).toEqual(['APPLY ConfigMap/shop/cfg']);
    expect(second.synced).toBe(true);
    expect(second.writes).toBe(1);
    const live = m.store.get(m.key('ConfigMap', 'shop', 'cfg'));
    expect(second.fingerprints[objectId(cm('2'))]).toBe(fingerprint(cm('2'), live));
    m.log.length = 0;
    const steady = await syncApplication(request(m.client, [ns('1'), cm('2'), svc], second.fingerprints));
    expect(steady.writes).toBe(0); // unchanged: every object is read, none written
    expect(m.log.filter((l) => l.startsWith('GET'))).toHaveLength(3);
    expect(steady.synced).toBe(true);
  });

  it('reads a changed object whose apply failed or never ran, so status shows what the member holds', async () => {
    const m = fakeMember((o) => o.kind === 'Namespace');
    const seeded = fakeMember();
    const first = await syncApplication(request(seeded.client, [ns('1'), cm('1')], {}, { fullPruneCheck: true }));
    for (const [k, v] of seeded.store) m.store.set(k, v);
    const r = await syncApplication(request(m.client, [ns('2'), cm('2')], first.fingerprints));
    // The Namespace's apply fails, so the ConfigMap's wave never runs: both are read afterwards.
    expect(m.log).toEqual(['APPLY Namespace//shop', 'GET Namespace//shop', 'GET ConfigMap/shop/cfg']);
    expect(r.synced).toBe(false);
    expect(r.errors).toEqual([expect.stringMatching(/^\/Namespace\/\/shop: 422 refused/)]);
    expect(r.resources.map((x) => [x.kind, x.status])).toEqual([['Namespace', 'OutOfSync'], ['ConfigMap', 'OutOfSync']]);
    expect(r.pruneBlocked).toBe('apply failed');
  });

  it('reads everything in a dry run and when apply is off', async () => {
    const m = fakeMember();
    const first = await syncApplication(request(m.client, [cm('1')], {}, { fullPruneCheck: true }));
    for (const over of [{ dryRun: true }, { apply: false }]) {
      m.log.length = 0;
      const r = await syncApplication(request(m.client, [cm('2')], first.fingerprints, over));
      expect(m.log).toEqual(['GET ConfigMap/shop/cfg']);
      expect(r.writes).toBe(0);
      expect(r.synced).toBe(false);
    }
  });
});
