import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from '../../src/scheduling/kinds.js';
import { DELEGATE_CLUSTER_ANNOTATION, DELEGATE_NAMESPACE_ANNOTATION, DELEGATE_UID_ANNOTATION } from '../../src/scheduling/labels.js';
import { startEnvtest, type Envtest } from '../support/envtest.js';

// What the bursting path relies on from a real kube-apiserver, so that a server that behaves
// otherwise fails here and not in a fleet: a Binding's annotations are copied onto the pod (the
// proxy scheduler says where the delegate goes without a write of its own), and metadata sent to
// pods/status with the first mirrored status is kept (the delegate's uid rides along). The
// reflector has a fallback for a server that drops the latter (unit test); this shows which path
// the fleet's server takes.

describe('kube-apiserver contract of the bursting path', () => {
  let env: Envtest;

  beforeAll(async () => {
    env = await startEnvtest({ crds: [] });
    await env.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'burst' } });
    // No controller-manager here to make it; the ServiceAccount admission plugin wants it.
    await env.client.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'burst' }, automountServiceAccountToken: false });
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('copies a Binding\'s annotations onto the pod, and keeps annotations sent to pods/status with a status', async () => {
    const pod = await env.client.create<Pod>({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'burst' }, spec: { schedulerName: 'admiralty-proxy', containers: [{ name: 'c', image: 'nginx' }] } });
    const where = { [DELEGATE_CLUSTER_ANNOTATION]: 'eu-west', [DELEGATE_NAMESPACE_ANNOTATION]: 'burst-x' };
    await env.client.request('POST', '/api/v1/namespaces/burst/pods/web-1/binding', {
      body: { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'web-1', namespace: 'burst', uid: pod.metadata?.uid, annotations: where }, target: { apiVersion: 'v1', kind: 'Node', name: 'liqo-eu-west' } },
    });
    const bound = await env.client.get<Pod>('v1', 'Pod', 'web-1', 'burst');
    expect(bound?.spec?.nodeName).toBe('liqo-eu-west');
    expect(bound?.metadata?.annotations).toEqual(expect.objectContaining(where));

    const written = await env.client.mergePatch<Pod>('v1', 'Pod', 'web-1', 'burst', { metadata: { annotations: { [DELEGATE_UID_ANNOTATION]: 'remote-uid-1' } }, status: { phase: 'Running' } }, 'status');
    expect(written.metadata?.annotations?.[DELEGATE_UID_ANNOTATION]).toBe('remote-uid-1');
    const after = await env.client.get<Pod>('v1', 'Pod', 'web-1', 'burst');
    expect([after?.status?.phase, after?.metadata?.annotations?.[DELEGATE_UID_ANNOTATION], after?.metadata?.annotations?.[DELEGATE_CLUSTER_ANNOTATION]]).toEqual(['Running', 'remote-uid-1', 'eu-west']);
  });
});
