import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { API_VERSION } from '../../src/api/schema.js';
import type { SecretStorePlan } from '../../src/api/secretstoreplan.js';
import type { KubeObject } from '../../src/kube/types.js';
import { PLAN_FINALIZER, SecretStorePlanController } from '../../src/secrets/plan-controller.js';
import type { PlanMember } from '../../src/secrets/plan-member.js';
import { ESO_API_VERSION } from '../../src/secrets/reconcile.js';
import { PLAN_LABEL, STORE_TOKEN_SECRET } from '../../src/secrets/stores.js';
import { waitFor } from '../../src/util/wait.js';
import { startEnvtest, type Envtest } from '../support/envtest.js';

type Plan = SecretStorePlan & { status?: { conditions?: Array<{ type: string; status: string; reason: string; message: string }> } };

/** One API server is both the hub (the plan) and the member us-east (its stores), as a joined hub can be. */
describe('SecretStorePlan applied by the secretstores controller', () => {
  let env: Envtest;
  let controller: SecretStorePlanController;
  let logs = '';
  const plan = (regions: SecretStorePlan['spec']['regions']): SecretStorePlan => ({ apiVersion: API_VERSION, kind: 'SecretStorePlan', metadata: { name: 'regional' }, spec: { storeName: 'regional', storeKind: 'SecretStore', namespaces: ['web'], regions } });
  const getPlan = () => env.client.get<Plan>(API_VERSION, 'SecretStorePlan', 'regional');
  const store = () => env.client.get(ESO_API_VERSION, 'SecretStore', 'regional', 'web');
  const ready = async () => findReady(await getPlan());
  const findReady = (p: Plan | undefined) => p?.status?.conditions?.find((c) => c.type === 'Ready');

  beforeAll(async () => {
    env = await startEnvtest({ name: 'secrets-plan' });
    const caPem = Buffer.from((parse(readFileSync(env.kubeconfig, 'utf8')) as { clusters: Array<{ cluster: { 'certificate-authority-data': string } }> }).clusters[0].cluster['certificate-authority-data'], 'base64').toString('utf8');
    const members: PlanMember[] = [{ name: 'us-east', region: 'us-east', client: env.client, server: env.server, caPem }];
    controller = new SecretStorePlanController(env.client, { list: async () => members, subscribe: () => () => undefined }, pino({ level: 'info' }, new Writable({ write: (chunk, _enc, cb) => ((logs += String(chunk)), cb()) })), 2000);
    await controller.start();
  }, 600_000);
  afterAll(async () => {
    await controller?.stop();
    await env?.stop();
  });

  it('applies the region\'s store, proves the reader, records status, and puts back a store deleted by hand', async () => {
    await env.client.create(plan([{ region: 'us-east', kubernetes: { namespace: 'secrets-store' } }, { region: 'eu-west', kubernetes: { namespace: 'secrets-store' } }]));
    const done = await waitFor(async () => { const p = await getPlan(); return findReady(p)?.status === 'True' ? p : undefined; }, { timeoutMs: 240_000, what: 'plan Ready', onTimeout: (p) => `${JSON.stringify(p?.status)}; log: ${logs.slice(-1500)}` });
    expect(done.status?.clusters).toEqual([{ cluster: 'us-east', region: 'us-east', provider: 'kubernetes' }]);
    expect(done.metadata?.finalizers).toContain(PLAN_FINALIZER);
    expect((await store())?.metadata?.labels?.[PLAN_LABEL]).toBe('regional');
    expect(await env.client.get('v1', 'Secret', STORE_TOKEN_SECRET, 'web')).toBeDefined();
    await env.client.delete(ESO_API_VERSION, 'SecretStore', 'regional', 'web');
    await waitFor(store, { timeoutMs: 240_000, what: 'the deleted SecretStore back' });
  }, 600_000);

  it('a region entry naming two providers is reported on the plan, with a Warning Event', async () => {
    await env.client.apply(plan([{ region: 'us-east', kubernetes: { namespace: 'secrets-store' }, aws: { region: 'us-east-1' } }]));
    const bad = await waitFor(async () => { const c = await ready(); return c?.status === 'False' ? c : undefined; }, { timeoutMs: 240_000, what: 'plan Ready False', onTimeout: () => logs.slice(-1500) });
    expect(bad).toMatchObject({ reason: 'MembersNotServed', message: expect.stringContaining('us-east (us-east): SecretStorePlan regional: spec.regions[region=us-east] must name exactly one of aws, vault, kubernetes') });
    const events = await waitFor(async () => {
      const l = (await env.client.list<KubeObject & { reason: string; involvedObject: { name: string } }>('v1', 'Event', { namespace: 'default' })).items.filter((e) => e.involvedObject.name === 'regional');
      return l.length ? l : undefined;
    }, { timeoutMs: 240_000, what: 'a Warning Event about the plan' });
    expect(events[0]).toMatchObject({ type: 'Warning', reason: 'MembersNotServed' });
  }, 600_000);

  it('a deleted plan is removed from the member before its finalizer goes; the store namespace stays', async () => {
    await env.client.apply(plan([{ region: 'us-east', kubernetes: { namespace: 'secrets-store' } }]));
    await waitFor(async () => (await ready())?.status === 'True', { timeoutMs: 240_000, what: 'plan Ready again' });
    await env.client.delete(API_VERSION, 'SecretStorePlan', 'regional');
    await waitFor(async () => (await getPlan()) === undefined, { timeoutMs: 240_000, what: 'the plan gone' });
    expect(await store()).toBeUndefined();
    expect(await env.client.get('v1', 'Secret', STORE_TOKEN_SECRET, 'web')).toBeUndefined();
    expect(await env.client.get('rbac.authorization.k8s.io/v1', 'Role', 'meridian-secret-store-reader', 'secrets-store')).toBeUndefined();
    expect(await env.client.get('v1', 'Namespace', 'secrets-store')).toBeDefined();
  }, 600_000);
});
