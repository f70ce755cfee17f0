import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Application } from '../../src/api/application.js';
import type { ApplicationSet } from '../../src/api/applicationset.js';
import { API_VERSION } from '../../src/api/schema.js';
import type { ClusterRegistry } from '../../src/clusters/registry.js';
import { reconcileAppSet, type AppSetDeps } from '../../src/gitops/controller/appsets.js';
import { GitCache } from '../../src/gitops/git/cache.js';
import { Informer } from '../../src/kube/informer.js';
import { silentLogger } from '../../src/util/log.js';
import { waitFor } from '../../src/util/wait.js';
import { startEnvtest, type Envtest } from '../support/envtest.js';

let env: Envtest;
let deps: AppSetDeps;
const NS = 'meridian-system';
const KEY = `${NS}/shop`;

const setWith = (generators: unknown[], annotations: Record<string, string> = {}, syncPolicy?: unknown) => ({
  apiVersion: API_VERSION, kind: 'ApplicationSet', metadata: { name: 'shop', namespace: NS, annotations },
  spec: {
    generators, syncPolicy: { applicationsSync: 'sync' },
    template: { metadata: { name: 'shop-{{cluster}}' }, spec: { source: { repoURL: 'file:///nowhere', path: 'shop' }, destination: { name: '{{cluster}}' }, ...(syncPolicy === undefined ? {} : { syncPolicy }) } },
  },
});
/** Applications as the API server has them now (not the cache, which may lag a deletion). */
const liveApps = async () => (await env.client.list<Application>(API_VERSION, 'Application', { namespace: NS })).items;
const listGen = (...clusters: string[]) => [{ list: { elements: clusters.map((cluster) => ({ cluster })) } }];
const appNames = () => deps.apps.list().map((a) => a.metadata?.name).sort();

async function reconcileWith(set: ReturnType<typeof setWith>): Promise<ApplicationSet> {
  const applied = await env.client.apply(set as unknown as ApplicationSet);
  await waitFor(() => deps.appsets.get(KEY)?.metadata?.resourceVersion === applied.metadata?.resourceVersion, { timeoutMs: 10_000, what: 'appset cache' });
  await reconcileAppSet(deps, KEY);
  return (await env.client.get<ApplicationSet>(API_VERSION, 'ApplicationSet', 'shop', NS)) as ApplicationSet;
}

beforeAll(async () => {
  env = await startEnvtest({ name: 'gitops-appset' });
  const registry = { clusterObjects: () => [] } as unknown as ClusterRegistry;
  deps = {
    hub: env.client, registry, git: new GitCache({ dir: '/tmp/meridian-appset-test-cache', pollIntervalMs: 1000, allowFileRepos: true }), log: silentLogger, resyncMs: 10_000,
    appsets: new Informer<ApplicationSet>(env.client, { apiVersion: API_VERSION, kind: 'ApplicationSet' }).start(),
    apps: new Informer<Application>(env.client, { apiVersion: API_VERSION, kind: 'Application' }).start(),
  };
  // As serve does: nothing is reconciled before both caches have synced.
  await Promise.all([deps.appsets.waitForSync(), deps.apps.waitForSync()]);
});
afterAll(async () => {
  deps?.appsets.stop();
  deps?.apps.stop();
  await env?.stop();
});

