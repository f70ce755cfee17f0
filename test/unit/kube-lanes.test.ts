import { describe, expect, it } from 'vitest';
import { RequestLanes } from '../../src/kube/lanes.js';

const timeout = () => new Error('no slot in time');

describe('RequestLanes', () => {
  it('grants slots up to its size, then hands freed slots out by priority, in arrival order within one', async () => {
    const lanes = new RequestLanes(2);
    const a = await lanes.acquire('normal', 0, timeout);
    const b = await lanes.acquire('normal', 0, timeout);
    expect(lanes.active).toBe(2);
    const order: string[] = [];
    const wait = (p: 'high' | 'normal' | 'low', name: string) => lanes.acquire(p, 0, timeout).then((release) => {
      order.push(name);
      return release;
    });
    const low = wait('low', 'low');
    const n1 = wait('normal', 'n1');
    const n2 = wait('normal', 'n2');
    const high = wait('high', 'high');
    expect([lanes.waiting('high'), lanes.waiting('normal'), lanes.waiting('low')]).toEqual([1, 2, 1]);
    a();
    a(); // a second call of one release frees nothing more
    const r1 = await high;
    b();
    const r2 = await n1;
    expect(order).toEqual(['high', 'n1']);
    expect(lanes.active).toBe(2);
    r1();
    (await n2)();
    (await low)();
    r2();
    expect(order).toEqual(['high', 'n1', 'n2', 'low']);
    expect(lanes.active).toBe(0);
  });

  it('a waiter whose deadline passes leaves the queue with the given error, and its slot is not lost', async () => {
    const lanes = new RequestLanes(1);
    const held = await lanes.acquire('normal', 0, timeout);
    await expect(lanes.acquire('high', 20, timeout)).rejects.toThrow('no slot in time');
    expect(lanes.waiting('high')).toBe(0);
    held();
    expect(lanes.active).toBe(0);
    const again = await lanes.acquire('low', 20, timeout);
    expect(lanes.active).toBe(1);
    again();
  });

  it('a waiter whose signal fires leaves the queue', async () => {
    const lanes = new RequestLanes(1);
    const held = await lanes.acquire('normal', 0, timeout);
    const stop = new AbortController();
    const waiting = lanes.acquire('normal', 0, timeout, stop.signal);
    stop.abort(new Error('stopping'));
    await expect(waiting).rejects.toThrow('stopping');
    expect(lanes.waiting('normal')).toBe(0);
    await expect(lanes.acquire('normal', 0, timeout, stop.signal)).rejects.toThrow('stopping');
    held();
    expect(lanes.active).toBe(0);
  });

  it('refuses a size that is not a whole number >= 1', () => {
    expect(() => new RequestLanes(0)).toThrow(/whole number/);
  });
});
