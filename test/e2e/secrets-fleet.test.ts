import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { Application } from '../../src/api/application.js';
import { API_VERSION } from '../../src/api/schema.js';
import { commitAll } from '../../src/gitops/demo.js';
import { runGit } from '../../src/gitops/git/run.js';
import type { KubeClient } from '../../src/kube/client.js';
import type { KubeObject } from '../../src/kube/types.js';
import { secretValue, type SecretObject } from '../../src/mesh/secret-data.js';
import { ALLOW_SECRETS_ANNOTATION } from '../../src/secrets/git-hygiene.js';
import { ESO_API_VERSION } from '../../src/secrets/reconcile.js';
import { waitFor } from '../../src/util/wait.js';
import { meridian, meridianBackground, stopChild } from '../support/cli.js';
import { httpOnce } from '../support/http.js';
import { freePort } from '../support/envtest.js';
import { startTestFleet, type TestFleet } from '../support/fleet.js';
import { clusterPaths } from '../../src/fleet/layout.js';
import { readPid } from '../../src/fleet/processes.js';

// Secret values planted in each region's store and in Git must never show up anywhere a user or an
// operator can see: serve's logs, CLI output, the HTTP API, Events, statuses.
const REGIONS = ['us-east', 'eu-west'];
const NS = 'meridian-system';
const run = randomBytes(4).toString('hex');
const storeValue = (region: string, n: number) => `Planted-${region}-store${n}-${run}-Qx7`;
const GIT_VALUE = `Planted-git-${run}-Kw3`;
const DRIFT_VALUE = `Planted-drift-${run}-Jv5`;
const PLANTED = [...REGIONS.flatMap((r) => [storeValue(r, 1), storeValue(r, 2)]), GIT_VALUE, DRIFT_VALUE];
const b64 = (s: string) => Buffer.from(s).toString('base64');

/**
 * The forms a value can take once encoded: itself and its base64 at each of the three alignments
 * it can have inside a longer encoded text (a JSON document of several keys, for example). For an
 * offset the stable middle of the encoding is used; the edges depend on the neighbouring bytes.
 */
function encodedForms(value: string): string[] {
  const forms = [value, b64(value)];
  for (const k of [0, 1, 2]) {
    const enc = Buffer.concat([Buffer.alloc(k), Buffer.from(value)]).toString('base64');
    forms.push(enc.slice(4, Math.floor((k + Buffer.byteLength(value)) / 3) * 4));
  }
  return forms;
}

/** Every place in `sources` where a planted value or one of its encodings occurs. */
function leaks(sources: Map<string, string>): string[] {
  const found: string[] = [];
  for (const value of PLANTED) {
    for (const form of encodedForms(value)) {
      for (const [source, text] of sources) {
        const at = text.indexOf(form);
        if (at >= 0) found.push(`${source}: "${form}" (of ${value}) at ${at}: ...${text.slice(Math.max(0, at - 120), at + form.length + 40)}...`);
      }
    }
  }
  return found;
}

let fleet: TestFleet;
let serve: ReturnType<typeof meridianBackground> | undefined;
let work: string;
let repoURL: string;
let httpPort: number;
const members = new Map<string, KubeClient>();
/** Every text the test saw, by where it came from. */
const seen = new Map<string, string>();

function cli(label: string, args: string[]): { code: number; stdout: string; stderr: string } {
  const r = meridian([...args, '--kubeconfig', fleet.kubeconfig]);
  seen.set(`meridian ${label} (stdout)`, r.stdout);
  seen.set(`meridian ${label} (stderr)`, r.stderr);
  return r;
}

async function httpGet(path: string): Promise<{ status: number; body: string }> {
  const res = await httpOnce(`http://127.0.0.1:${httpPort}${path}`);
  seen.set(`GET ${path}`, res.body);
  return res;
}

/** Reads the dashboard's event stream until its snapshot arrived (bounded), then closes it. */
async function readStream(path: string): Promise<string> {
  const { body } = await httpOnce(`http://127.0.0.1:${httpPort}${path}`, { until: /event: snapshot\ndata: .*\n\n/ });
  seen.set(`GET ${path}`, body);
  return body;
}

const target = (region: string) => members.get(region)?.get<SecretObject>('v1', 'Secret', 'db', 'web');
const serveTail = () => serve?.output().slice(-3000) ?? '';

