import { Histogram, type Registry } from 'prom-client';
import type { StageObserver } from '../stages.js';

/** Buckets from 1 ms to 2 min, dense where a loaded machine's requests and renders fall. */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.035, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 7.5, 10, 20, 60, 120];

/**
 * meridian_gitops_sync_stage_seconds{stage}: how long each stage of an Application sync took
 * (queue_wait, git, render, prepare, live_read, apply, prune, status_write; see src/gitops/stages.ts).
 * The stage is a fixed name, never an object key (bounded labels).
 */
export function stageMetrics(registry: Registry): StageObserver {
  const h = new Histogram({ name: 'meridian_gitops_sync_stage_seconds', help: 'Time each stage of an Application sync took (queue wait, git, render, prepare, live reads, applies, prune, status write).', labelNames: ['stage'], buckets: BUCKETS, registers: [registry] });
  return (stage, ms) => h.observe({ stage }, ms / 1000);
}
