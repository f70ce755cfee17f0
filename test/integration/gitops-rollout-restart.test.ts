import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Application } from '../../src/api/application.js';
import type { ApplicationSet } from '../../src/api/applicationset.js';
import { API_VERSION } from '../../src/api/schema.js';
import type { ClusterRegistry } from '../../src/clusters/registry.js';
import { reconcileAppSet, type AppSetDeps } from '../../src/gitops/controller/appsets.js';
import { GitCache } from '../../src/gitops/git/cache.js';
import { Informer } from '../../src/kube/informer.js';
import { silentLogger } from '../../src/util/log.js';
import { waitFor } from '../../src/util/wait.js';
import { startEnvtest, type Envtest } from '../support/envtest.js';

// A RollingSync (us-east, then eu-west + ap-south) interrupted by restarts of the controller. Each
// "replica" is a fresh pair of informers and reconciles at once, as a restarted serve did: the
// rollout must resume from what the cluster holds (Applications' pins, the set's status), never pin
// a later step early, and never re-pin a revision it rolled back. Application status (sync, health)
// is written by the test, standing in for the members.

const NS = 'meridian-system';
const KEY = `${NS}/web`;
const REGIONS = ['us-east', 'eu-west', 'ap-south'];
let env: Envtest;
let repo: string;
let cacheDir: string;
let git: GitCache;

