import { describe, expect, it, vi } from 'vitest';
import { WorkQueue } from '../../src/controller/queue.js';
import { waitFor } from '../../src/util/wait.js';

describe('WorkQueue', () => {
  it('queues a key once however often it is added', async () => {
    const seen: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const q = new WorkQueue(async (k) => {
      seen.push(k);
      if (k === 'block') await gate;
    }, { concurrency: 1 });
    q.add('block');
    for (let i = 0; i < 5; i++) q.add('a');
    release();
    await waitFor(() => q.length === 0 && seen.length >= 2, { timeoutMs: 2000, onTimeout: () => JSON.stringify(seen) });
    expect(seen).toEqual(['block', 'a']);
  });

  it('runs one reconcile per key at a time and re-runs a key added while it ran', async () => {
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    const q = new WorkQueue(async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      runs++;
      await new Promise((r) => setTimeout(r, 30));
      running--;
    }, { concurrency: 4 });
    q.add('k');
    await new Promise((r) => setTimeout(r, 5));
    q.add('k');
    q.add('k');
    await waitFor(() => runs === 2 && q.length === 0, { timeoutMs: 2000, onTimeout: () => `runs=${runs}` });
    expect(maxRunning).toBe(1);
  });

  it('retries a failing key with growing backoff and never drops it', async () => {
    // Fake timers: the backoff is checked on the queue's own clock, not the machine's.
    vi.useFakeTimers();
    try {
      let attempts = 0;
      const q = new WorkQueue(async () => {
        attempts++;
        if (attempts < 4) throw new Error('transient');
      }, { baseDelayMs: 20 });
      q.add('x');
      await vi.advanceTimersByTimeAsync(0);
      expect(attempts).toBe(1);
      for (const [delay, before] of [[20, 1], [40, 2], [80, 3]] as const) {
        await vi.advanceTimersByTimeAsync(delay - 1);
        expect(attempts, `no retry before ${delay} ms`).toBe(before);
        await vi.advanceTimersByTimeAsync(1);
        expect(attempts, `retry after ${delay} ms`).toBe(before + 1);
      }
      expect(q.retries('x')).toBe(0);
      q.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it('requeues after the delay a reconcile asks for', async () => {
    let runs = 0;
    const q = new WorkQueue(async () => {
      runs++;
      return runs < 3 ? { requeueAfterMs: 10 } : undefined;
    });
    q.add('periodic');
    await waitFor(() => runs === 3, { timeoutMs: 2000, onTimeout: () => `runs=${runs}` });
    q.stop();
  });

  it('aborts a reconcile at its deadline, reports a key that never returns as stuck and retries it', async () => {
    const stuck: string[] = [];
    const signals: AbortSignal[] = [];
    let runs = 0;
    const q = new WorkQueue(async (_key, signal) => {
      runs++;
      signals.push(signal);
      if (runs === 1) await new Promise(() => undefined); // ignores its signal: never returns
    }, { deadlineMs: 50, stuckGraceMs: 50, baseDelayMs: 10, onStuck: (key) => stuck.push(key) }, () => undefined);
    q.add('hung');
    // Before the fix the key stayed "running" forever: this add was absorbed and nothing ran again.
    q.add('hung');
    await waitFor(() => runs >= 2 && q.length === 0, { timeoutMs: 5000, onTimeout: () => `runs=${runs} stuck=${stuck.join(',')} running=${q.runningKeys().join(',')}` });
    expect(signals[0].aborted).toBe(true);
    expect(stuck).toEqual(['hung']);
    expect(q.retries('hung')).toBe(0);
    q.stop();
  });

  it('passes an AbortSignal that fires at the deadline, and retries the key after', async () => {
    let runs = 0;
    const errors: string[] = [];
    const q = new WorkQueue(async (_key, signal) => {
      runs++;
      if (runs === 1) await new Promise((resolve) => signal.addEventListener('abort', resolve));
    }, { deadlineMs: 30, baseDelayMs: 10, onStuck: () => errors.push('stuck') }, (_k, err) => errors.push((err as Error).name));
    q.add('slow');
    await waitFor(() => runs === 2 && q.length === 0, { timeoutMs: 5000, onTimeout: () => `runs=${runs}` });
    expect(errors).toEqual(['ReconcileDeadlineError']);
    q.stop();
  });

  it('aborts running reconciles when stopped', async () => {
    let signal: AbortSignal | undefined;
    const q = new WorkQueue(async (_key, s) => {
      signal = s;
      await new Promise((resolve) => s.addEventListener('abort', resolve));
    });
    q.add('k');
    await waitFor(() => signal, { timeoutMs: 2000 });
    q.stop();
    expect(signal?.aborted).toBe(true);
    await q.idle();
  });
  it('reports how long each key waited from its first add to its start, once per start', async () => {
    // Fake timers: the waits are read off the queue's own clock.
    vi.useFakeTimers();
    try {
      const started: Array<[string, number]> = [];
      let release: () => void = () => undefined;
      let blocked = false;
      const q = new WorkQueue(async (k) => {
        if (k === 'block' && !blocked) { blocked = true; await new Promise<void>((r) => (release = r)); }
      }, { concurrency: 1, onStart: (k, ms) => started.push([k, ms]) });
      q.add('block');
      await vi.advanceTimersByTimeAsync(10);
      q.add('a');
      await vi.advanceTimersByTimeAsync(30);
      q.add('a'); // absorbed: the wait counts from the first add
      q.add('block'); // added while running: queued again after, waiting from now
      await vi.advanceTimersByTimeAsync(20);
      release();
      await vi.advanceTimersByTimeAsync(0);
      await q.idle();
      expect(started).toEqual([['block', 0], ['a', 50], ['block', 20]]);
      q.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});
