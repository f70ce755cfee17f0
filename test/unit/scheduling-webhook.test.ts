import https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookServer } from '../../src/scheduling/webhook-server.js';
import { webhookConfiguration } from '../../src/scheduling/webhook-config.js';
import { silentLogger } from '../../src/util/log.js';
import type { NamespaceOffloading } from '../../src/api/offloading.js';

function post(url: string, ca: string, body: string): Promise<{ status: number; json: Record<string, unknown> | undefined; text: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: 'POST', ca, headers: { 'Content-Type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => {
        let json: Record<string, unknown> | undefined;
        try { json = JSON.parse(text) as Record<string, unknown>; } catch { json = undefined; }
        resolve({ status: res.statusCode ?? 0, json, text });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const review = (pod: Record<string, unknown>, namespace = 'app') => JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'r1', namespace, operation: 'CREATE', object: pod } });
const decode = (json: Record<string, unknown> | undefined) => JSON.parse(Buffer.from(String((json?.response as { patch?: string })?.patch ?? 'W10='), 'base64').toString()) as Array<{ path: string; value: unknown }>;

describe('scheduling webhook over HTTPS', () => {
  const offloadings: Record<string, NamespaceOffloading> = { app: { metadata: { name: 'o', namespace: 'app' }, spec: { podOffloadingStrategy: 'Remote' } } };
  const server = new WebhookServer('127.0.0.1', 0, (cluster, ns) => (cluster === 'us-east' ? offloadings[ns] : undefined), silentLogger);
  let base = '';

  beforeAll(async () => {
    base = await server.start('127.0.0.1');
  });
  afterAll(() => server.stop());

  it('serves with a certificate its CA bundle verifies, and mutates an elected pod', async () => {
    const r = await post(`${base}/elect/us-east`, server.caPem, review({ metadata: { name: 'p', annotations: { 'multicluster.admiralty.io/elect': '' } }, spec: { containers: [{ name: 'c' }] } }));
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: 'r1', allowed: true, patchType: 'JSONPatch' } });
    expect(decode(r.json).find((o) => o.path === '/spec/schedulerName')?.value).toBe('admiralty-proxy');
  });

  it('admits a pod without the annotation unchanged; offload follows the namespace\'s NamespaceOffloading', async () => {
    const plain = await post(`${base}/elect/us-east`, server.caPem, review({ metadata: { name: 'p' }, spec: { containers: [{ name: 'c' }] } }));
    expect((plain.json?.response as Record<string, unknown>).patch).toBeUndefined();
    const offloaded = await post(`${base}/offload/us-east`, server.caPem, review({ metadata: { name: 'p' }, spec: { containers: [{ name: 'c' }] } }));
    expect(decode(offloaded.json).map((o) => o.path)).toEqual(['/spec/tolerations', '/spec/affinity']);
    const elsewhere = await post(`${base}/offload/us-east`, server.caPem, review({ metadata: { name: 'p' }, spec: { containers: [{ name: 'c' }] } }, 'other'));
    expect((elsewhere.json?.response as Record<string, unknown>).patch).toBeUndefined();
  });

  it('answers 400 to a malformed review and 404 to unknown paths', async () => {
    expect((await post(`${base}/elect/us-east`, server.caPem, '{"request":{}}')).status).toBe(400);
    expect((await post(`${base}/elect/../../etc`, server.caPem, review({}))).status).toBe(404);
    expect((await post(`${base}/other/us-east`, server.caPem, review({}))).status).toBe(404);
  });

  it('the webhook configuration points both webhooks at this server with its CA', () => {
    const cfg = webhookConfiguration('us-east', base, server.caPem) as { webhooks: Array<{ clientConfig: { url: string; caBundle: string }; namespaceSelector: unknown; failurePolicy: string }> };
    expect(cfg.webhooks.map((w) => w.clientConfig.url)).toEqual([`${base}/elect/us-east`, `${base}/offload/us-east`]);
    expect(Buffer.from(cfg.webhooks[0].clientConfig.caBundle, 'base64').toString()).toBe(server.caPem);
    expect(cfg.webhooks[0].namespaceSelector).toEqual({ matchExpressions: [{ key: 'multicluster-scheduler', operator: 'In', values: ['enabled'] }] });
  });
});