describe('ApplicationSet reconcile on a real kube-apiserver', () => {
  it('creates one Application per generated element, owned by the set', async () => {
    await reconcileWith(setWith(listGen('us-east', 'eu-west')));
    await waitFor(() => appNames().length === 2, { timeoutMs: 10_000, what: 'two applications', onTimeout: () => appNames().join(',') });
    expect(appNames()).toEqual(['shop-eu-west', 'shop-us-east']);
    expect(deps.apps.get(`${NS}/shop-us-east`)?.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'ApplicationSet', name: 'shop', controller: true });
  });

  it('keeps every Application when a generator fails, and says why', async () => {
    const set = await reconcileWith(setWith([{ git: { repoURL: 'file:///no/such/repo', directories: [{ path: '*' }] } }]));
    expect(set.status?.conditions?.find((c) => c.type === 'ParametersGenerated')).toMatchObject({ status: 'False', reason: 'ErrorOccurred' });
    expect(set.status?.conditions?.find((c) => c.type === 'ParametersGenerated')?.message).toMatch(/spec\.generators\[0\]\.git|git source file:\/\/\/no\/such\/repo/);
    expect((await liveApps()).filter((a) => !a.metadata?.deletionTimestamp).map((a) => a.metadata?.name).sort()).toEqual(['shop-eu-west', 'shop-us-east']);
  });

  it('keeps every Application when generators return nothing, until that is explicitly allowed', async () => {
    let set = await reconcileWith(setWith([{ list: { elements: [] } }]));
    expect(set.status?.conditions?.find((c) => c.type === 'DeletionGuard')).toMatchObject({ status: 'True', reason: 'EmptyGeneration' });
    expect((await liveApps()).filter((a) => !a.metadata?.deletionTimestamp).map((a) => a.metadata?.name).sort()).toEqual(['shop-eu-west', 'shop-us-east']);
    set = await reconcileWith(setWith([{ list: { elements: [] } }], { 'meridian.dev/allow-empty': 'true' }));
    await waitFor(async () => (await env.client.list(API_VERSION, 'Application', { namespace: NS })).items.every((a) => a.metadata?.deletionTimestamp), { timeoutMs: 10_000, what: 'applications deleted' });
    expect(set.status?.conditions?.find((c) => c.type === 'DeletionGuard')?.status).toBe('False');
  });

  it('deletes an Application whose element is gone, under the sync policy', async () => {
    await reconcileWith(setWith(listGen('ap-south', 'us-east')));
    await waitFor(() => appNames().includes('shop-ap-south'), { timeoutMs: 10_000, what: 'ap-south application' });
    await reconcileWith(setWith(listGen('ap-south')));
    await waitFor(async () => {
      const live = (await env.client.list(API_VERSION, 'Application', { namespace: NS })).items.filter((a) => !a.metadata?.deletionTimestamp);
      return live.map((a) => a.metadata?.name).join(',') === 'shop-ap-south';
    }, { timeoutMs: 10_000, what: 'only shop-ap-south left' });
  });

  it('creates Applications without automated sync when the template has `automated:` with nothing under it (ArgoCD: manual sync)', async () => {
    // Before the fix the null went to the hub, which answered 422 on every pass, and the set's status never said why.
    // PUT, not server-side apply: an apply configuration's null means "drop the field", a stored object keeps it.
    const current = await env.client.get<ApplicationSet>(API_VERSION, 'ApplicationSet', 'shop', NS) as ApplicationSet;
    const stored = await env.client.replace({ ...current, spec: setWith(listGen('ap-south'), {}, { automated: null }).spec } as unknown as ApplicationSet);
    expect(JSON.stringify(stored.spec.template)).toContain('"automated":null');
    await waitFor(() => deps.appsets.get(KEY)?.metadata?.resourceVersion === stored.metadata?.resourceVersion, { timeoutMs: 10_000, what: 'appset cache' });
    await reconcileAppSet(deps, KEY);
    const set = (await env.client.get<ApplicationSet>(API_VERSION, 'ApplicationSet', 'shop', NS)) as ApplicationSet;
    const app = (await liveApps()).find((a) => a.metadata?.name === 'shop-ap-south');
    expect(app?.spec.syncPolicy?.automated).toBeUndefined();
    expect(set.status?.conditions?.find((c) => c.type === 'ResourcesUpToDate')).toMatchObject({ status: 'True' });
  });

  it('records an Application the hub refuses (422) as a condition and an Event on the ApplicationSet, without throwing for a retry', async () => {
    const set = await reconcileWith(setWith(listGen('ap-south'), {}, { pruneConfirmShare: 7 }));
    const cond = set.status?.conditions?.find((c) => c.type === 'ResourcesUpToDate');
    expect(cond).toMatchObject({ status: 'False', reason: 'ApplicationRejected' });
    expect(cond?.message).toMatch(/shop-ap-south.*422/);
    const events = (await env.client.list<{ apiVersion: string; kind: string; involvedObject: { kind: string; name: string }; reason: string; type: string }>('v1', 'Event', { namespace: NS })).items;
    expect(events.filter((e) => e.involvedObject.kind === 'ApplicationSet' && e.involvedObject.name === 'shop' && e.reason === 'ApplicationRejected' && e.type === 'Warning')).toHaveLength(1);
    // The same failure on the next pass is not a new Event.
    await waitFor(() => deps.appsets.get(KEY)?.status?.conditions?.some((c) => c.reason === 'ApplicationRejected'), { timeoutMs: 10_000, what: 'status in the cache' });
    await reconcileAppSet(deps, KEY);
    const again = (await env.client.list<{ apiVersion: string; kind: string; reason: string }>('v1', 'Event', { namespace: NS })).items.filter((e) => e.reason === 'ApplicationRejected');
    expect(again).toHaveLength(1);
  });

  it('writes none of the Applications that share a name, keeps the one there, and says why (ArgoCD: duplicate name)', async () => {
    // Parameter sets are not deduplicated (ArgoCD keeps them); two elements that render one name are an error for that name only.
    const set = await reconcileWith(setWith(listGen('ap-south', 'ap-south', 'eu-west')));
    await waitFor(() => appNames().includes('shop-eu-west'), { timeoutMs: 10_000, what: 'eu-west application', onTimeout: () => appNames().join(',') });
    const cond = set.status?.conditions?.find((c) => c.type === 'ResourcesUpToDate');
    expect(cond).toMatchObject({ status: 'False', reason: 'ApplicationRejected' });
    expect(cond?.message).toContain('ApplicationSet shop contains applications with duplicate name: shop-ap-south');
    expect((await liveApps()).filter((a) => !a.metadata?.deletionTimestamp).map((a) => a.metadata?.name).sort()).toEqual(['shop-ap-south', 'shop-eu-west']);
  });
});
