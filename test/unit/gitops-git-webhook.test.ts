import { createHmac } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLoopback, registerGitWebhook } from '../../src/gitops/controller/webhook.js';
import { webhookSecret } from '../../src/gitops/git/webhook-signature.js';

// The webhook on a real fastify server over loopback HTTP; the secret from a file, as serve's flag gives it.
const SECRET = 'It5-a-webhook-secret';
let http: FastifyInstance;
let base: string;
let work: string;
const pushes: string[][] = [];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gitops-webhook-'));
  await writeFile(join(work, 'secret'), `${SECRET}\n`);
  http = Fastify();
  http.post('/other', async (req) => ({ parsed: typeof req.body })); // JSON parsing elsewhere is untouched
  registerGitWebhook(http, (urls) => { pushes.push(urls); return 1; }, webhookSecret({ file: join(work, 'secret') }));
  base = await http.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => { await http?.close(); await rm(work, { recursive: true, force: true }); });

const body = JSON.stringify({ repository: { clone_url: 'https://git.example.test/org/apps.git' } });
const sign = (b: string, key = SECRET) => createHmac('sha256', key).update(b).digest('hex');
async function deliver(headers: Record<string, string>, payload = body): Promise<{ status: number; text: string }> {
  const res = await fetch(`${base}/api/v1/webhooks/git`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: payload });
  return { status: res.status, text: await res.text() };
}

describe('git webhook signatures', () => {
  it('refuses unsigned and badly signed deliveries with 401 and triggers nothing', async () => {
    const before = pushes.length;
    const cases: Array<Record<string, string>> = [
      {},
      { 'x-hub-signature-256': `sha256=${sign(body, 'wrong')}` },
      { 'x-hub-signature-256': `sha256=${sign(`${body} `)}` },
      { 'x-gitea-signature': sign(body, 'wrong') },
      { 'x-gitlab-token': 'wrong' },
      { 'x-gitlab-token': `${SECRET}x` },
    ];
    for (const headers of cases) {
      const r = await deliver(headers);
      expect(r.status, JSON.stringify(headers)).toBe(401);
      expect(r.text).not.toContain(SECRET);
    }
    expect(pushes.length).toBe(before);
  });

  it('accepts GitHub, Gitea and GitLab deliveries signed with the secret', async () => {
    const before = pushes.length;
    expect((await deliver({ 'x-hub-signature-256': `sha256=${sign(body)}` })).status).toBe(202);
    expect((await deliver({ 'x-gitea-signature': sign(body) })).status).toBe(202);
    expect((await deliver({ 'x-gitlab-token': SECRET })).status).toBe(202);
    const form = `payload=${encodeURIComponent(body)}`;
    const res = await fetch(`${base}/api/v1/webhooks/git`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-hub-signature-256': `sha256=${sign(form)}` }, body: form });
    expect(res.status).toBe(202);
    expect(pushes.slice(before)).toEqual(Array(4).fill(['https://git.example.test/org/apps.git']));
    const other = await fetch(`${base}/other`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(await other.json()).toEqual({ parsed: 'object' });
  });

  it('fails closed (503) when the configured secret file cannot be read', async () => {
    const app = Fastify();
    registerGitWebhook(app, () => { throw new Error('must not be called'); }, webhookSecret({ file: join(work, 'missing') }));
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const res = await fetch(`${url}/api/v1/webhooks/git`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(res.status).toBe(503);
    } finally {
      await app.close();
    }
  });

  it('without a secret, only loopback peers may deliver unsigned', () => {
    for (const a of ['127.0.0.1', '127.3.2.1', '::1', '::ffff:127.0.0.1']) expect(isLoopback(a), a).toBe(true);
    for (const a of ['10.0.0.1', '::ffff:10.0.0.1', '1.127.0.0', '', undefined]) expect(isLoopback(a), String(a)).toBe(false);
  });
});
