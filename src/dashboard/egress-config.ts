import YAML from 'yaml';
import type { KubeClient } from '../kube/client.js';
import type { KubeObject } from '../kube/types.js';
import { DEFAULT_EGRESS, type EgressConfig } from './egress.js';

/** The hub ConfigMap (in meridian-system) that holds the egress price table and request volumes. */
export const EGRESS_CONFIGMAP = 'meridian-egress';

type Volume = EgressConfig['defaultVolume'];

function num(where: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`${where}: expected a non-negative number, got ${JSON.stringify(v)}`);
  return v;
}

function table(where: string, v: unknown): Record<string, number> {
  if (v === undefined) return {};
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`${where}: expected a map of numbers`);
  const out: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const [k, x] of Object.entries(v)) out[k] = num(`${where}.${k}`, x);
  return out;
}

function volume(where: string, v: unknown, fallback: Volume): Volume {
  if (v === undefined) return fallback;
  const o = v as Record<string, unknown>;
  return { requestsPerSecond: num(`${where}.requestsPerSecond`, o.requestsPerSecond ?? fallback.requestsPerSecond), bytesPerRequest: num(`${where}.bytesPerRequest`, o.bytesPerRequest ?? fallback.bytesPerRequest) };
}

/**
 * Parses the `config.yaml` key of the egress ConfigMap over the defaults: `currency`,
 * `defaultPerGb`, `perRegion` {region: price}, `pairs` {"from>to": price}, `defaultVolume` and
 * `volumes` {dnsName: {requestsPerSecond, bytesPerRequest}}. Errors name the ConfigMap and field.
 */
export function parseEgressConfig(text: string | undefined, where = `ConfigMap meridian-system/${EGRESS_CONFIGMAP} config.yaml`): EgressConfig {
  if (!text?.trim()) return DEFAULT_EGRESS;
  const raw = YAML.parse(text) as Record<string, unknown> | null;
  if (!raw || typeof raw !== 'object') throw new Error(`${where}: expected a mapping`);
  const defaultVolume = volume(`${where}: defaultVolume`, raw.defaultVolume, DEFAULT_EGRESS.defaultVolume);
  const volumes: Record<string, Volume> = Object.create(null) as Record<string, Volume>;
  for (const [k, v] of Object.entries((raw.volumes ?? {}) as Record<string, unknown>)) volumes[k.toLowerCase().replace(/\.$/, '')] = volume(`${where}: volumes.${k}`, v, defaultVolume);
  return {
    currency: typeof raw.currency === 'string' ? raw.currency.slice(0, 8) : DEFAULT_EGRESS.currency,
    defaultPerGb: raw.defaultPerGb === undefined ? DEFAULT_EGRESS.defaultPerGb : num(`${where}: defaultPerGb`, raw.defaultPerGb),
    perRegion: raw.perRegion === undefined ? DEFAULT_EGRESS.perRegion : table(`${where}: perRegion`, raw.perRegion),
    pairs: table(`${where}: pairs`, raw.pairs), defaultVolume, volumes,
  };
}

/** Reads the egress ConfigMap from the hub; the defaults when it does not exist. */
export async function loadEgressConfig(hub: KubeClient, namespace: string): Promise<EgressConfig> {
  const cm = await hub.get<KubeObject & { data?: Record<string, string> }>('v1', 'ConfigMap', EGRESS_CONFIGMAP, namespace);
  return parseEgressConfig(cm?.data?.['config.yaml']);
}
