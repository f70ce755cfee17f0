import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { SecretStorePlan } from '../../src/api/secretstoreplan.js';
import { KubeClient } from '../../src/kube/client.js';
import { KubeApiError } from '../../src/kube/errors.js';
import type { KubeObject } from '../../src/kube/types.js';
import { secretValue, type SecretObject } from '../../src/mesh/secret-data.js';
import { applyPlanToMember } from '../../src/secrets/apply-plan.js';
import { SecretsController } from '../../src/secrets/controller.js';
import { ESO_API_VERSION, type SecretsMember } from '../../src/secrets/reconcile.js';
import { STORE_TOKEN_SECRET } from '../../src/secrets/stores.js';
import { waitFor } from '../../src/util/wait.js';
import { startEnvtest, type Envtest } from '../support/envtest.js';

const REGIONS = ['us-east', 'eu-west'];
const planted = (region: string, n: number) => `planted-${region}-value-${n}-Zq9`;

const plan: SecretStorePlan = {
  apiVersion: 'meridian.dev/v1alpha1', kind: 'SecretStorePlan', metadata: { name: 'regional' },
  spec: { storeName: 'regional', storeKind: 'SecretStore', namespaces: ['web'], regions: REGIONS.map((region) => ({ region, kubernetes: { namespace: 'secrets-store' } })) },
};

