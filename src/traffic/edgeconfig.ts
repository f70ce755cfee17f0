import type { KubeClient } from '../kube/client.js';
import type { Logger } from '../util/log.js';
import { parseEndpoint } from './dnsclient.js';
import { EdgeSync } from './edge.js';

/**
 * Reads the edge DNS settings from a hub Secret (`namespace/name`): `server` (host:port of the
 * primary), `zones` (comma-separated GSLB zones to push), `keyName` and `secret` (the base64
 * hmac-sha256 TSIG secret). Errors name the Secret and the key, never the secret's value.
 */
export async function loadEdges(hub: KubeClient, ref: string, log: Logger): Promise<Map<string, EdgeSync>> {
  const [namespace, name] = ref.includes('/') ? ref.split('/') : ['meridian-system', ref];
  const secret = await hub.get<{ data?: Record<string, string> }>('v1', 'Secret', name, namespace);
  if (!secret) throw new Error(`--gslb-edge-secret: Secret ${namespace}/${name} not found`);
  const field = (k: string) => {
    const v = secret.data?.[k];
    if (!v) throw new Error(`Secret ${namespace}/${name}: data.${k} is missing`);
    return Buffer.from(v, 'base64').toString('utf8').trim();
  };
  const server = parseEndpoint(field('server'));
  const key = { name: field('keyName'), algorithm: 'hmac-sha256' as const, secret: Buffer.from(field('secret'), 'base64') };
  if (key.secret.length === 0) throw new Error(`Secret ${namespace}/${name}: data.secret is not a base64 TSIG secret`);
  const zones = field('zones').split(',').map((z) => z.trim().toLowerCase()).filter(Boolean);
  return new Map(zones.map((zone) => [zone, new EdgeSync({ server, zone, key }, log.child({ component: 'edge-dns' }))]));
}
