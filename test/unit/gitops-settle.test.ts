import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Application } from '../../src/api/application.js';
import { reconcileApplication, RESOURCES_FINALIZER, type ApplicationDeps } from '../../src/gitops/controller/applications.js';
import type { GitCache } from '../../src/gitops/git/cache.js';
import type { KubeClient } from '../../src/kube/client.js';
import type { KubeObject } from '../../src/kube/types.js';
import type { ClusterRegistry } from '../../src/clusters/registry.js';
import type { Informer } from '../../src/kube/informer.js';
import type { Logger } from '../../src/util/log.js';

// An Application whose Deployment is still rolling out is looked at again 1 s after the pass that
// applied it, then after 2, 4, 8 s... (up to the resync interval) while nothing changes, not every
// second: a commit to many Applications otherwise re-read all of them each second.

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gitops-settle-'));
  await writeFile(join(dir, 'deploy.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  replicas: 1\n');
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

function deps(progressing: () => boolean): ApplicationDeps {
  const live = new Map<string, KubeObject>();
  const withStatus = (o: KubeObject) => ({ ...structuredClone(o), metadata: { ...o.metadata, generation: 1 }, status: progressing() ? { observedGeneration: 1, replicas: 1, updatedReplicas: 0 } : { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1 } });
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
  const hub = { async mergePatch(_v: string, _k: string, _n: string, _ns: string, patch: { status: Application['status'] }) { app = { ...app, metadata: { ...app.metadata, resourceVersion: String(++rv) }, status: { ...app.status, ...patch.status } } as Application; return app; } } as unknown as KubeClient;
  hub.patchStatus = (v: string, k: string, n: string, ns: string | undefined, status: unknown) => hub.mergePatch(v, k, n, ns, { status });
  return {
    hub, log: { warn() { /* quiet */ } } as unknown as Logger, resyncMs: 20_000,
    registry: { get: () => ({ ready: true, client: member }) } as unknown as ClusterRegistry,
    git: { checkout: async () => ({ dir, sha: 'a'.repeat(40) }) } as unknown as GitCache,
    apps: { hasSynced: () => true, get: () => app } as unknown as Informer<Application>,
    written: new Map(), fullChecks: new Map(), settles: new Map(),
  };
}

describe('gitops: re-checking an Application that is settling', () => {
  it('waits 1 s after the pass that applied, then twice as long each time, up to the resync interval; a settled pass goes back to the resync', async () => {
    let rolling = true;
    const d = deps(() => rolling);
    const delays: number[] = [];
    for (let i = 0; i < 7; i++) delays.push(((await reconcileApplication(d, 'meridian-system/web-us-east')) as { requeueAfterMs: number }).requeueAfterMs);
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16_000, 20_000, 20_000]);
    rolling = false;
    expect(await reconcileApplication(d, 'meridian-system/web-us-east')).toEqual({ requeueAfterMs: 20_000 });
    expect(d.settles?.size).toBe(0);
    rolling = true;
    expect(await reconcileApplication(d, 'meridian-system/web-us-east')).toEqual({ requeueAfterMs: 2000 }); // settling again, nothing written: the count restarted
  });
});
