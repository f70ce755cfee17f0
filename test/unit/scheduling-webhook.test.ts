import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookServer } from '../../src/scheduling/webhook-server.js';
import { webhookConfiguration } from '../../src/scheduling/webhook-config.js';
import { silentLogger } from '../../src/util/log.js';
import { waitFor } from '../../src/util/wait.js';
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

describe('scheduling webhook process', () => {
  const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };
  const elected = () => review({ metadata: { name: 'p', annotations: { 'multicluster.admiralty.io/elect': '' } }, spec: { containers: [{ name: 'c' }] } });

  it('answers from its own process, whose event loop this one cannot hold up', async () => {
    const server = new WebhookServer('127.0.0.1', 0, () => undefined, silentLogger);
    const base = await server.start('127.0.0.1');
    try {
      expect(server.pid).toBeGreaterThan(0);
      expect(server.pid).not.toBe(process.pid);
      // A client in another process is answered while this event loop is held (the old in-process
      // server could answer nothing until the loop was free): it writes the status into a file,
      // which this loop polls synchronously, bounded at 60 s. The file appears by a rename, whole: a
      // file seen between its creation and its write read as '' once, under load.
      const answered = join(mkdtempSync(join(tmpdir(), 'webhook-')), 'status');
      const script = `require('https').request(process.env.URL, { method: 'POST', ca: process.env.CA }, (r) => { r.resume(); r.on('end', () => { const fs = require('fs'); fs.writeFileSync(process.env.OUT + '.part', String(r.statusCode)); fs.renameSync(process.env.OUT + '.part', process.env.OUT); }); }).end(process.env.BODY)`;
      const client = spawn(process.execPath, ['-e', script], { env: { ...process.env, URL: `${base}/elect/us-east`, CA: server.caPem, BODY: elected(), OUT: answered }, stdio: 'ignore' });
      const spinStart = Date.now();
      while (!existsSync(answered) && Date.now() - spinStart < 60_000) { /* hold the loop */ }
      const status = existsSync(answered) ? readFileSync(answered, 'utf8') : 'no answer while the loop was held';
      await new Promise<void>((resolve) => (client.exitCode !== null ? resolve() : client.once('exit', () => resolve())));
      rmSync(dirname(answered), { recursive: true, force: true });
      expect(status).toBe('200');
    } finally {
      await server.stop();
    }
  }, 60_000);

  it('is restarted on the same port when it dies, and stop leaves no process behind', async () => {
    const server = new WebhookServer('127.0.0.1', 0, () => undefined, silentLogger);
    const base = await server.start('127.0.0.1');
    const first = server.pid as number;
    process.kill(first, 'SIGKILL');
    await waitFor(() => server.pid !== first && server.pid !== undefined, { timeoutMs: 30_000, what: 'a new webhook process' });
    const r = await waitFor(async () => { const x = await post(`${base}/elect/us-east`, server.caPem, elected()).catch(() => undefined); return x?.status === 200 ? x : undefined; }, { timeoutMs: 60_000, what: 'an answer on the same URL' });
    expect(decode(r.json).find((o) => o.path === '/spec/schedulerName')?.value).toBe('admiralty-proxy');
    const second = server.pid as number;
    await server.stop();
    expect(alive(second)).toBe(false);
  }, 120_000);
});
