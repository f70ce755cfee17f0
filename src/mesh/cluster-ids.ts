import { API_VERSION } from '../api/schema.js';
import type { Cluster } from '../api/cluster.js';
import type { KubeClient } from '../kube/client.js';

/** The Cluster annotation that holds a member's ClusterMesh ID (1-255). */
export const CLUSTER_ID_ANNOTATION = 'mesh.meridian.dev/cluster-id';

/** ClusterMesh IDs recorded on the hub's Cluster objects (malformed values are left out). */
export async function readClusterIds(hub: KubeClient): Promise<Record<string, number>> {
  const out: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const c of (await hub.list<Cluster>(API_VERSION, 'Cluster')).items) {
    const id = Number(c.metadata?.annotations?.[CLUSTER_ID_ANNOTATION]);
    if (Number.isInteger(id) && id >= 1 && id <= 255) out[c.metadata?.name ?? ''] = id;
  }
  return out;
}

/** Records IDs on the Cluster objects (a merge patch of one annotation). */
export async function writeClusterIds(hub: KubeClient, ids: Record<string, number>): Promise<void> {
  for (const [name, id] of Object.entries(ids)) {
    await hub.mergePatch(API_VERSION, 'Cluster', name, undefined, { metadata: { annotations: { [CLUSTER_ID_ANNOTATION]: String(id) } } });
  }
}