const caOf = (env: Envtest) => Buffer.from((parse(readFileSync(env.kubeconfig, 'utf8')) as { clusters: Array<{ cluster: { 'certificate-authority-data': string } }> }).clusters[0].cluster['certificate-authority-data'], 'base64').toString('utf8');
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('per-region External Secrets, Kubernetes provider, two real API servers', () => {
  const envs: Envtest[] = [];
  let controller: SecretsController;
  let logs = '';

  beforeAll(async () => {
    for (const name of REGIONS) envs.push(await startEnvtest({ name, crds: [] }));
    for (const [i, region] of REGIONS.entries()) {
      expect((await applyPlanToMember(envs[i].client, plan, region)).provider).toBe('kubernetes');
      await envs[i].client.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'secrets-store' }, data: { password: b64(planted(region, 1)) } });
      await envs[i].client.create({ apiVersion: ESO_API_VERSION, kind: 'ExternalSecret', metadata: { name: 'db', namespace: 'web' }, spec: { refreshInterval: '1s', secretStoreRef: { name: 'regional', kind: 'SecretStore' }, target: { name: 'db', creationPolicy: 'Owner', deletionPolicy: 'Delete' }, data: [{ secretKey: 'password', remoteRef: { key: 'db', property: 'password' } }] } });
    }
    const sink = new Writable({ write: (chunk, _enc, cb) => ((logs += String(chunk)), cb()) });
    const members: SecretsMember[] = REGIONS.map((name, i) => ({ name, client: envs[i].client, server: envs[i].server, caPem: caOf(envs[i]) }));
    controller = new SecretsController({ list: async () => members, subscribe: () => () => undefined }, pino({ level: 'debug' }, sink));
    await controller.start();
  }, 600_000);
  afterAll(async () => {
    await controller?.stop();
    for (const e of envs.reverse()) await e.stop();
    // Nothing the test planted ever reached a log line.
    for (const region of REGIONS) for (const n of [1, 2]) expect(logs).not.toContain(planted(region, n));
    for (const region of REGIONS) for (const n of [1, 2]) expect(logs).not.toContain(b64(planted(region, n)));
  });

  const target = (i: number) => envs[i].client.get<SecretObject>('v1', 'Secret', 'db', 'web');

  it('the API servers accept the stores in v1 and v1beta1 (ESO 0.16.2 CRDs)', async () => {
    const store = await envs[0].client.get<SecretObject & { spec: { provider: { kubernetes: { remoteNamespace: string } } } }>(ESO_API_VERSION, 'SecretStore', 'regional', 'web');
    expect(store?.spec.provider.kubernetes.remoteNamespace).toBe('secrets-store');
    await envs[0].client.apply({ apiVersion: 'external-secrets.io/v1beta1', kind: 'SecretStore', metadata: { name: 'beta', namespace: 'web' }, spec: { provider: { kubernetes: { remoteNamespace: 'secrets-store', auth: { token: { bearerToken: { name: STORE_TOKEN_SECRET, key: 'token' } } } } } } });
    await expect(envs[0].client.create({ apiVersion: ESO_API_VERSION, kind: 'SecretStore', metadata: { name: 'bad', namespace: 'web' }, spec: { provider: 'nope' } })).rejects.toBeInstanceOf(KubeApiError);
  });

  it('each region\'s target Secret holds its own region\'s value, with ESO\'s status', async () => {
    for (const [i, region] of REGIONS.entries()) {
      const s = await waitFor(async () => ((await target(i).catch(() => undefined)) ? target(i) : undefined), { timeoutMs: 120_000, what: `Secret web/db in ${region}`, onTimeout: () => logs.slice(-2000) });
      expect(secretValue(s, 'password')).toBe(planted(region, 1));
      expect(s.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'ExternalSecret', name: 'db', controller: true });
      const es = await waitFor(async () => {
        const got = await envs[i].client.get<SecretObject & { status?: { conditions: Array<{ type: string; status: string; reason: string }>; refreshTime: string; syncedResourceVersion: string } }>(ESO_API_VERSION, 'ExternalSecret', 'db', 'web');
        return got?.status?.conditions ? got : undefined;
      }, { timeoutMs: 120_000, what: `status of ExternalSecret web/db in ${region}` });
      expect(es.status?.conditions[0]).toMatchObject({ type: 'Ready', status: 'True', reason: 'SecretSynced' });
      expect(es.status?.syncedResourceVersion).toMatch(/^1-[0-9a-f]+$/);
      expect(Date.parse(es.status?.refreshTime ?? '')).toBeGreaterThan(0);
    }
  });

  it('follows a change in its own store on refreshInterval, and only its own', async () => {
    await envs[1].client.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'secrets-store' }, data: { password: b64(planted('eu-west', 2)) } });
    await waitFor(async () => secretValue(await target(1), 'password') === planted('eu-west', 2), { timeoutMs: 120_000, what: 'eu-west target to follow its store' });
    expect(secretValue(await target(0), 'password')).toBe(planted('us-east', 1));
  });

  it('a bad refreshInterval is a terminal error: a condition and one Event naming object and field, no retry; the fixed spec syncs', async () => {
    const c = envs[1].client;
    type Es = SecretObject & { status?: { conditions?: Array<{ type: string; status: string; reason: string; message: string }> } };
    type Ev = { type: string; reason: string; message: string; involvedObject: { name: string } };
    await c.create({ apiVersion: ESO_API_VERSION, kind: 'ExternalSecret', metadata: { name: 'bad-interval', namespace: 'web' }, spec: { refreshInterval: 'soon', secretStoreRef: { name: 'regional' }, target: { name: 'bad-interval' }, data: [{ secretKey: 'password', remoteRef: { key: 'db', property: 'password' } }] } });
    const message = 'ExternalSecret web/bad-interval: spec.refreshInterval: "soon" is not a duration (e.g. 1h, 15m, 30s)';
    const ready = await waitFor(async () => (await c.get<Es>(ESO_API_VERSION, 'ExternalSecret', 'bad-interval', 'web'))?.status?.conditions?.find((x) => x.type === 'Ready'), { timeoutMs: 120_000, what: 'Ready condition of web/bad-interval', onTimeout: () => logs.slice(-2000) });
    expect(ready).toMatchObject({ status: 'False', reason: 'SecretSyncedError', message });
    const events = async () => (await c.list<KubeObject & Ev>('v1', 'Event', { namespace: 'web' })).items;
    const about = await waitFor(async () => {
      const l = (await events()).filter((e) => e.involvedObject.name === 'bad-interval');
      return l.length ? l : undefined;
    }, { timeoutMs: 120_000, what: 'an Event about web/bad-interval' });
    expect(about).toEqual([expect.objectContaining({ type: 'Warning', reason: 'InvalidSpec', message })]);
    // Not retried: three more passes of web/db (1 s refresh) go by, and bad-interval was looked at once, with no failure logged.
    const passes = (what: string) => logs.split('\n').filter((l) => l.includes('"cluster":"eu-west"') && l.includes(what)).length;
    const before = passes('"externalSecret":"web/db"');
    await waitFor(() => passes('"externalSecret":"web/db"') >= before + 3, { timeoutMs: 120_000, what: 'three more passes of eu-west web/db' });
    expect(passes('"externalSecret":"web/bad-interval"')).toBe(1);
    expect(logs).not.toMatch(/bad-interval.*reconcile failed|reconcile failed.*bad-interval/);
    expect((await events()).filter((e) => e.involvedObject.name === 'bad-interval')).toHaveLength(1);
    // A new generation is looked at again.
    await c.mergePatch(ESO_API_VERSION, 'ExternalSecret', 'bad-interval', 'web', { spec: { refreshInterval: '1s' } });
    const fixed = await waitFor(async () => c.get<SecretObject>('v1', 'Secret', 'bad-interval', 'web'), { timeoutMs: 120_000, what: 'target of the fixed web/bad-interval', onTimeout: () => logs.slice(-2000) });
    expect(secretValue(fixed, 'password')).toBe(planted('eu-west', 2));
    const updated = await waitFor(async () => (await events()).find((e) => e.involvedObject.name === 'bad-interval' && e.reason === 'Updated'), { timeoutMs: 120_000, what: 'an Updated Event for web/bad-interval' });
    expect(updated).toMatchObject({ type: 'Normal', message: 'target Secret web/bad-interval written from the store' });
    // Events carry names and reasons, never values.
    for (const e of envs) {
      const text = JSON.stringify((await e.client.list('v1', 'Event')).items);
      for (const region of REGIONS) for (const n of [1, 2]) for (const v of [planted(region, n), b64(planted(region, n))]) expect(text).not.toContain(v);
    }
  }, 600_000);

  it('the store token reads only its store namespace', async () => {
    const token = secretValue(await envs[0].client.get<SecretObject>('v1', 'Secret', STORE_TOKEN_SECRET, 'web'), 'token') as string;
    const scoped = KubeClient.fromToken(envs[0].server, caOf(envs[0]), token, 'scoped');
    try {
      expect(await scoped.get('v1', 'Secret', 'db', 'secrets-store')).toBeDefined();
      await expect(scoped.get('v1', 'Secret', 'db', 'web')).rejects.toMatchObject({ status: 403 });
      await expect(scoped.list('v1', 'Secret')).rejects.toMatchObject({ status: 403 });
    } finally {
      scoped.close();
    }
  });

  it('creationPolicy Merge needs an existing target; deletionPolicy Delete removes the target when the remote key goes', async () => {
    const c = envs[0].client;
    await c.create({ apiVersion: ESO_API_VERSION, kind: 'ExternalSecret', metadata: { name: 'merge', namespace: 'web' }, spec: { refreshInterval: '1s', secretStoreRef: { name: 'regional' }, target: { name: 'absent', creationPolicy: 'Merge' }, data: [{ secretKey: 'p', remoteRef: { key: 'db', property: 'password' } }] } });
    const failed = await waitFor(async () => (await c.get<SecretObject & { status?: { conditions?: Array<{ status: string; reason: string; message: string }> } }>(ESO_API_VERSION, 'ExternalSecret', 'merge', 'web'))?.status?.conditions?.[0], { timeoutMs: 120_000, what: 'merge ExternalSecret status' });
    expect(failed).toMatchObject({ status: 'False', reason: 'SecretSyncedError', message: expect.stringContaining('does not exist') });
    await c.delete('v1', 'Secret', 'db', 'secrets-store');
    await waitFor(async () => (await target(0)) === undefined, { timeoutMs: 120_000, what: 'us-east target deleted after its remote key went' });
    // The target goes first, the status follows in the same pass.
    const reason = async () => (await c.get<SecretObject & { status: { conditions: Array<{ reason: string }> } }>(ESO_API_VERSION, 'ExternalSecret', 'db', 'web'))?.status.conditions[0].reason;
    await waitFor(async () => (await reason()) === 'SecretDeleted', { timeoutMs: 120_000, what: 'ExternalSecret us-east web/db to say SecretDeleted' });
    expect(await reason()).toBe('SecretDeleted');
  });
});
