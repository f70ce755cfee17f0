import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEnvtest, type Envtest } from '../support/envtest.js';
import { prepareObjects } from '../../src/gitops/sync/prepare.js';
import { syncApplication, type SyncRequest, type SyncResult } from '../../src/gitops/sync/engine.js';
import type { KubeObject } from '../../src/kube/types.js';
import type { Application } from '../../src/api/application.js';
import { API_VERSION } from '../../src/api/schema.js';
import { statusFromSync, writeStatus } from '../../src/gitops/controller/status.js';

let env: Envtest;
const app = { name: 'shop-us-east', namespace: 'meridian-system' };

const cm = (name: string, data: Record<string, string> = { a: '1' }): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });
const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } };
// No protocol on the port: server-side apply on 1.20 rejects that unless Meridian fills in TCP.
const svc: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } };
const deploy: KubeObject = {
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' },
  spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:1', resources: { requests: { cpu: '0.1' } } }] } } },
};

async function run(rendered: KubeObject[], previous: SyncResult | undefined, over: Partial<SyncRequest> = {}): Promise<SyncResult> {
  const desired = await prepareObjects(rendered, env.client, app, 'shop');
  return syncApplication({
    appName: app.name, member: env.client, desired, previous: previous?.fingerprints ?? {},
    previousKinds: previous?.kinds ?? [],
    apply: true, selfHeal: false, prune: true, pruneConfirmShare: 0.5, pruneConfirmed: false, ...over,
  });
}

beforeAll(async () => {
  env = await startEnvtest({ name: 'gitops-sync' });
});
afterAll(async () => env?.stop());

