import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Reconciler } from '../controller/queue.js';

interface ControllerMetrics {
  reconciles: Counter<'controller' | 'result'>;
  duration: Histogram<'controller'>;
  depth: Gauge<'controller'>;
  depthSources: Map<string, () => number>;
}

const byRegistry = new WeakMap<Registry, ControllerMetrics>();

function metricsOf(registry: Registry): ControllerMetrics {
  const existing = byRegistry.get(registry);
  if (existing) return existing;
  const depthSources = new Map<string, () => number>();
  const m: ControllerMetrics = {
    reconciles: new Counter({ name: 'meridian_controller_reconcile_total', help: 'Reconciles by controller and result (success, requeue, error).', labelNames: ['controller', 'result'], registers: [registry] }),
    duration: new Histogram({ name: 'meridian_controller_reconcile_duration_seconds', help: 'Time one reconcile took, by controller.', labelNames: ['controller'], buckets: [0.005, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [registry] }),
    depth: new Gauge({
      name: 'meridian_controller_queue_depth', help: 'Keys waiting or running in a controller\'s work queue.', labelNames: ['controller'], registers: [registry],
      collect() { for (const [name, read] of depthSources) this.set({ controller: name }, read()); },
    }),
    depthSources,
  };
  byRegistry.set(registry, m);
  return m;
}

/**
 * Wraps a reconciler so each call is counted (meridian_controller_reconcile_total by result) and
 * timed (meridian_controller_reconcile_duration_seconds); errors are rethrown untouched so the
 * queue still backs off. `controller` is a fixed name, never an object key (bounded labels).
 */
export function instrumentReconciler(registry: Registry, controller: string, reconcile: Reconciler): Reconciler {
  const m = metricsOf(registry);
  return async (key, signal) => {
    const end = m.duration.startTimer({ controller });
    try {
      const result = await reconcile(key, signal);
      m.reconciles.inc({ controller, result: result && result.requeueAfterMs > 0 ? 'requeue' : 'success' });
      return result;
    } catch (err) {
      m.reconciles.inc({ controller, result: 'error' });
      throw err;
    } finally {
      end();
    }
  };
}

/** Reports a work queue's length as meridian_controller_queue_depth{controller} at every scrape. */
export function watchQueueDepth(registry: Registry, controller: string, length: () => number): void {
  metricsOf(registry).depthSources.set(controller, length);
}