const gitIn = (...args: string[]) => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.test', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.test', HOME: repo } }).trim();
async function commit(text: string): Promise<string> {
  await writeFile(join(repo, 'cm.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  v: "${text}"\n`);
  gitIn('add', 'cm.yaml');
  gitIn('commit', '-q', '-m', text);
  return gitIn('rev-parse', 'HEAD');
}

/**
 * A restarted controller. The ApplicationSet cache lands first and the Application cache is still
 * listing when the first reconcile comes: the order in which a restarted serve met them.
 */
async function replica(): Promise<AppSetDeps & { stop(): void }> {
  const appsets = new Informer<ApplicationSet>(env.client, { apiVersion: API_VERSION, kind: 'ApplicationSet' }).start();
  await appsets.waitForSync();
  const apps = new Informer<Application>(env.client, { apiVersion: API_VERSION, kind: 'Application' }).start();
  const registry = { clusterObjects: () => [] } as unknown as ClusterRegistry;
  return { hub: env.client, registry, git, appsets, apps, log: silentLogger, resyncMs: 10_000, written: { sets: new Map(), apps: new Map() }, stop: () => { appsets.stop(); apps.stop(); } };
}

/** Reconciles right away, and again while it says it cannot yet (as the work queue retries). */
async function reconcileNow(deps: AppSetDeps): Promise<void> {
  await waitFor(async () => { await reconcileAppSet(deps, KEY); return true; }, { timeoutMs: 30_000, intervalMs: 50, what: 'a reconcile that completes' });
}

const pins = async () => Object.fromEntries((await env.client.list<Application>(API_VERSION, 'Application', { namespace: NS })).items.map((a) => [a.spec.destination.name, a.spec.source.targetRevision]));

async function report(region: string, revision: string, health: 'Healthy' | 'Degraded'): Promise<void> {
  const app = await env.client.get<Application>(API_VERSION, 'Application', `web-${region}`, NS) as Application;
  const healthyRevisions = health === 'Healthy' ? [revision, ...(app.status?.healthyRevisions ?? []).filter((r) => r !== revision)] : app.status?.healthyRevisions ?? [];
  await env.client.patchStatus(API_VERSION, 'Application', `web-${region}`, NS, { sync: { status: 'Synced', revision }, health: { status: health }, healthyRevisions });
}

/** Waits until a replica's caches show what the server holds, so a decision is not taken on a lagging cache. */
async function caught(deps: AppSetDeps): Promise<void> {
  const live = (await env.client.list<Application>(API_VERSION, 'Application', { namespace: NS })).items;
  const set = await env.client.get<ApplicationSet>(API_VERSION, 'ApplicationSet', 'web', NS);
  await waitFor(() => deps.appsets.get(KEY)?.metadata?.resourceVersion === set?.metadata?.resourceVersion
    && live.every((a) => deps.apps.get(`${NS}/${a.metadata?.name}`)?.metadata?.resourceVersion === a.metadata?.resourceVersion), { timeoutMs: 10_000, what: 'caches caught up' });
}

beforeAll(async () => {
  env = await startEnvtest({ name: 'rollout-restart' });
  repo = await mkdtemp(join(tmpdir(), 'meridian-rollout-repo-'));
  cacheDir = await mkdtemp(join(tmpdir(), 'meridian-rollout-cache-'));
  gitIn('init', '-q', '-b', 'main');
  git = new GitCache({ dir: cacheDir, pollIntervalMs: 0, allowFileRepos: true });
});
afterAll(async () => {
  await env?.stop();
  for (const d of [repo, cacheDir]) if (d) await rm(d, { recursive: true, force: true });
});

describe('RollingSync across restarts of the controller', () => {
  it('resumes where it stood, and a rolled-back revision stays rolled back', async () => {
    const revA = await commit('a');
    await env.client.apply({
      apiVersion: API_VERSION, kind: 'ApplicationSet', metadata: { name: 'web', namespace: NS },
      spec: {
        generators: [{ list: { elements: REGIONS.map((r) => ({ cluster: r, region: r })) } }],
        template: { metadata: { name: 'web-{{cluster}}', labels: { region: '{{region}}' } }, spec: { source: { repoURL: `file://${repo}`, targetRevision: 'main', path: '.' }, destination: { name: '{{cluster}}' } } },
        strategy: { type: 'RollingSync', autoRollback: true, rollingSync: { steps: [
          { matchExpressions: [{ key: 'region', operator: 'In', values: ['us-east'] }] },
          { matchExpressions: [{ key: 'region', operator: 'In', values: ['eu-west', 'ap-south'] }] },
        ] } },
      },
    });
    // First deployment at A, everyone healthy.
    let r = await replica();
    await reconcileNow(r);
    expect(await pins()).toEqual({ 'us-east': revA, 'eu-west': revA, 'ap-south': revA });
    for (const region of REGIONS) await report(region, revA, 'Healthy');
    await caught(r);
    await reconcileNow(r);

    // B: step 1 (us-east) is pinned, then the controller stops before us-east is healthy.
    const revB = await commit('b');
    await caught(r);
    await reconcileNow(r);
    expect(await pins()).toEqual({ 'us-east': revB, 'eu-west': revA, 'ap-south': revA });
    r.stop();

    // Restart: fresh caches, reconciled at once. Before the fix the empty cache pinned every region to B.
    r = await replica();
    await reconcileNow(r);
    expect(await pins()).toEqual({ 'us-east': revB, 'eu-west': revA, 'ap-south': revA });
    // Step 1 turns healthy: step 2 starts, through the rollout.
    await report('us-east', revB, 'Healthy');
    await caught(r);
    await reconcileNow(r);
    expect(await pins()).toEqual({ 'us-east': revB, 'eu-west': revB, 'ap-south': revB });

    // eu-west turns Degraded at B: rolled back to A; then another restart must not re-pin B.
    await report('eu-west', revB, 'Degraded');
    await caught(r);
    const setBefore = r.appsets.get(KEY);
    await reconcileNow(r);
    expect(await pins()).toEqual({ 'us-east': revB, 'eu-west': revA, 'ap-south': revA });
    expect((await env.client.get<ApplicationSet>(API_VERSION, 'ApplicationSet', 'web', NS))?.status?.rollout?.phase).toBe('RolledBack');
    // eu-west is back and healthy at A; the next reconcile comes before the ApplicationSet informer
    // delivered the rollback (a loaded hub), so its cache still holds the rollout Progressing at B.
    // Before the fix that reconcile started step 2 again and pinned B (seen in a loaded e2e run as the
    // bad image back in a member after the rollback, every Application having been Healthy at A).
    await report('eu-west', revA, 'Healthy');
    await caught(r);
    const lagging = { ...r, appsets: { get: () => setBefore, hasSynced: () => true } } as unknown as AppSetDeps;
    await reconcileAppSet(lagging, KEY);
    expect(await pins()).toEqual({ 'us-east': revB, 'eu-west': revA, 'ap-south': revA });
    expect((await env.client.get<ApplicationSet>(API_VERSION, 'ApplicationSet', 'web', NS))?.status?.rollout?.phase).toBe('RolledBack');
    r.stop();
    r = await replica();
    await reconcileNow(r);
    expect(await pins()).toEqual({ 'us-east': revB, 'eu-west': revA, 'ap-south': revA });
    r.stop();
  });
});
