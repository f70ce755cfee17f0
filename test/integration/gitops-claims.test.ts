import { execFile, execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Application } from '../../src/api/application.js';
import type { ApplicationSet } from '../../src/api/applicationset.js';
import type { Cluster } from '../../src/api/cluster.js';
import { API_VERSION } from '../../src/api/schema.js';
import { translateObject } from '../../src/api/translate.js';
import type { ClusterRegistry } from '../../src/clusters/registry.js';
import { ensureNamespace } from '../../src/clusters/install.js';
import { reconcileApplication, type ApplicationDeps } from '../../src/gitops/controller/applications.js';
import { reconcileAppSet, type AppSetDeps } from '../../src/gitops/controller/appsets.js';
import { GitCache } from '../../src/gitops/git/cache.js';
import { Informer } from '../../src/kube/informer.js';
import type { KubeObject } from '../../src/kube/types.js';
import { silentLogger } from '../../src/util/log.js';
import { waitFor } from '../../src/util/wait.js';
import { startEnvtest, type Envtest } from '../support/envtest.js';

// README claims checked against a real hub and a real member (two envtests): cleanup when an
// Application is deleted, --confirm-prune, rollout pause|resume, and the seed ApplicationSet in its
// argoproj.io form (no syncPolicy) synced by `meridian sync` (the CLI built in dist/). The controller
// functions are called as the work queue calls them; the member is the registry's only member.

const NS = 'meridian-system';
const CLI = join(process.cwd(), 'bin', 'meridian');
const run = promisify(execFile);
let hub: Envtest;
let member: Envtest;
let repo: string;
let cacheDir: string;
let git: GitCache;
let apps: Informer<Application>;
let appsets: Informer<ApplicationSet>;
let memberReady = true;
let cluster: Cluster;
const registry = {
  get: (n: string) => (n === 'us-east' ? { name: n, ready: memberReady, client: member.client, labels: cluster.metadata?.labels ?? {}, cluster } : undefined),
  clusterObjects: () => [cluster],
} as unknown as ClusterRegistry;
const appDeps = (): ApplicationDeps => ({ hub: hub.client, registry, git, apps, log: silentLogger, resyncMs: 10_000 });
const setDeps = (): AppSetDeps => ({ hub: hub.client, registry, git, apps, appsets, log: silentLogger, resyncMs: 10_000 });

const gitIn = (...args: string[]) => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.test', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.test', HOME: repo } }).trim();
const cmYaml = (names: string[]) => names.map((n) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${n}\ndata:\n  v: "1"\n`).join('---\n');
async function commitAll(message: string): Promise<string> {
  gitIn('add', '--', '.');
  gitIn('commit', '-q', '--allow-empty', '-m', message);
  return gitIn('rev-parse', 'HEAD');
}

/** The CLI from dist/ against the hub, as a user runs it. */
const cli = (...args: string[]) => run(process.execPath, [CLI, ...args, '--kubeconfig', hub.kubeconfig, '--context', hub.context], { encoding: 'utf8', timeout: 60_000 });

/** Waits until the informer holds what the hub holds, then reconciles (as the queue would). */
async function reconcileApp(name: string): Promise<void> {
  const live = await hub.client.get<Application>(API_VERSION, 'Application', name, NS);
  await waitFor(() => apps.get(`${NS}/${name}`)?.metadata?.resourceVersion === live?.metadata?.resourceVersion, { timeoutMs: 10_000, what: `cache of ${name}` });
  await reconcileApplication(appDeps(), `${NS}/${name}`);
}
async function reconcileSet(name: string): Promise<void> {
  const live = await hub.client.get<ApplicationSet>(API_VERSION, 'ApplicationSet', name, NS);
  const children = (await hub.client.list<Application>(API_VERSION, 'Application', { namespace: NS })).items;
  await waitFor(() => appsets.get(`${NS}/${name}`)?.metadata?.resourceVersion === live?.metadata?.resourceVersion
    && children.every((a) => apps.get(`${NS}/${a.metadata?.name}`)?.metadata?.resourceVersion === a.metadata?.resourceVersion), { timeoutMs: 10_000, what: `caches of ${name}` });
  await reconcileAppSet(setDeps(), `${NS}/${name}`);
}
const application = (name: string, path: string, dest: string, syncPolicy: Record<string, unknown>) => hub.client.apply<Application>({
  apiVersion: API_VERSION, kind: 'Application', metadata: { name, namespace: NS },
  spec: { source: { repoURL: `file://${repo}`, targetRevision: 'main', path }, destination: { name: 'us-east', namespace: dest }, syncPolicy },
});
const memberCms = async (ns: string) => (await member.client.list('v1', 'ConfigMap', { namespace: ns })).items.map((o) => o.metadata?.name).filter((n) => n !== 'kube-root-ca.crt').sort();

