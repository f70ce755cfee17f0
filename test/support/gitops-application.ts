import type { Application } from '../../src/api/application.js';
import type { ClusterRegistry } from '../../src/clusters/registry.js';
import { RESOURCES_FINALIZER, type ApplicationDeps } from '../../src/gitops/controller/applications.js';
import type { GitCache } from '../../src/gitops/git/cache.js';
import type { KubeClient } from '../../src/kube/client.js';
import type { Informer } from '../../src/kube/informer.js';
import type { KubeObject } from '../../src/kube/types.js';
import type { Logger } from '../../src/util/log.js';

/**
 * One automated Application (meridian-system/web-us-east) of the checkout in `dir`, synced into a
 * member held in memory whose objects answer with `status()` (generation 1), and a hub that keeps
 * the Application and records each status it is sent. For unit tests of reconcileApplication.
 */
export function applicationFixture(dir: string, status: () => Record<string, unknown>): { d: ApplicationDeps; writes: Array<Application['status']>; current: () => Application } {
  const live = new Map<string, KubeObject>();
  const withStatus = (o: KubeObject) => ({ ...structuredClone(o), metadata: { ...o.metadata, generation: 1 }, status: status() });
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
  hub.patchStatus = (v: string, k: string, n: string, ns: string | undefined, s: unknown) => hub.mergePatch(v, k, n, ns, { status: s });
  const d: ApplicationDeps = {
    hub, log: { warn() { /* quiet */ } } as unknown as Logger, resyncMs: 20_000,
    registry: { get: () => ({ ready: true, client: member }) } as unknown as ClusterRegistry,
    git: { checkout: async () => ({ dir, sha: 'a'.repeat(40) }), generation: () => 0 } as unknown as GitCache,
    apps: { hasSynced: () => true, get: () => app } as unknown as Informer<Application>,
    written: new Map(), fullChecks: new Map(), settles: new Map(),
  };
  return { d, writes, current: () => app };
}
