import { hubCrdObjects } from '../api/crds.js';
import type { KubeClient } from '../kube/client.js';
import { isConflict } from '../kube/errors.js';
import { waitFor } from '../util/wait.js';

/** The namespace of Meridian's own objects, on the hub and in members. */
export const SYSTEM_NAMESPACE = 'meridian-system';

/** Creates a namespace if it does not exist. */
export async function ensureNamespace(client: KubeClient, name: string): Promise<void> {
  try {
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  } catch (err) {
    if (!isConflict(err)) throw err;
  }
}

/** Applies CRDs with server-side apply and waits until each is Established. */
export async function applyCrds(client: KubeClient, crds: Array<Record<string, unknown>>, timeoutMs = 30_000): Promise<string[]> {
  const names: string[] = [];
  for (const crd of crds) {
    await client.apply(crd as { apiVersion: string; kind: string; metadata: { name: string } });
    names.push((crd.metadata as { name: string }).name);
  }
  await waitFor(async () => {
    for (const name of names) {
      const got = await client.get<{ status?: { conditions?: Array<{ type: string; status: string }> } } & { apiVersion: string }>('apiextensions.k8s.io/v1', 'CustomResourceDefinition', name);
      if (!got?.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) return false;
    }
    return true;
  }, { timeoutMs, intervalMs: 100, what: `CRDs ${names.join(', ')} established` });
  client.discovery.invalidate();
  return names;
}

/** Installs Meridian on the hub: its namespace and every CRD. */
export async function installHub(hub: KubeClient): Promise<string[]> {
  await ensureNamespace(hub, SYSTEM_NAMESPACE);
  return applyCrds(hub, hubCrdObjects());
}