/** Credentials of the member on the hub as `meridian cluster join` stores them (a TokenRequest: envtest has no token controller). */
async function joinMember(): Promise<void> {
  await ensureNamespace(member.client, NS);
  await member.client.apply({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'meridian', namespace: NS } });
  await member.client.apply({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'meridian-claims' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ kind: 'ServiceAccount', name: 'meridian', namespace: NS }] });
  const tr = await member.client.request<{ status: { token: string } }>('POST', `/api/v1/namespaces/${NS}/serviceaccounts/meridian/token`, { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } } });
  const kc = parse(await readFile(member.kubeconfig, 'utf8')) as { clusters: Array<{ cluster: { 'certificate-authority-data'?: string; 'certificate-authority'?: string } }> };
  const c0 = kc.clusters[0].cluster;
  const ca = c0['certificate-authority-data'] ?? Buffer.from(await readFile(c0['certificate-authority'] ?? '', 'utf8')).toString('base64');
  await hub.client.apply({ apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name: 'cluster-us-east', namespace: NS }, data: { token: Buffer.from(tr.status.token).toString('base64'), 'ca.crt': ca } });
  cluster = await hub.client.apply<Cluster>({ apiVersion: API_VERSION, kind: 'Cluster', metadata: { name: 'us-east', labels: { env: 'production', region: 'us-east' } }, spec: { server: member.server, secretRef: { name: 'cluster-us-east', namespace: NS }, region: 'us-east' } });
}

beforeAll(async () => {
  [hub, member] = await Promise.all([startEnvtest({ name: 'claims-hub' }), startEnvtest({ name: 'claims-member', crds: [] })]);
  repo = await mkdtemp(join(tmpdir(), 'meridian-claims-repo-'));
  cacheDir = await mkdtemp(join(tmpdir(), 'meridian-claims-cache-'));
  gitIn('init', '-q', '-b', 'main');
  await cp(join(process.cwd(), 'examples', 'fleet-repo'), repo, { recursive: true });
  for (const [dir, names] of [['cms', ['a', 'b', 'c', 'd']], ['cms-one', ['a']]] as const) {
    await mkdir(join(repo, dir));
    await writeFile(join(repo, dir, 'cms.yaml'), cmYaml([...names]));
  }
  await commitAll('seed');
  git = new GitCache({ dir: cacheDir, pollIntervalMs: 0, allowFileRepos: true });
  await joinMember();
  for (const ns of ['claims-a', 'claims-b', 'claims-c']) await ensureNamespace(member.client, ns);
  apps = new Informer<Application>(hub.client, { apiVersion: API_VERSION, kind: 'Application' }).start();
  appsets = new Informer<ApplicationSet>(hub.client, { apiVersion: API_VERSION, kind: 'ApplicationSet' }).start();
  await Promise.all([apps.waitForSync(), appsets.waitForSync()]);
}, 120_000);
afterAll(async () => {
  apps?.stop();
  appsets?.stop();
  await Promise.all([hub?.stop(), member?.stop()]);
  for (const d of [repo, cacheDir]) if (d) await rm(d, { recursive: true, force: true });
});

