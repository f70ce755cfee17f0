import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { reconcileApplication } from '../../src/gitops/controller/applications.js';
import { applicationFixture } from '../support/gitops-application.js';
import { onlyMessagesDiffer } from '../../src/gitops/controller/status.js';

// A settling re-check of a rollout finds the same statuses with other messages ("1 of 2 updated
// replicas", "0 applied, 0 pruned"). Such a status is written at most once per resync interval; any
// change of a status, revision or fingerprint is written at once.

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gitops-status-writes-'));
  await writeFile(join(dir, 'deploy.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  replicas: 2\n');
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** A member whose Deployment reports `updated()` of 2 replicas updated; a hub that counts status writes. */
function deps(updated: () => number) {
  const f = applicationFixture(dir, () => ({ observedGeneration: 1, replicas: 2, updatedReplicas: updated(), availableReplicas: updated() }));
  f.d.statusWrittenAt = new Map();
  return f;
}

const KEY = 'meridian-system/web-us-east';

describe('gitops: status writes of settling passes', () => {
  it('skips a status that differs only in messages within a resync interval, writes it after, and writes a change of health at once', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      let updated = 0;
      const { d, writes, current } = deps(() => updated);
      await reconcileApplication(d, KEY);
      expect(writes).toHaveLength(1); // the pass that applied
      expect(current().status?.health).toEqual({ status: 'Progressing', message: 'Deployment web: 0 of 2 updated replicas' });
      updated = 1;
      vi.advanceTimersByTime(1000);
      await reconcileApplication(d, KEY);
      expect(writes, 'progress and counts only: not written').toHaveLength(1);
      vi.advanceTimersByTime(20_000);
      await reconcileApplication(d, KEY);
      expect(writes, 'a resync interval later the messages are written').toHaveLength(2);
      expect(current().status?.health?.message).toBe('Deployment web: 1 of 2 updated replicas');
      updated = 2;
      vi.advanceTimersByTime(1000);
      await reconcileApplication(d, KEY);
      expect(writes, 'Healthy is written at once').toHaveLength(3);
      expect(current().status?.health?.status).toBe('Healthy');
    } finally {
      vi.useRealTimers();
    }
  });

  it('onlyMessagesDiffer: messages at any depth do not count, statuses and other fields do', () => {
    const base = { sync: { status: 'Synced' as const, revision: 'abc' }, health: { status: 'Progressing' as const, message: 'a' }, conditions: [{ type: 'Reconciled', status: 'True' as const, reason: 'Succeeded', message: '2 applied', lastTransitionTime: 't' }] };
    expect(onlyMessagesDiffer(base, { ...base, health: { status: 'Progressing', message: 'b' }, conditions: [{ ...base.conditions[0], message: '0 applied' }] })).toBe(true);
    expect(onlyMessagesDiffer(base, { ...base, health: { status: 'Healthy' } })).toBe(false);
    expect(onlyMessagesDiffer(base, { ...base, sync: { status: 'Synced', revision: 'def' } })).toBe(false);
    expect(onlyMessagesDiffer(base, { ...base, conditions: [{ ...base.conditions[0], status: 'False' }] })).toBe(false);
    expect(onlyMessagesDiffer(undefined, base)).toBe(false);
  });
});
