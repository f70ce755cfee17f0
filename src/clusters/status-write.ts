import { API_VERSION } from '../api/schema.js';
import type { Cluster, ClusterStatus } from '../api/cluster.js';
import type { KubeClient } from '../kube/client.js';
import { setCondition } from '../kube/conditions.js';
import { isConflict, isNotFound } from '../kube/errors.js';
import type { Condition } from '../kube/types.js';

/** One writer's part of a Cluster status: fields only it writes, and conditions of the types it owns. */
export interface ClusterStatusPart {
  fields?: Omit<ClusterStatus, 'conditions'>;
  conditions: Array<Omit<Condition, 'lastTransitionTime'> & { lastTransitionTime?: string }>;
}

/**
 * Writes one writer's part of a Cluster's status (the cluster manager's Ready and probe fields, the
 * doctor's check conditions). Its conditions are merged by type into the conditions as the API
 * server holds them now, never as a cache last saw them, and the patch carries the resourceVersion
 * read, so a concurrent writer's conditions are never dropped: a conflict re-reads and merges again.
 * lastTransitionTime moves only when a type's status changes. Returns false when the Cluster is gone.
 */
export async function writeClusterStatusPart(hub: KubeClient, name: string, part: ClusterStatusPart, attempts = 5): Promise<boolean> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const current = await hub.get<Cluster>(API_VERSION, 'Cluster', name);
    if (!current) return false;
    let conditions = (current.status?.conditions ?? []) as Condition[];
    for (const c of part.conditions) {
      const { lastTransitionTime: _ignored, ...rest } = c;
      conditions = setCondition(conditions, { ...rest, observedGeneration: rest.observedGeneration ?? current.metadata?.generation });
    }
    try {
      await hub.mergePatch(API_VERSION, 'Cluster', name, undefined, { metadata: { resourceVersion: current.metadata?.resourceVersion }, status: { ...(part.fields ?? {}), conditions } }, 'status');
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      if (!isConflict(err)) throw err;
    }
  }
  throw new Error(`Cluster ${name}: status kept changing; not written after ${attempts} attempts`);
}
