import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { translateObject } from '../../src/api/translate.js';
import type { GlobalService } from '../../src/api/globalservice.js';
import type { KubeObject } from '../../src/kube/types.js';

const gslb = (apiVersion: string, strategy: string) => parse(`
apiVersion: ${apiVersion}
kind: Gslb
metadata: { name: test-gslb, namespace: test-gslb }
spec:
  ingress:
    ingressClassName: nginx
    rules:
      - host: roundrobin.cloud.example.com
        http:
          paths:
            - path: /healthz
              pathType: Prefix
              backend: { service: { name: frontend-podinfo, port: { name: http } } }
  strategy:
${strategy}
`) as KubeObject;

describe('k8gb Gslb translation for meridian apply -f', () => {
  it.each(['k8gb.absa.oss/v1beta1', 'k8gb.io/v1beta1'])('translates failover with primaryGeoTag (%s)', (apiVersion) => {
    const [gs] = translateObject(gslb(apiVersion, '    type: failover\n    primaryGeoTag: eu-west\n    dnsTtlSeconds: 5\n    splitBrainThresholdSeconds: 300')) as GlobalService[];
    expect(gs).toMatchObject({
      apiVersion: 'meridian.dev/v1alpha1', kind: 'GlobalService', metadata: { name: 'test-gslb', namespace: 'test-gslb' },
      spec: { hostnames: ['roundrobin.cloud.example.com'], ttlSeconds: 5, policy: { type: 'failover', primaryRegion: 'eu-west' }, healthCheck: { protocol: 'http', path: '/healthz', host: 'roundrobin.cloud.example.com' } },
    });
    expect(gs.metadata?.annotations?.['meridian.dev/translated-from']).toBe(`${apiVersion}/Gslb`);
  });

  it('translates roundRobin, weighted roundRobin, and geoip (with a note that its table must be added)', () => {
    expect((translateObject(gslb('k8gb.io/v1beta1', '    type: roundRobin'))[0] as GlobalService).spec).toMatchObject({ policy: { type: 'roundRobin' }, ttlSeconds: 30 });
    expect((translateObject(gslb('k8gb.io/v1beta1', '    type: roundRobin\n    weight: { eu: 5, us: "10%" }'))[0] as GlobalService).spec.policy).toEqual({ type: 'weighted', weights: { eu: 5, us: 10 } });
    const geo = translateObject(gslb('k8gb.io/v1beta1', '    type: geoip'))[0] as GlobalService;
    expect(geo.spec.policy).toEqual({ type: 'geo', geo: { rules: [] } });
    expect(geo.metadata?.annotations?.['meridian.dev/translation-note']).toMatch(/geo.rules/);
  });

  it('names the object and field when the Gslb cannot be translated', () => {
    expect(() => translateObject(gslb('k8gb.io/v1beta1', '    type: failover'))).toThrow('k8gb.io/v1beta1 Gslb test-gslb/test-gslb: spec.strategy.primaryGeoTag is required for type failover');
    expect(() => translateObject(gslb('k8gb.io/v1beta1', '    type: nearest'))).toThrow(/spec.strategy.type "nearest" is not one of/);
    expect(() => translateObject({ apiVersion: 'k8gb.io/v1beta1', kind: 'Gslb', metadata: { name: 'x', namespace: 'y' }, spec: {} })).toThrow(/spec.ingress.rules\[\].host/);
  });
});
