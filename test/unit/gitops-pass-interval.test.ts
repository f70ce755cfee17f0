import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcileApplication, type LastPass } from '../../src/gitops/controller/applications.js';
import type { GitCache } from '../../src/gitops/git/cache.js';
import { applicationFixture } from '../support/gitops-application.js';

// A resync timer that fires while an Application's pass runs queues another pass right after it,
// which finds what the first just found. Within the minimum interval, with the Application, its
// repository's refresh count and its member client unchanged, that pass is put off (no render, no
// member read, no status write); a webhook or an edit of the Application runs it at once.

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gitops-pass-interval-'));
  await writeFile(join(dir, 'deploy.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  replicas: 1\n');
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const KEY = 'meridian-system/web-us-east';

function fixture() {
  const f = applicationFixture(dir, () => ({ observedGeneration: 1, replicas: 1, updatedReplicas: 0 }));
  let refreshes = 0;
  let checkouts = 0;
  const git = f.d.git as unknown as { checkout: (...a: unknown[]) => Promise<unknown>; generation: () => number };
  const checkout = git.checkout;
  f.d.git = { checkout: (...a: unknown[]) => { checkouts++; return checkout(...a); }, generation: () => refreshes } as unknown as GitCache;
  f.d.minPassIntervalMs = 60_000;
  f.d.lastPasses = new Map<string, LastPass>();
  return { ...f, refresh: () => refreshes++, checkouts: () => checkouts };
}

const delay = async (p: Promise<unknown>) => (await p as { requeueAfterMs: number }).requeueAfterMs;

describe('gitops: a pass right after a clean pass with the same inputs', () => {
  it('is put off until the interval has passed, sending nothing', async () => {
    const f = fixture();
    expect(await delay(reconcileApplication(f.d, KEY))).toBe(1000); // applied, settling
    const writes = f.writes.length;
    const wait = await delay(reconcileApplication(f.d, KEY));
    expect(wait).toBeGreaterThan(50_000);
    expect(wait).toBeLessThanOrEqual(60_000);
    expect(f.checkouts(), 'the put-off pass did not read Git').toBe(1);
    expect(f.writes.length, 'nor write status').toBe(writes);
  });

  it('runs at once after a webhook refreshed the repository', async () => {
    const f = fixture();
    await reconcileApplication(f.d, KEY);
    f.refresh();
    expect(await delay(reconcileApplication(f.d, KEY))).toBe(2000); // a settling pass that only waited
    expect(f.checkouts()).toBe(2);
  });

  it('runs at once after the Application changed (an annotation: a prune confirmation)', async () => {
    const f = fixture();
    await reconcileApplication(f.d, KEY);
    const app = f.current();
    app.metadata = { ...app.metadata, annotations: { 'meridian.dev/confirm-prune': 'abc' } };
    await reconcileApplication(f.d, KEY);
    expect(f.checkouts()).toBe(2);
  });

  it('runs at once when the last pass failed', async () => {
    const f = fixture();
    await reconcileApplication(f.d, KEY);
    f.d.lastPasses?.clear(); // what a thrown pass leaves
    await reconcileApplication(f.d, KEY);
    expect(f.checkouts()).toBe(2);
  });
});
