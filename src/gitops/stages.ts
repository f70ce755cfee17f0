// The stages one Application sync goes through, timed so a benchmark (or an operator reading
// /metrics) can see where a commit's time to Synced goes.

/** A timed stage of an Application's sync (queue_wait is measured by the work queue). */
export type SyncStage = 'queue_wait' | 'git' | 'render' | 'prepare' | 'live_read' | 'apply' | 'prune' | 'status_write';

/** Every stage, in the order a sync goes through them. */
export const SYNC_STAGES: readonly SyncStage[] = ['queue_wait', 'git', 'render', 'prepare', 'live_read', 'apply', 'prune', 'status_write'];

/** Receives one stage's duration in milliseconds. */
export type StageObserver = (stage: SyncStage, ms: number) => void;

/** Runs fn and reports its duration as `stage` (also when it throws); without an observer it just runs fn. */
export async function timed<T>(observe: StageObserver | undefined, stage: SyncStage, fn: () => Promise<T>): Promise<T> {
  if (!observe) return fn();
  const start = performance.now();
  try {
    return await fn();
  } finally {
    observe(stage, performance.now() - start);
  }
}
