import { execFileSync } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe, type ProbeTarget } from '../../src/traffic/probe.js';
import { freePort } from '../support/envtest.js';

const ADDRESS = '127.0.13.21';

describe('health probes against real sockets (http, https, tcp)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-probe-'));
  let httpServer: http.Server;
  let httpsServer: https.Server;
  let httpPort: number;
  let httpsPort: number;
  let slowPort: number;
  let slow: http.Server;
  const seenHosts: string[] = [];

  beforeAll(async () => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=web.global.example.test',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    const handler: http.RequestListener = (req, res) => {
      seenHosts.push(req.headers.host ?? '');
      res.writeHead(req.url === '/healthz' ? 200 : req.url === '/teapot' ? 418 : 503).end();
    };
    httpServer = http.createServer(handler);
    httpsServer = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, handler);
    slow = http.createServer(() => undefined);
    [httpPort, httpsPort, slowPort] = [await freePort(), await freePort(), await freePort()];
    await Promise.all([[httpServer, httpPort], [httpsServer, httpsPort], [slow, slowPort]].map(([s, p]) => new Promise<void>((r) => (s as http.Server).listen(p as number, ADDRESS, r))));
  });
  afterAll(async () => {
    for (const s of [httpServer, httpsServer, slow]) {
      s?.closeAllConnections();
      await new Promise((r) => s?.close(r));
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const target = (t: Partial<ProbeTarget>): ProbeTarget => ({ protocol: 'http', address: ADDRESS, port: httpPort, path: '/healthz', expectedStatus: [], timeoutMs: 500, ...t });

  it('http: 2xx/3xx is healthy by default, the Host header is sent, other codes fail with the code in the message', async () => {
    expect(await probe(target({ host: 'web.global.example.test' }))).toMatchObject({ ok: true, reason: 'StatusOK' });
    expect(seenHosts.at(-1)).toBe('web.global.example.test');
    expect(await probe(target({ path: '/down' }))).toMatchObject({ ok: false, reason: 'UnexpectedStatus', message: expect.stringContaining('answered 503') });
    expect(await probe(target({ path: '/teapot', expectedStatus: [418] }))).toMatchObject({ ok: true });
  });

  it('https: probes a self-signed endpoint with the host as TLS server name', async () => {
    expect(await probe(target({ protocol: 'https', port: httpsPort, host: 'web.global.example.test' }))).toMatchObject({ ok: true, reason: 'StatusOK' });
  });

  it('tcp: an accepting port is healthy, a closed one is not', async () => {
    expect(await probe(target({ protocol: 'tcp' }))).toMatchObject({ ok: true, reason: 'Connected' });
    expect(await probe(target({ protocol: 'tcp', port: await freePort() }))).toMatchObject({ ok: false, reason: 'ConnectionFailed' });
  });

  it('gives up after the timeout when the server never answers', async () => {
    const r = await probe(target({ port: slowPort, timeoutMs: 300 }));
    expect(r).toMatchObject({ ok: false, reason: 'Timeout' });
    // The reason is the outcome; how long it took is the machine's business (bench/ measures it).
  });
});
