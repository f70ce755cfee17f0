import { describe, expect, it, vi } from 'vitest';
import { WorkQueue } from '../../src/controller/queue.js';

// An Application that applied asks to be looked at again in 1 s (its Deployment rolls out), but its
// 10 s resync may already be pending from the pass before the commit. The queue keeps whichever of
// the two is due sooner (client-go's delaying queue does the same); it used to keep the first one.

describe('WorkQueue.addAfter: the sooner of two pending delays wins', () => {
  it('a shorter delay replaces a longer pending one, and the longer one does not run as well', async () => {
    vi.useFakeTimers();
    try {
      const runs: number[] = [];
      const q = new WorkQueue(async () => { runs.push(Date.now()); });
      const t0 = Date.now();
      q.addAfter('app', 10_000);
      q.addAfter('app', 1000);
      await vi.advanceTimersByTimeAsync(999);
      expect(runs, 'nothing before 1 s').toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(runs.map((t) => t - t0), 'the re-check ran at 1 s').toEqual([1000]);
      await vi.advanceTimersByTimeAsync(10_000);
      expect(runs.map((t) => t - t0), 'the replaced resync did not run too').toEqual([1000]);
      q.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it('a longer delay leaves a shorter pending one as it is', async () => {
    vi.useFakeTimers();
    try {
      const runs: number[] = [];
      const q = new WorkQueue(async () => { runs.push(Date.now()); });
      const t0 = Date.now();
      q.addAfter('app', 1000);
      await vi.advanceTimersByTimeAsync(500);
      q.addAfter('app', 10_000);
      await vi.advanceTimersByTimeAsync(500);
      expect(runs.map((t) => t - t0)).toEqual([1000]);
      await vi.advanceTimersByTimeAsync(20_000);
      expect(runs.map((t) => t - t0), 'one run: the longer delay was not kept beside it').toEqual([1000]);
      q.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});
