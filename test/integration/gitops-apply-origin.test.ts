import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApplicationSet } from '../../src/api/applicationset.js';
import { API_VERSION } from '../../src/api/schema.js';
import { translateObject } from '../../src/api/translate.js';
import { applyObjects } from '../../src/api/translate-apply.js';
import type { KubeObject } from '../../src/kube/types.js';
import { startEnvtest, type Envtest } from '../support/envtest.js';

let env: Envtest;
const NS = 'meridian-system';
const template = { metadata: { name: 'web-{{name}}' }, spec: { source: { repoURL: 'https://git.example.test/fleet.git', path: 'web' }, destination: { name: '{{name}}' } } };
const native: KubeObject = { apiVersion: API_VERSION, kind: 'ApplicationSet', metadata: { name: 'web-app', namespace: NS }, spec: { generators: [{ list: { elements: [] } }], template, strategy: { type: 'RollingSync', rollingSync: { steps: [] } } } };
const argo: KubeObject = { apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet', metadata: { name: 'web-app', namespace: 'argocd' }, spec: { generators: [{ list: { elements: [] } }], template: { metadata: template.metadata, spec: { source: template.spec.source, destination: { server: '{{server}}' } } } } };
const get = () => env.client.get<ApplicationSet>(API_VERSION, 'ApplicationSet', 'web-app', NS);

beforeAll(async () => {
  env = await startEnvtest({ name: 'apply-origin' });
});
afterAll(async () => env?.stop());

describe('meridian apply -f: where each object went, never a silent replacement', () => {
  it('says created, unchanged and configured, with the namespace the object landed in', async () => {
    expect(await applyObjects(env.client, [structuredClone(native)], { namespace: NS })).toEqual([{ source: 'applicationset/web-app', target: `${NS}/web-app`, kind: 'ApplicationSet', outcome: 'created' }]);
    expect((await applyObjects(env.client, [structuredClone(native)], { namespace: NS }))[0].outcome).toBe('unchanged');
    const changed = structuredClone(native);
    (changed.spec as { goTemplate?: boolean }).goTemplate = false;
    expect((await applyObjects(env.client, [changed], { namespace: NS }))[0].outcome).toBe('configured');
  });

  it('refuses to replace a native ApplicationSet with a translated ArgoCD one of the same name, unless forced', async () => {
    const translated = translateObject(structuredClone(argo));
    // Before the fix this replaced the native set (RollingSync strategy and all) and printed only "applied".
    await expect(applyObjects(env.client, translated, { namespace: NS })).rejects.toThrow(/argocd\/web-app.*already exists on the hub from meridian\.dev \(native\).*--force/);
    expect((await get())?.spec.strategy?.type).toBe('RollingSync');
    const forced = await applyObjects(env.client, translateObject(structuredClone(argo)), { namespace: NS, force: true });
    expect(forced).toEqual([{ source: 'applicationset/argocd/web-app (argoproj.io/v1alpha1/ApplicationSet)', target: `${NS}/web-app`, kind: 'ApplicationSet', outcome: 'configured' }]);
    expect((await get())?.metadata?.annotations?.['meridian.dev/translated-from']).toBe('argoproj.io/v1alpha1/ApplicationSet argocd/web-app');
    // The same ArgoCD object again is the same origin: applied without --force.
    expect((await applyObjects(env.client, translateObject(structuredClone(argo)), { namespace: NS }))[0].outcome).toBe('unchanged');
  });
});
