import { Histogram, type Registry } from 'prom-client';
import type { Reconciler } from '../controller/queue.js';

/**
 * Wraps the Application reconciler so each sync (render, diff, apply, prune, health) is timed per
 * member in meridian_gitops_sync_duration_seconds{cluster}; `clusterOf` maps an Application key to
 * its destination (unknown when the Application is gone).
 */
export function instrumentMemberSync(registry: Registry, clusterOf: (key: string) => string | undefined, reconcile: Reconciler): Reconciler {
  const duration = new Histogram({ name: 'meridian_gitops_sync_duration_seconds', help: 'Time one Application sync took, by member cluster.', labelNames: ['cluster'], buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120], registers: [registry] });
  return async (key, signal) => {
    const end = duration.startTimer();
    try {
      return await reconcile(key, signal);
    } finally {
      end({ cluster: clusterOf(key) ?? 'unknown' });
    }
  };
}
