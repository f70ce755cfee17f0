import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { WorkQueue, type QueueOptions, type Reconciler } from '../controller/queue.js';

interface ControllerMetrics {
  reconciles: Counter<'controller' | 'result'>;
  duration: Histogram<'controller'>;
  depth: Gauge<'controller'>;
  wait: Histogram<'controller'>;
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
    wait: new Histogram({ name: 'meridian_controller_queue_wait_seconds', help: 'Time a key waited in a controller\'s work queue before its reconcile started, by controller.', labelNames: ['controller'], buckets: [0.001, 0.005, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [registry] }),
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

/** An `onStart` for a work queue: records each key's wait as meridian_controller_queue_wait_seconds{controller}. */
export function queueWaitRecorder(registry: Registry, controller: string): (key: string, waitedMs: number) => void {
  const h = metricsOf(registry).wait;
  return (_key, waitedMs) => h.observe({ controller }, waitedMs / 1000);
}

/**
 * A work queue whose reconciles are counted and timed, whose length is reported at every scrape and
 * whose keys' waits are recorded, all under `controller`; without a registry (unit tests), a plain queue.
 */
export function observedQueue(registry: Registry | undefined, controller: string, reconcile: Reconciler, options: QueueOptions, onError?: (key: string, err: unknown) => void): WorkQueue {
  if (!registry) return new WorkQueue(reconcile, options, onError);
  const queue = new WorkQueue(instrumentReconciler(registry, controller, reconcile), { ...options, onStart: queueWaitRecorder(registry, controller) }, onError);
  watchQueueDepth(registry, controller, () => queue.length);
  return queue;
}
