import type { GlobalService, GlobalServiceSpec, Policy } from '../api/globalservice.js';
import { API_VERSION } from '../api/schema.js';
import type { KubeObject } from '../kube/types.js';

interface GslbStrategy {
  type?: string;
  primaryGeoTag?: string;
  dnsTtlSeconds?: number;
  splitBrainThresholdSeconds?: number;
  weight?: Record<string, number | string>;
}

interface Gslb extends KubeObject {
  spec?: {
    ingress?: { rules?: Array<{ host?: string; http?: { paths?: Array<{ path?: string }> } }> };
    resourceRef?: { kind?: string; name?: string; matchLabels?: Record<string, string> };
    strategy?: GslbStrategy;
  };
}

/** Annotation that records what the translation could not carry over. */
export const TRANSLATION_NOTE = 'meridian.dev/translation-note';

/**
 * Translates a k8gb `Gslb` (k8gb.absa.oss/v1beta1 or k8gb.io/v1beta1) into a GlobalService:
 * hostnames from the embedded Ingress rules, `failover` with primaryGeoTag as the primary region,
 * `roundRobin` (weighted when `weight` is set), `geoip` as `geo` (its client table must be added:
 * Meridian needs no GeoIP database), dnsTtlSeconds as the TTL, and k8gb's readiness check as an
 * HTTP check of the first rule's path on each region's ingress.
 */
export function translateGslb(obj: KubeObject): KubeObject[] {
  const gslb = obj as Gslb;
  const where = `${obj.apiVersion} Gslb ${obj.metadata?.namespace ?? 'default'}/${obj.metadata?.name ?? '?'}`;
  const rules = gslb.spec?.ingress?.rules ?? [];
  const hostnames = [...new Set(rules.map((r) => r.host).filter((h): h is string => Boolean(h)))];
  if (hostnames.length === 0) throw new Error(`${where}: spec.ingress.rules[].host: no hostname to answer${gslb.spec?.resourceRef ? ' (spec.resourceRef is resolved in the cluster; list the hosts in spec.ingress.rules to translate it)' : ''}`);
  const strategy = gslb.spec?.strategy ?? {};
  const { policy, note } = translateStrategy(strategy, where);
  const spec: GlobalServiceSpec = {
    hostnames, policy, ttlSeconds: strategy.dnsTtlSeconds ?? 30, address: { from: 'Cluster' },
    healthCheck: { protocol: 'http', path: rules[0]?.http?.paths?.[0]?.path ?? '/', host: hostnames[0], intervalSeconds: 10, timeoutSeconds: 2, failureThreshold: 3, successThreshold: 1 },
  };
  const annotations = { ...(obj.metadata?.annotations ?? {}), 'meridian.dev/translated-from': `${obj.apiVersion}/Gslb`, ...(note ? { [TRANSLATION_NOTE]: note } : {}) };
  const gs: GlobalService = {
    apiVersion: API_VERSION, kind: 'GlobalService',
    metadata: { name: obj.metadata?.name, namespace: obj.metadata?.namespace, labels: obj.metadata?.labels, annotations }, spec,
  };
  return [gs];
}

function translateStrategy(s: GslbStrategy, where: string): { policy: Policy; note?: string } {
  switch (s.type ?? 'roundRobin') {
    case 'failover':
      if (!s.primaryGeoTag) throw new Error(`${where}: spec.strategy.primaryGeoTag is required for type failover`);
      return { policy: { type: 'failover', primaryRegion: s.primaryGeoTag } };
    case 'roundRobin':
      if (s.weight && Object.keys(s.weight).length) return { policy: { type: 'weighted', weights: weights(s.weight, where) } };
      return { policy: { type: 'roundRobin' } };
    case 'geoip':
      return { policy: { type: 'geo', geo: { rules: [] } }, note: 'geoip: add spec.policy.geo.rules (client CIDRs -> regions); until then every healthy region is answered' };
    default:
      throw new Error(`${where}: spec.strategy.type "${s.type}" is not one of roundRobin, failover, geoip`);
  }
}

function weights(w: Record<string, number | string>, where: string): Record<string, number> {
  return Object.fromEntries(Object.entries(w).map(([region, v]) => {
    const n = Number(String(v).replace(/%$/, ''));
    if (!Number.isInteger(n) || n < 0) throw new Error(`${where}: spec.strategy.weight.${region}: expected a non-negative integer, got "${v}"`);
    return [region, n];
  }));
}
