import { describe, expect, it } from 'vitest';
import { RequestPool } from '../../src/gitops/sync/pool.js';

describe('RequestPool', () => {
  it('runs at most `size` requests at once, starts the waiting ones in order, and frees a slot when a request fails', async () => {
    const pool = new RequestPool(2);
    const gates: Array<() => void> = [];
    let peak = 0;
    const started: number[] = [];
    const request = (i: number) => pool.run(async () => {
      started.push(i);
      peak = Math.max(peak, pool.running);
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
    expect(pool.running).toBe(0);
  });

  it('refuses a size that bounds nothing', () => {
    expect(() => new RequestPool(0)).toThrow(/whole number >= 1/);
  });
});
