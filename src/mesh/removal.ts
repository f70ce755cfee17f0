import { API_VERSION } from '../api/schema.js';
import type { KubeClient } from '../kube/client.js';
import { ISTIO_NAMESPACE } from './istio-objects.js';
import { pruneRemoteSecrets } from './istio.js';
import type { MeshMember } from './members.js';
import { remoteSecretName } from './remote-secret.js';

/** Cluster label that keeps a member out of the Istio mesh until `mesh istio add`. */
export const ISTIO_EXCLUDED_LABEL = 'mesh.meridian.dev/istio-excluded';

/**
 * Takes a cluster out of the Istio mesh: its remote secret is deleted from every other member,
 * the remote secrets inside it are deleted, and its Cluster is labelled so later runs leave it out.
 * Its own control-plane objects stay (it remains a working single-cluster mesh).
 */
export async function removeFromIstio(hub: KubeClient, name: string, members: MeshMember[]): Promise<string[]> {
  const touched: string[] = [];
  for (const m of members) {
    if (m.name === name) {
      await pruneRemoteSecrets(m, new Set());
    } else if (await m.client.delete('v1', 'Secret', remoteSecretName(name), ISTIO_NAMESPACE)) {
      touched.push(m.name);
    }
  }
  await hub.mergePatch(API_VERSION, 'Cluster', name, undefined, { metadata: { labels: { [ISTIO_EXCLUDED_LABEL]: 'true' } } });
  return touched;
}

/** Lets a removed cluster back in (the next `mesh istio` run includes it). */
export async function readmitToIstio(hub: KubeClient, name: string): Promise<void> {
  await hub.mergePatch(API_VERSION, 'Cluster', name, undefined, { metadata: { labels: { [ISTIO_EXCLUDED_LABEL]: null } } });
}
