import { describe, expect, it } from 'vitest';
import type { KubeClient } from '../../src/kube/client.js';
import { recordEvent } from '../../src/kube/events.js';

// Events are written a few at a time per API server, never all of a burst at once, and a backlog
// past its bound drops Events (best effort) with an error that says so, instead of growing forever.

function gatedClient() {
  const state = { inflight: 0, peak: 0, written: 0 };
  let open = () => undefined as void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const client = {
    async create() {
      state.inflight++;
      state.peak = Math.max(state.peak, state.inflight);
      await gate;
      state.inflight--;
      state.written++;
      return {};
    },
  } as unknown as KubeClient;
  return { client, state, open };
}

const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'burst' } };

describe('recordEvent: bounded writes per API server', () => {
  it('a burst of 1010 Events: at most 4 in flight, 1000 wait, the rest are dropped with a reason; the waiting ones are all written', async () => {
    const { client, state, open } = gatedClient();
    const results = Array.from({ length: 1010 }, (_, i) => recordEvent(client, pod, { type: 'Normal', reason: 'Scheduled', message: `pod ${i}`, component: 'test' }));
    const early = await Promise.race([Promise.all(results.slice(-6)), new Promise((r) => setTimeout(() => r('pending'), 2000))]);
    expect(Array.isArray(early) ? (early as Array<Error | undefined>).map((e) => e?.message.includes('dropped')) : early).toEqual([true, true, true, true, true, true]);
    expect(state.peak).toBe(4);
    open();
    const errors = (await Promise.all(results)).filter(Boolean);
    expect(errors).toHaveLength(6);
    expect(state.written).toBe(1004);
    expect(state.peak).toBe(4);
  });

  it('another API server has its own writer: a full backlog on one does not hold up the other', async () => {
    const busy = gatedClient();
    const other = gatedClient();
    for (let i = 0; i < 20; i++) void recordEvent(busy.client, pod, { type: 'Normal', reason: 'Scheduled', message: 'x', component: 'test' });
    other.open();
    expect(await recordEvent(other.client, pod, { type: 'Warning', reason: 'PeerLost', message: 'y', component: 'test' })).toBeUndefined();
    expect(other.state.written).toBe(1);
    busy.open();
  });
});