describe('sync engine against a real kube-apiserver', () => {
  let last: SyncResult;

  it('applies everything once, then an unchanged desired state writes nothing', async () => {
    last = await run([ns, deploy, cm('a'), cm('b'), cm('c'), svc], undefined);
    expect(last.errors).toEqual([]);
    expect(last.writes).toBe(6);
    const live = await env.client.get<KubeObject & { spec: { template: { spec: { containers: Array<{ resources: { requests: { cpu: string } } }> } } } }>('apps/v1', 'Deployment', 'web', 'shop');
    expect(live?.metadata?.labels?.['meridian.dev/application']).toBe(app.name);
    expect(live?.spec.template.spec.containers[0].resources.requests.cpu).toBe('100m'); // normalised by the server
    const again = await run([ns, deploy, cm('a'), cm('b'), cm('c'), svc], last);
    expect(again.writes).toBe(0);
    expect(again.resources.every((r) => r.status === 'Synced')).toBe(true);
    last = again;
  });

  it('detects drift on managed fields; heals it only with selfHeal', async () => {
    await env.client.mergePatch('apps/v1', 'Deployment', 'web', 'shop', { spec: { replicas: 5 } });
    await env.client.mergePatch('v1', 'ConfigMap', 'a', 'shop', { metadata: { annotations: { 'not-managed': 'x' } } });
    const seen = await run([ns, deploy, cm('a'), cm('b'), cm('c'), svc], last, { selfHeal: false });
    expect(seen.writes).toBe(0);
    expect(seen.resources.filter((r) => r.status === 'OutOfSync').map((r) => r.name)).toEqual(['web']);
    const healed = await run([ns, deploy, cm('a'), cm('b'), cm('c'), svc], seen, { selfHeal: true });
    expect(healed.writes).toBe(1);
    expect((await env.client.get<KubeObject & { spec: { replicas: number } }>('apps/v1', 'Deployment', 'web', 'shop'))?.spec.replicas).toBe(2);
    last = healed;
  });

  it('prunes a tracked resource that is no longer rendered, and leaves untracked ones alone', async () => {
    await env.client.create({ ...cm('hand-made'), metadata: { name: 'hand-made', namespace: 'shop' } });
    const r = await run([ns, deploy, cm('a'), cm('b'), svc], last);
    expect(r.pruned).toEqual(['/ConfigMap/shop/c']);
    expect(await env.client.get('v1', 'ConfigMap', 'c', 'shop')).toBeUndefined();
    expect(await env.client.get('v1', 'ConfigMap', 'hand-made', 'shop')).toBeDefined();
    last = r;
  });

  it('holds a prune of more than the configured share until confirmed', async () => {
    const held = await run([ns], last);
    expect(held.pruned).toEqual([]);
    expect(held.pendingPrune.sort()).toEqual(['/ConfigMap/shop/a', '/ConfigMap/shop/b', '/Service/shop/web', 'apps/Deployment/shop/web']);
    expect(held.pruneBlocked).toMatch(/would delete 4 of 5 tracked resources/);
    expect(await env.client.get('v1', 'ConfigMap', 'a', 'shop')).toBeDefined();
    const confirmed = await run([ns], held, { pruneConfirmed: true });
    expect(confirmed.pruned.length).toBe(4);
    last = confirmed;
  });

  it('prunes nothing when a list of tracked resources fails', async () => {
    await run([ns, cm('x'), cm('y')], last).then((r) => (last = r));
    const broken = { ...last, kinds: [...last.kinds, { apiVersion: 'example.test/v1', kind: 'Gone' }] };
    const r = await run([ns, cm('x')], broken);
    expect(r.pruned).toEqual([]);
    expect(r.pruneBlocked).toMatch(/listing tracked resources failed/);
    expect(await env.client.get('v1', 'ConfigMap', 'y', 'shop')).toBeDefined();
  });

  it('writes Application status through the status subresource, and only when it changed', async () => {
    const appObj = await env.client.apply<Application>({ apiVersion: API_VERSION, kind: 'Application', metadata: { name: app.name, namespace: app.namespace },
      spec: { source: { repoURL: 'file:///nowhere', path: '.' }, destination: { name: 'us-east', namespace: 'shop' } } });
    expect(await writeStatus(env.client, appObj, statusFromSync(appObj, 'a'.repeat(40), last))).toBeDefined();
    const stored = await env.client.get<Application>(API_VERSION, 'Application', app.name, app.namespace);
    expect(stored?.status?.sync).toEqual({ status: 'Synced', revision: 'a'.repeat(40) });
    expect(stored?.status?.resources?.find((r) => r.kind === 'Namespace')?.group).toBeUndefined();
    expect(await writeStatus(env.client, stored as Application, statusFromSync(stored as Application, 'a'.repeat(40), { ...last, writes: 0 }, new Date(Date.now() + 60_000)))).toBeUndefined();
  });

  it('installs a CRD and waits for it to be established before its custom resources, in wave order', async () => {
    const crd: KubeObject = {
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.test' },
      spec: { group: 'example.test', scope: 'Namespaced', names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }] },
    };
    const widget: KubeObject = { apiVersion: 'example.test/v1', kind: 'Widget', metadata: { name: 'w1', annotations: { 'argocd.argoproj.io/sync-wave': '-1' } }, spec: { size: 3 } };
    const steps: string[] = [];
    const r = await run([widget, crd, ns], undefined, { prune: false, onProgress: (m) => steps.push(m) });
    expect(r.errors).toEqual([]);
    expect(steps).toEqual(['namespaces and CRDs: applying 2', 'wave -1: applying 1']);
    expect(await env.client.get('example.test/v1', 'Widget', 'w1', 'shop')).toBeDefined();
    expect(r.resources.find((x) => x.kind === 'CustomResourceDefinition')?.health).toBe('Healthy');
  });

  it('never prunes what an Application of the same name in another hub namespace applied', async () => {
    const twin = { name: 'twin', namespace: 'team-a' };
    const other = { name: 'twin', namespace: 'team-b' };
    for (const n of ['twin-a', 'twin-b']) await env.client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: n } });
    const sync = async (owner: typeof twin, dest: string, objs: KubeObject[]) => syncApplication({
      appName: owner.name, appNamespace: owner.namespace, member: env.client, desired: await prepareObjects(objs, env.client, owner, dest), previous: {}, previousKinds: [],
      apply: true, selfHeal: false, prune: true, pruneConfirmShare: 1, pruneConfirmed: false,
    });
    expect((await sync(twin, 'twin-a', [cm('mine-a')])).errors).toEqual([]);
    const r = await sync(other, 'twin-b', [cm('mine-b')]);
    // Before the fix the label (the name alone) matched team-a's ConfigMap and team-b's prune deleted it.
    expect(r.pruned).toEqual([]);
    expect(await env.client.get('v1', 'ConfigMap', 'mine-a', 'twin-a')).toBeDefined();
    // Its own leftovers are still pruned.
    const again = await sync(other, 'twin-b', [cm('mine-b2')]);
    expect(again.pruned).toEqual(['/ConfigMap/twin-b/mine-b']);
    expect(await env.client.get('v1', 'ConfigMap', 'mine-a', 'twin-a')).toBeDefined();
  });
});
