import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Application } from '../../src/api/application.js';
import { reconcileApplication, RESOURCES_FINALIZER, type ApplicationDeps } from '../../src/gitops/controller/applications.js';
import { onlyMessagesDiffer } from '../../src/gitops/controller/status.js';
import type { GitCache } from '../../src/gitops/git/cache.js';
import type { KubeClient } from '../../src/kube/client.js';
import type { KubeObject } from '../../src/kube/types.js';
import type { ClusterRegistry } from '../../src/clusters/registry.js';
import type { Informer } from '../../src/kube/informer.js';
import type { Logger } from '../../src/util/log.js';

// A settling re-check of a rollout finds the same statuses with other messages ("1 of 2 updated
// replicas", "0 applied, 0 pruned"). Such a status is written at most once per resync interval; any
// change of a status, revision or fingerprint is written at once.

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gitops-status-writes-'));
  await writeFile(join(dir, 'deploy.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  replicas: 2\n');
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** A member whose Deployment reports `updated()` of 2 replicas updated; a hub that counts status writes. */
function deps(updated: () => number) {
  const live = new Map<string, KubeObject>();
  const withStatus = (o: KubeObject) => ({ ...structuredClone(o), metadata: { ...o.metadata, generation: 1 }, status: { observedGeneration: 1, replicas: 2, updatedReplicas: updated(), availableReplicas: updated() } });
  const member = {
    discovery: { resource: async () => ({ namespaced: true }), has: async () => true, invalidate() { /* none */ } },
    async get(_v: string, kind: string, name: string, ns?: string) { const o = live.get(`${kind}/${ns}/${name}`); return o && withStatus(o); },
    async apply(o: KubeObject) { live.set(`${o.kind}/${o.metadata?.namespace}/${o.metadata?.name}`, o); return withStatus(o); },
    async list() { return { items: [] }; },
  } as unknown as KubeClient;
  let app: Application = {
    apiVersion: 'meridian.dev/v1alpha1', kind: 'Application', metadata: { name: 'web-us-east', namespace: 'meridian-system', finalizers: [RESOURCES_FINALIZER], resourceVersion: '1', generation: 1 },
    spec: { source: { repoURL: 'https://git.example.test/fleet', path: '.' }, destination: { name: 'us-east' }, syncPolicy: { automated: { prune: true, selfHeal: true } } },
  } as Application;
  let rv = 1;
  const writes: Array<Application['status']> = [];
  const hub = { async mergePatch(_v: string, _k: string, _n: string, _ns: string, patch: { status: Application['status'] }) { writes.push(patch.status); app = { ...app, metadata: { ...app.metadata, resourceVersion: String(++rv) }, status: { ...app.status, ...patch.status } } as Application; return app; } } as unknown as KubeClient;
  hub.patchStatus = (v: string, k: string, n: string, ns: string | undefined, status: unknown) => hub.mergePatch(v, k, n, ns, { status });
  const d: ApplicationDeps = {
    hub, log: { warn() { /* quiet */ } } as unknown as Logger, resyncMs: 20_000,
    registry: { get: () => ({ ready: true, client: member }) } as unknown as ClusterRegistry,
    git: { checkout: async () => ({ dir, sha: 'a'.repeat(40) }) } as unknown as GitCache,
    apps: { hasSynced: () => true, get: () => app } as unknown as Informer<Application>,
    written: new Map(), fullChecks: new Map(), settles: new Map(), statusWrittenAt: new Map(),
  };
  return { d, writes, current: () => app };
}

const KEY = 'meridian-system/web-us-east';

describe('gitops: status writes of settling passes', () => {
  it('skips a status that differs only in messages within a resync interval, writes it after, and writes a change of health at once', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      let updated = 0;
      const { d, writes, current } = deps(() => updated);
      await reconcileApplication(d, KEY);
      expect(writes).toHaveLength(1); // the pass that applied
      expect(current().status?.health).toEqual({ status: 'Progressing', message: 'Deployment web: 0 of 2 updated replicas' });
      updated = 1;
      vi.advanceTimersByTime(1000);
      await reconcileApplication(d, KEY);
      expect(writes, 'progress and counts only: not written').toHaveLength(1);
      vi.advanceTimersByTime(20_000);
      await reconcileApplication(d, KEY);
      expect(writes, 'a resync interval later the messages are written').toHaveLength(2);
      expect(current().status?.health?.message).toBe('Deployment web: 1 of 2 updated replicas');
      updated = 2;
      vi.advanceTimersByTime(1000);
      await reconcileApplication(d, KEY);
      expect(writes, 'Healthy is written at once').toHaveLength(3);
      expect(current().status?.health?.status).toBe('Healthy');
    } finally {
      vi.useRealTimers();
    }
  });

  it('onlyMessagesDiffer: messages at any depth do not count, statuses and other fields do', () => {
    const base = { sync: { status: 'Synced' as const, revision: 'abc' }, health: { status: 'Progressing' as const, message: 'a' }, conditions: [{ type: 'Reconciled', status: 'True' as const, reason: 'Succeeded', message: '2 applied', lastTransitionTime: 't' }] };
    expect(onlyMessagesDiffer(base, { ...base, health: { status: 'Progressing', message: 'b' }, conditions: [{ ...base.conditions[0], message: '0 applied' }] })).toBe(true);
    expect(onlyMessagesDiffer(base, { ...base, health: { status: 'Healthy' } })).toBe(false);
    expect(onlyMessagesDiffer(base, { ...base, sync: { status: 'Synced', revision: 'def' } })).toBe(false);
    expect(onlyMessagesDiffer(base, { ...base, conditions: [{ ...base.conditions[0], status: 'False' }] })).toBe(false);
    expect(onlyMessagesDiffer(undefined, base)).toBe(false);
  });
});
