import { describe, expect, it } from 'vitest';
import type { GlobalService } from '../../src/api/globalservice.js';
import type { MemberCluster } from '../../src/clusters/registry.js';
import type { Informer } from '../../src/kube/informer.js';
import type { KubeObject } from '../../src/kube/types.js';
import { resolveBackends } from '../../src/traffic/backends.js';

function member(name: string, labels: Record<string, string>, ingressAddresses: string[] | undefined, objects: Record<string, KubeObject> = {}): MemberCluster {
  return {
    name, labels, ready: true, client: undefined as never,
    cluster: { apiVersion: 'meridian.dev/v1alpha1', kind: 'Cluster', metadata: { name }, spec: { server: 'https://x', secretRef: { name: 'n', namespace: 'ns' }, region: name, ingressAddresses, ingressPort: 18080 } },
    informer: <T extends KubeObject>() => ({ get: (key: string) => objects[key] as T | undefined }) as unknown as Informer<T>,
  };
}

const gs = (spec: Partial<GlobalService['spec']>): GlobalService => ({ metadata: { name: 'web', namespace: 'shop' }, spec: { hostnames: ['web.global.example.test'], policy: { type: 'roundRobin' }, ...spec } });

describe('backend resolution', () => {
  it('takes the selected members\' Cluster ingress addresses and port; a member without one is reported', () => {
    const r = resolveBackends(gs({ clusterSelector: { matchLabels: { env: 'production' } } }), [
      member('us-east', { env: 'production' }, ['127.0.13.1']), member('eu-west', { env: 'production' }, undefined), member('lab', { env: 'dev' }, ['127.0.13.9']),
    ]);
    expect(r.backends).toEqual([{ cluster: 'us-east', region: 'us-east', address: '127.0.13.1', port: 18080 }]);
    expect(r.unresolved).toEqual([{ cluster: 'eu-west', message: 'Cluster eu-west: spec.ingressAddresses is empty' }]);
  });

  it('reads the load-balancer status of a named Ingress in each member', () => {
    const lb = { 'shop/web': { status: { loadBalancer: { ingress: [{ ip: '127.0.13.5' }, { hostname: 'lb.example' }] } } } };
    const r = resolveBackends(gs({ address: { from: 'Ingress', name: 'web' }, healthCheck: { protocol: 'https', port: 8443 } }), [member('us-east', {}, ['127.0.13.1'], lb), member('eu-west', {}, ['127.0.13.2'])]);
    expect(r.backends).toEqual([{ cluster: 'us-east', region: 'us-east', address: '127.0.13.5', port: 8443 }]);
    expect(r.unresolved[0].message).toBe('Ingress shop/web in eu-west has no status.loadBalancer.ingress[].ip');
  });
});
