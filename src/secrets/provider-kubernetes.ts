import type { KubeClient } from '../kube/client.js';
import { isNotFound } from '../kube/errors.js';
import type { KubeObject } from '../kube/types.js';

/** What an ExternalSecret asks for (external-secrets.io v1 / v1beta1, the fields the Kubernetes provider uses). */
export interface ExternalSecretSpec {
  secretStoreRef?: { name: string; kind?: 'SecretStore' | 'ClusterSecretStore' };
  refreshInterval?: string;
  target?: { name?: string; creationPolicy?: 'Owner' | 'Orphan' | 'Merge' | 'None'; deletionPolicy?: 'Retain' | 'Delete' | 'Merge' };
  data?: Array<{ secretKey: string; remoteRef: { key: string; property?: string } }>;
  dataFrom?: Array<{ extract?: { key: string } }>;
}

/** Thrown when a remote key does not exist (deletionPolicy decides what happens to the target). */
export class RemoteKeyMissing extends Error {}

interface RemoteSecret extends KubeObject { data?: Record<string, string> }

/**
 * Reads what the ExternalSecret names from the region's store namespace, with the store's own
 * scoped token (`store` is a client built from it): `remoteRef.key` is a Secret name there and
 * `property` one of its keys (without property: the whole Secret as JSON, as ESO does);
 * `dataFrom.extract` takes every key. Returns decoded values; they never reach a log or an error.
 */
export async function fetchKubernetesValues(store: KubeClient, remoteNamespace: string, spec: ExternalSecretSpec): Promise<Record<string, string>> {
  const cache = new Map<string, Record<string, string>>();
  const read = async (name: string) => {
    if (!cache.has(name)) {
      let s: RemoteSecret | undefined;
      try {
        s = await store.get<RemoteSecret>('v1', 'Secret', name, remoteNamespace);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      if (!s) throw new RemoteKeyMissing(`remote key ${remoteNamespace}/${name} not found`);
      cache.set(name, Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')])));
    }
    return cache.get(name) as Record<string, string>;
  };
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const from of spec.dataFrom ?? []) if (from.extract) Object.assign(out, await read(from.extract.key));
  for (const d of spec.data ?? []) {
    const values = await read(d.remoteRef.key);
    if (d.remoteRef.property === undefined) out[d.secretKey] = JSON.stringify(values);
    else if (d.remoteRef.property in values) out[d.secretKey] = values[d.remoteRef.property];
    else throw new RemoteKeyMissing(`remote key ${remoteNamespace}/${d.remoteRef.key} has no property "${d.remoteRef.property}"`);
  }
  return out;
}
