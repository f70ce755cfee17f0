import { describe, expect, it } from 'vitest';
import { limited, Limiter } from '../../src/util/limiter.js';

describe('Limiter: a member\'s request pool, the proxy scheduler\'s bindings', () => {
  it('runs at most `concurrency` requests at once, starts the waiting ones in order, and frees a slot when a request fails', async () => {
    const pool = new Limiter(2);
    const gates: Array<() => void> = [];
    let peak = 0;
    const started: number[] = [];
    const request = (i: number) => pool.run(async () => {
      started.push(i);
      peak = Math.max(peak, pool.active);
      await new Promise<void>((resolve) => gates.push(resolve));
      if (i === 0) throw new Error('refused');
      return i;
    });
    const all = [0, 1, 2, 3].map((i) => request(i).catch((err: Error) => err.message));
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1]);
    gates[0](); // the failing one frees its slot
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1, 2]);
    for (let i = 1; i < 4; i++) {
      gates[i]();
      await new Promise((r) => setImmediate(r));
    }
    expect(await Promise.all(all)).toEqual(['refused', 1, 2, 3]);
    expect(peak).toBe(2);
    expect(pool.active).toBe(0);
  });

  it('refuses a size that bounds nothing', () => {
    expect(() => new Limiter(0)).toThrow(/whole number >= 1/);
  });
  it('runs at most N tasks at once, in order, and frees the slot of a failed task', async () => {
    const l = new Limiter(3);
    let active = 0;
    let peak = 0;
    const started: number[] = [];
    const releases: Array<() => void> = [];
    const tasks = Array.from({ length: 8 }, (_, i) => l.run(async () => {
      started.push(i);
      active++;
      peak = Math.max(peak, active);
      await new Promise<void>((resolve) => releases.push(resolve));
      active--;
      if (i === 1) throw new Error('boom');
      return i;
    }));
    const settled = Promise.allSettled(tasks);
    while (started.length < 8) {
      await new Promise((resolve) => setImmediate(resolve));
      expect(l.active).toBeLessThanOrEqual(3);
      releases.shift()?.();
    }
    for (const r of releases.splice(0)) r();
    const results = await settled;
    expect(peak).toBe(3);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(results[1]).toMatchObject({ status: 'rejected', reason: new Error('boom') });
    expect(results.filter((x) => x.status === 'fulfilled')).toHaveLength(7);
    expect(l.active).toBe(0);
    expect(() => new Limiter(0)).toThrow(/whole number >= 1/);
  });

  it('runs the task directly without a limiter', async () => {
    expect(await limited(undefined, async () => 7)).toBe(7);
  });
});