async function makeRepo(): Promise<string> {
  const dir = join(work, 'secrets-repo');
  await mkdir(join(dir, 'api'), { recursive: true });
  const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'api-key', namespace: 'api' }, type: 'Opaque', data: { token: b64(GIT_VALUE) } };
  const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'api' } };
  const config = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'api-config', namespace: 'api' }, data: { mode: 'regional' } };
  await writeFile(join(dir, 'api', 'manifests.yaml'), [ns, secret, config].map((o) => stringify(o)).join('---\n'));
  await runGit(['init', '-q', '-b', 'main'], { cwd: dir });
  await commitAll(dir, 'api: a Secret with data in Git');
  return `file://${dir}`;
}

const application = (name: string, cluster: string, allow: boolean): Application => ({
  apiVersion: API_VERSION, kind: 'Application',
  metadata: { name, namespace: NS, ...(allow ? { annotations: { [ALLOW_SECRETS_ANNOTATION]: 'true' } } : {}) },
  spec: { source: { repoURL, targetRevision: 'main', path: 'api' }, destination: { name: cluster, namespace: 'api' }, syncPolicy: { automated: { prune: true, selfHeal: false } } },
});

describe('per-region secrets on the local fleet: nothing planted leaks', () => {
  beforeAll(async () => {
    const started = Date.now();
    fleet = await startTestFleet({ portBase: 32000, ingressNet: 32, members: REGIONS, nodes: 1, join: true });
    for (const r of REGIONS) members.set(r, await fleet.client(r));
    console.log(`secrets e2e: fleet up and joined after ${Date.now() - started} ms`);
    work = await mkdtemp(join(tmpdir(), 'secrets-e2e-'));
    repoURL = await makeRepo();
    httpPort = await freePort();
    serve = meridianBackground(['serve', '--kubeconfig', fleet.kubeconfig, '--controllers', 'clusters,gitops,discovery,dashboard,secrets,secretstores', '--probe-interval', '2',
      '--http-port', String(httpPort), '--no-leader-elect', '--dns-port', '0', '--log-level', 'debug', '--gitops-cache-dir', join(work, 'cache'),
      '--gitops-poll-interval', '5', '--gitops-resync', '5', '--allow-file-repos']);
    await waitFor(async () => (await httpOnce(`http://127.0.0.1:${httpPort}/healthz`)).status === 200, { timeoutMs: 240_000, what: 'meridian serve /healthz', onTimeout: serveTail });
    console.log(`secrets e2e: serve answering after ${Date.now() - started} ms`);

    const plan = { apiVersion: API_VERSION, kind: 'SecretStorePlan', metadata: { name: 'regional' }, spec: { storeName: 'regional', storeKind: 'SecretStore', namespaces: ['web'], regions: REGIONS.map((region) => ({ region, kubernetes: { namespace: 'secrets-store' } })) } };
    await fleet.hub.apply(plan);
    const stores = cli('secrets stores', ['secrets', 'stores', '--plan', 'regional']);
    expect(stores.code, stores.stdout + stores.stderr).toBe(0);
    console.log(`secrets e2e: stores in every member after ${Date.now() - started} ms`);
    for (const r of REGIONS) {
      const m = members.get(r) as KubeClient;
      await m.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'secrets-store' }, data: { password: b64(storeValue(r, 1)), url: b64(`postgres://app:${storeValue(r, 1)}@db`) } });
      await m.apply({ apiVersion: ESO_API_VERSION, kind: 'ExternalSecret', metadata: { name: 'db', namespace: 'web' }, spec: {
        refreshInterval: '2s', secretStoreRef: { name: 'regional', kind: 'SecretStore' }, target: { name: 'db', creationPolicy: 'Owner' },
        data: [{ secretKey: 'password', remoteRef: { key: 'db', property: 'password' } }, { secretKey: 'all', remoteRef: { key: 'db' } }],
      } });
    }
    const apps = join(work, 'apps.yaml');
    await writeFile(apps, `${stringify(application('api-refused', 'us-east', false))}---\n${stringify(application('api-allowed', 'eu-west', true))}`);
    const applied = cli('apply', ['apply', '-f', apps]);
    expect(applied.code, applied.stderr).toBe(0);
    console.log(`secrets e2e: set up after ${Date.now() - started} ms`);
  }, 900_000);

  afterAll(async () => {
    if (serve) await stopChild(serve);
    // The clusters' process groups, so that a failed fleet down does not leave a loaded machine running them.
    const groups = fleet ? fleet.spec.clusters.map((c) => readPid(clusterPaths(fleet.spec, c.name).pid)).filter((p): p is number => p !== undefined) : [];
    await fleet?.stop().catch((err: Error) => {
      for (const g of groups) try { process.kill(-g, 'SIGKILL'); } catch { /* already gone */ }
      throw err;
    });
    if (work) await rm(work, { recursive: true, force: true });
  }, 300_000);

  it('each region\'s target Secret holds its own region\'s store value and follows a change in its store', async () => {
    for (const r of REGIONS) {
      const s = await waitFor(async () => ((await target(r))?.data?.password ? target(r) : undefined), { timeoutMs: 240_000, what: `Secret web/db in ${r}`, onTimeout: serveTail });
      expect(secretValue(s, 'password')).toBe(storeValue(r, 1));
      expect(secretValue(s, 'all')).toContain(storeValue(r, 1));
      // The grep below must be able to see a value: the target holds it in every encoded form checked.
      expect(leaks(new Map([[`target ${r}`, JSON.stringify(s)]])).length).toBeGreaterThan(0);
    }
    await members.get('eu-west')?.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'secrets-store' }, data: { password: b64(storeValue('eu-west', 2)), url: b64(`postgres://app:${storeValue('eu-west', 2)}@db`) } });
    await waitFor(async () => secretValue(await target('eu-west'), 'password') === storeValue('eu-west', 2), { timeoutMs: 240_000, what: 'eu-west target to follow its store', onTimeout: serveTail });
    expect(secretValue(await target('us-east'), 'password')).toBe(storeValue('us-east', 1));
  }, 600_000);

  it('serve\'s secretstores controller keeps the plan in every member and reports it, with least-privilege member credentials', async () => {
    type Plan = KubeObject & { status?: { clusters?: Array<{ cluster: string }>; conditions?: Array<{ type: string; status: string; reason: string; message: string }> } };
    const plan = () => fleet.hub.get<Plan>(API_VERSION, 'SecretStorePlan', 'regional');
    // The CLI (admin credentials) wrote no status: Ready and the members served come from serve.
    const ready = await waitFor(async () => { const p = await plan(); return p?.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'True') ? p : undefined; },
      { timeoutMs: 240_000, what: 'SecretStorePlan regional Ready from serve', onTimeout: (p) => `${JSON.stringify(p?.status)}; serve: ${serveTail()}` });
    expect(ready.status?.clusters?.map((c) => c.cluster).sort()).toEqual([...REGIONS].sort());
    expect(ready.metadata?.finalizers).toContain('secrets.meridian.dev/stores');
    // A store deleted by hand in a member comes back from serve (a touch of the plan starts a pass at once).
    const us = members.get('us-east') as KubeClient;
    expect(await us.delete(ESO_API_VERSION, 'SecretStore', 'regional', 'web')).toBeTruthy();
    await fleet.hub.mergePatch(API_VERSION, 'SecretStorePlan', 'regional', undefined, { metadata: { annotations: { 'e2e.meridian.dev/touch': String(Date.now()) } } });
    await waitFor(() => us.get(ESO_API_VERSION, 'SecretStore', 'regional', 'web'), { timeoutMs: 240_000, what: 'the deleted SecretStore back in us-east', onTimeout: serveTail });
  }, 600_000);

  it('a Secret with data in Git is refused with a condition unless the Application allows it', async () => {
    const refused = await waitFor(async () => {
      const app = await fleet.hub.get<Application>(API_VERSION, 'Application', 'api-refused', NS);
      return app?.status?.conditions?.find((c) => /SecretInGit/.test(c.message ?? '')) ? app : undefined;
    }, { timeoutMs: 240_000, what: 'api-refused to say SecretInGit', onTimeout: serveTail });
    expect(JSON.stringify(refused.status?.conditions)).toContain('api/api-key (keys token)');
    expect(await members.get('us-east')?.get('v1', 'ConfigMap', 'api-config', 'api')).toBeUndefined();
    const allowed = () => fleet.hub.get<Application>(API_VERSION, 'Application', 'api-allowed', NS);
    const synced = await waitFor(async () => members.get('eu-west')?.get<SecretObject>('v1', 'Secret', 'api-key', 'api'),
      { timeoutMs: 240_000, what: 'api-key in eu-west', onTimeout: () => 'see below' }).catch(async (err: Error) => { throw new Error(`${err.message}: api-allowed status ${JSON.stringify((await allowed())?.status)}`); });
    expect(secretValue(synced, 'token')).toBe(GIT_VALUE);
    // Drift the live value by hand: diff must show that it changed without showing either value.
    await members.get('eu-west')?.mergePatch('v1', 'Secret', 'api-key', 'api', { data: { token: b64(DRIFT_VALUE) } });
  }, 600_000);

  it('the CLI, the HTTP API, Events, statuses and serve\'s log never carry a planted value or its base64', async () => {
    const diffAllowed = cli('diff api-allowed', ['diff', 'api-allowed', '--cache-dir', join(work, 'cli-cache'), '--allow-file-repos']);
    expect(diffAllowed.code, diffAllowed.stdout + diffAllowed.stderr).toBe(1);
    expect(diffAllowed.stdout).toMatch(/^-\s+token: \++$/m);
    const diffRefused = cli('diff api-refused', ['diff', 'api-refused', '--cache-dir', join(work, 'cli-cache'), '--allow-file-repos']);
    expect(diffRefused.stdout + diffRefused.stderr).toContain('SecretInGit');
    cli('sync --dry-run', ['sync', 'api-allowed', '--dry-run', '--cache-dir', join(work, 'cli-cache'), '--allow-file-repos']);
    expect(cli('secrets stores --json', ['secrets', 'stores', '--plan', 'regional', '--json']).code).toBe(0);
    expect(cli('cluster list', ['cluster', 'list']).stdout).toMatch(/us-east/);
    cli('doctor', ['doctor']);
    cli('doctor --json', ['doctor', '--json']);
    cli('apps', ['apps']);
    cli('services', ['services']);
    cli('nodes', ['nodes']);
    cli('network check', ['network', 'check', '--json']);

    for (const path of ['/healthz', '/readyz', '/metrics', '/api/v1/leader', '/api/v1/clusters', '/api/v1/services', '/api/v1/dashboard/state', '/']) {
      expect((await httpGet(path)).status, path).toBe(200);
    }
    for (const app of ['api-allowed', 'api-refused']) await httpGet(`/api/v1/dashboard/diff?app=${encodeURIComponent(`${NS}/${app}`)}`);
    // The drift may have been healed by now (the dashboard diffs what is live); either way the body is grepped below.
    expect(seen.get(`GET /api/v1/dashboard/diff?app=${encodeURIComponent(`${NS}/api-allowed`)}`)).toMatch(/api-key|no differences/);
    expect(await readStream('/api/v1/dashboard/stream')).toContain('event: snapshot');
    const hook = await httpOnce(`http://127.0.0.1:${httpPort}/api/v1/webhooks/git`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ repository: { clone_url: repoURL } }) });
    seen.set('POST /api/v1/webhooks/git', hook.body);

    const clients: Array<[string, KubeClient]> = [['hub', fleet.hub], ...members];
    for (const [name, c] of clients) seen.set(`Events in ${name}`, JSON.stringify((await c.list('v1', 'Event')).items));
    for (const [name, c] of members) seen.set(`ExternalSecrets in ${name}`, JSON.stringify((await c.list(ESO_API_VERSION, 'ExternalSecret')).items));
    for (const kind of ['Application', 'Cluster', 'SecretStorePlan']) seen.set(`${kind}s on the hub`, JSON.stringify((await fleet.hub.list<KubeObject>(API_VERSION, kind)).items));
    await stopChild(serve as NonNullable<typeof serve>);
    seen.set('meridian serve (stdout and stderr)', serve?.output() ?? '');

    // What the sources must hold for the grep to mean something.
    expect(seen.get('meridian serve (stdout and stderr)')).toMatch(/external secret reconciled/);
    expect(seen.get('ExternalSecrets in eu-west')).toMatch(/SecretSynced/);
    expect(leaks(seen)).toEqual([]);
  }, 900_000);
});