describe('README claims against a hub and a member', () => {
  beforeEach(() => { memberReady = true; }); // a failed test never leaves the member down for the next

  it('deleting an Application deletes its resources in the member, never while the member is down, never with preserveResourcesOnDeletion', async () => {
    await application('cleanup', 'cms', 'claims-a', { automated: { prune: true } });
    await application('keeper', 'cms', 'claims-b', { automated: { prune: true }, preserveResourcesOnDeletion: true });
    for (const n of ['cleanup', 'keeper']) { await reconcileApp(n); await reconcileApp(n); }
    expect(await memberCms('claims-a')).toEqual(['a', 'b', 'c', 'd']);
    expect(await memberCms('claims-b')).toEqual(['a', 'b', 'c', 'd']);
    expect((await hub.client.get<Application>(API_VERSION, 'Application', 'cleanup', NS))?.metadata?.finalizers).toContain('meridian.dev/resources-finalizer');

    memberReady = false;
    await hub.client.delete(API_VERSION, 'Application', 'cleanup', NS);
    await reconcileApp('cleanup');
    // A member that is down is never pruned: the resources stay and the finalizer holds the Application.
    expect(await memberCms('claims-a')).toEqual(['a', 'b', 'c', 'd']);
    expect(await hub.client.get(API_VERSION, 'Application', 'cleanup', NS)).toBeDefined();
    memberReady = true;
    await reconcileApp('cleanup');
    expect(await memberCms('claims-a')).toEqual([]);
    await waitFor(async () => !(await hub.client.get(API_VERSION, 'Application', 'cleanup', NS)), { timeoutMs: 10_000, what: 'the Application to go' });

    await hub.client.delete(API_VERSION, 'Application', 'keeper', NS);
    await waitFor(async () => !(await hub.client.get(API_VERSION, 'Application', 'keeper', NS)), { timeoutMs: 10_000, what: 'the Application to go' });
    await waitFor(() => !apps.get(`${NS}/keeper`), { timeoutMs: 10_000, what: 'the cache to see it go' });
    await reconcileApplication(appDeps(), `${NS}/keeper`);
    expect(await memberCms('claims-b')).toEqual(['a', 'b', 'c', 'd']);
  });

  it('a prune of more than the share waits, the Application says so, and meridian sync --confirm-prune prunes', async () => {
    await application('big', 'cms', 'claims-c', { automated: { prune: true } });
    await reconcileApp('big');
    await reconcileApp('big');
    expect(await memberCms('claims-c')).toEqual(['a', 'b', 'c', 'd']);
    await application('big', 'cms-one', 'claims-c', { automated: { prune: true } });
    await reconcileApp('big');
    expect(await memberCms('claims-c')).toEqual(['a', 'b', 'c', 'd']);
    const held = (await hub.client.get<Application>(API_VERSION, 'Application', 'big', NS))?.status?.conditions?.find((c) => c.type === 'PruneBlocked');
    expect(held).toMatchObject({ status: 'True', reason: 'NeedsConfirmation' });
    expect(held?.message).toMatch(/would delete 3 of 4 tracked resources.*--confirm-prune/);

    const out = await cli('sync', 'big', '--confirm-prune', '--allow-file-repos', '--cache-dir', join(cacheDir, 'cli'));
    expect(out.stdout).toMatch(/3 pruned/);
    expect(await memberCms('claims-c')).toEqual(['a']);
  });

  it('a paused RollingSync does not advance to the next step; resume continues', async () => {
    await hub.client.apply({
      apiVersion: API_VERSION, kind: 'ApplicationSet', metadata: { name: 'roll', namespace: NS },
      spec: {
        generators: [{ list: { elements: ['us-east', 'eu-west'].map((r) => ({ cluster: r })) } }],
        template: { metadata: { name: 'roll-{{cluster}}', labels: { region: '{{cluster}}' } }, spec: { source: { repoURL: `file://${repo}`, targetRevision: 'main', path: 'cms' }, destination: { name: '{{cluster}}' } } },
        strategy: { type: 'RollingSync', rollingSync: { steps: ['us-east', 'eu-west'].map((r) => ({ matchExpressions: [{ key: 'region', operator: 'In', values: [r] }] })) } },
      },
    });
    const pins = async () => Object.fromEntries((await hub.client.list<Application>(API_VERSION, 'Application', { namespace: NS })).items
      .filter((a) => a.metadata?.name?.startsWith('roll-')).map((a) => [a.spec.destination.name, a.spec.source.targetRevision]));
    const report = (region: string, revision: string) => hub.client.patchStatus(API_VERSION, 'Application', `roll-${region}`, NS, { sync: { status: 'Synced', revision }, health: { status: 'Healthy' }, healthyRevisions: [revision] });
    const revA = gitIn('rev-parse', 'HEAD');
    await reconcileSet('roll');
    expect(await pins()).toEqual({ 'us-east': revA, 'eu-west': revA });
    for (const r of ['us-east', 'eu-west']) await report(r, revA);
    await reconcileSet('roll');

    const revB = await commitAll('b');
    await reconcileSet('roll');
    expect(await pins()).toEqual({ 'us-east': revB, 'eu-west': revA });
    await cli('rollout', 'pause', 'roll');
    await report('us-east', revB);
    await reconcileSet('roll');
    expect(await pins()).toEqual({ 'us-east': revB, 'eu-west': revA });
    expect((await hub.client.get<ApplicationSet>(API_VERSION, 'ApplicationSet', 'roll', NS))?.status?.rollout?.phase).toBe('Paused');

    await cli('rollout', 'resume', 'roll');
    await reconcileSet('roll');
    expect(await pins()).toEqual({ 'us-east': revB, 'eu-west': revB });
  });

  it('the seed ApplicationSet as written (argoproj.io, no syncPolicy) makes OutOfSync Applications that meridian sync syncs', async () => {
    const seed = parse(await readFile(join(process.cwd(), 'examples', 'fleet-repo', 'appsets', 'web-app.yaml'), 'utf8')) as KubeObject & { spec: { template: { spec: Record<string, unknown> & { source: { repoURL: string } } } } };
    const argo = { ...seed, apiVersion: 'argoproj.io/v1alpha1', metadata: { name: 'web-app', namespace: 'argocd' } };
    delete argo.spec.template.spec.syncPolicy;
    argo.spec.template.spec.source.repoURL = `file://${repo}`;
    for (const o of translateObject(argo)) await hub.client.apply(o);
    await reconcileSet('web-app');
    await reconcileSet('web-app'); // the second pass updates the existing Applications (the 422 loop was here)
    const set = await hub.client.get<ApplicationSet>(API_VERSION, 'ApplicationSet', 'web-app', NS);
    const cond = (t: string) => set?.status?.conditions?.find((c) => c.type === t)?.status;
    expect([cond('ParametersGenerated'), cond('ResourcesUpToDate')]).toEqual(['True', 'True']);
    const app = await hub.client.get<Application>(API_VERSION, 'Application', 'web-app-us-east', NS);
    expect(app?.spec.syncPolicy?.automated).toBeUndefined();
    await reconcileApp('web-app-us-east');
    const before = await hub.client.get<Application>(API_VERSION, 'Application', 'web-app-us-east', NS);
    expect(before?.status?.sync?.status).toBe('OutOfSync');
    expect(await member.client.get('apps/v1', 'Deployment', 'web', 'web')).toBeUndefined();

    await cli('sync', 'web-app', '--allow-file-repos', '--cache-dir', join(cacheDir, 'cli'));
    expect(await member.client.get('apps/v1', 'Deployment', 'web', 'web')).toBeDefined();
    expect((await hub.client.get<Application>(API_VERSION, 'Application', 'web-app-us-east', NS))?.status?.sync?.status).toBe('Synced');
  });
});
