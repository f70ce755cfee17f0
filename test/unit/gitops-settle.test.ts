import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcileApplication, type ApplicationDeps } from '../../src/gitops/controller/applications.js';
import { applicationFixture } from '../support/gitops-application.js';

// An Application whose Deployment is still rolling out is looked at again 1 s after the pass that
// applied it, then after 2, 4, 8 s... (up to the resync interval) while nothing changes, not every
// second: a commit to many Applications otherwise re-read all of them each second.

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gitops-settle-'));
  await writeFile(join(dir, 'deploy.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  replicas: 1\n');
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

function deps(progressing: () => boolean): ApplicationDeps {
  return applicationFixture(dir, () => (progressing() ? { observedGeneration: 1, replicas: 1, updatedReplicas: 0 } : { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1 })).d;
}

describe('gitops: re-checking an Application that is settling', () => {
  it('waits 1 s after the pass that applied, then twice as long each time, up to the resync interval; a settled pass goes back to the resync', async () => {
    let rolling = true;
    const d = deps(() => rolling);
    const delays: number[] = [];
    for (let i = 0; i < 7; i++) delays.push(((await reconcileApplication(d, 'meridian-system/web-us-east')) as { requeueAfterMs: number }).requeueAfterMs);
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16_000, 20_000, 20_000]);
    rolling = false;
    expect(await reconcileApplication(d, 'meridian-system/web-us-east')).toEqual({ requeueAfterMs: 20_000 });
    expect(d.settles?.size).toBe(0);
    rolling = true;
    expect(await reconcileApplication(d, 'meridian-system/web-us-east')).toEqual({ requeueAfterMs: 2000 }); // settling again, nothing written: the count restarted
  });
});
