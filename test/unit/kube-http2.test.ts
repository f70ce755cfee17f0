import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { getEventListeners, setMaxListeners } from 'node:events';
import http2 from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClient } from '../../src/kube/client.js';
import { waitFor } from '../../src/util/wait.js';

// Requests to an API server that speaks HTTP/2 go as streams over one connection, as client-go
// sends them: a burst opens one TLS connection, not one per request in flight. A connection the
// server closes is replaced on the next request. (Servers without HTTP/2 are covered by
// gitops-member-tls.test.ts: the client falls back to HTTP/1.1.)

let work: string;
let server: http2.Http2SecureServer;
let base: string;
let caPem: string;
const sessions = new Set<http2.ServerHttp2Session>();
const everySession = new Set<http2.ServerHttp2Session>();
const received: Array<{ method: string; path: string; body: string; auth: string }> = [];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'kube-h2-'));
  const cert = join(work, 'server.crt');
  const key = join(work, 'server.key');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=apiserver', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  caPem = await readFile(cert, 'utf8');
  server = http2.createSecureServer({ cert: caPem, key: await readFile(key, 'utf8'), unknownProtocolTimeout: 100 });
  server.on('session', (s) => {
    sessions.add(s);
    everySession.add(s);
  });
  server.on('stream', (stream, headers) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      const path = String(headers[':path']);
      received.push({ method: String(headers[':method']), path, body: Buffer.concat(chunks).toString('utf8'), auth: String(headers.authorization ?? '') });
      const status = path.startsWith('/missing') ? 404 : 200;
      const body = status === 404 ? JSON.stringify({ kind: 'Status', reason: 'NotFound', message: 'pods "x" not found' }) : JSON.stringify({ path });
      // Slow enough that a burst is in flight at once.
      setTimeout(() => {
        if (stream.destroyed) return;
        stream.respond({ ':status': status, 'content-type': 'application/json' });
        stream.end(body);
      }, 30);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  base = `https://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});
afterAll(async () => {
  for (const s of everySession) s.destroy();
  await new Promise((r) => server.close(r));
  await rm(work, { recursive: true, force: true });
});

describe('kube client over HTTP/2', () => {
  it('sends a burst of requests as streams of one connection, with their bodies, credentials and answers', async () => {
    const client = KubeClient.fromToken(base, caPem, 'the-token', 'member');
    try {
      sessions.clear();
      received.length = 0;
      const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => client.request<{ path: string }>('POST', `/api/v1/namespaces/a/pods?n=${i}`, { body: { n: i } })));
      expect(answers.map((a) => a.path)).toEqual(Array.from({ length: 60 }, (_, i) => `/api/v1/namespaces/a/pods?n=${i}`));
      expect(sessions.size, 'TLS connections the burst opened').toBe(1);
      expect(received.map((r) => JSON.parse(r.body).n).sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, i) => i));
      expect(new Set(received.map((r) => r.auth))).toEqual(new Set(['Bearer the-token']));
      await expect(client.request('GET', '/missing/x')).rejects.toMatchObject({ status: 404, reason: 'NotFound' });
      const text = await client.getText('/readyz');
      expect(text).toEqual({ status: 200, text: JSON.stringify({ path: '/readyz' }) });
    } finally {
      client.close();
    }
  });

  it('lets the server send a burst of answers without waiting for window updates (client-go\'s windows, not Node\'s 64 KiB)', async () => {
    const client = KubeClient.fromToken(base, caPem, 'the-token', 'member');
    try {
      sessions.clear();
      await client.request('GET', '/window');
      const [session] = [...sessions];
      expect(session.remoteSettings.initialWindowSize, 'window of each stream').toBe(4 << 20);
      expect(session.state.remoteWindowSize, 'window of the connection').toBeGreaterThan(1 << 29);
    } finally {
      client.close();
    }
  });

  it('replaces a connection the server closed', async () => {
    const client = KubeClient.fromToken(base, caPem, 'the-token', 'member');
    try {
      sessions.clear();
      await client.request('GET', '/one');
      expect(sessions.size).toBe(1);
      for (const s of sessions) s.close();
      await new Promise((r) => setTimeout(r, 50));
      expect(await client.request<{ path: string }>('GET', '/two')).toEqual({ path: '/two' });
      expect(sessions.size, 'connections: the closed one and its replacement').toBe(2);
    } finally {
      client.close();
    }
  });

  it('refuses a server its CA did not sign, over HTTP/2 as over HTTP/1.1', async () => {
    const other = join(work, 'other');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=other', '-keyout', `${other}.key`, '-out', `${other}.crt`], { stdio: 'ignore' });
    const stranger = KubeClient.fromToken(base, await readFile(`${other}.crt`, 'utf8'), 'the-token', 'member');
    try {
      await expect(stranger.request('GET', '/x')).rejects.toThrow(/self.signed|unable to verify|certificate/i);
    } finally {
      stranger.close();
    }
  });

  it('MERIDIAN_KUBE_HTTP2=0 keeps requests on HTTP/1.1', async () => {
    process.env.MERIDIAN_KUBE_HTTP2 = '0';
    const client = KubeClient.fromToken(base, caPem, 'the-token', 'member');
    delete process.env.MERIDIAN_KUBE_HTTP2;
    try {
      // This server speaks HTTP/2 only (allowHTTP1 unset): an HTTP/1.1 request cannot get through.
      await expect(client.request('GET', '/x', { timeoutMs: 2000 })).rejects.toThrow();
    } finally {
      client.close();
    }
  });
});

describe('a fenced write with a signal of its own', () => {
  /** What a signal still holds for others: its abort listeners and Node's own list of signals made from it. */
  const held = (s: AbortSignal) => {
    const dependants = Object.getOwnPropertySymbols(s).find((k) => k.description === 'kDependantSignals');
    return getEventListeners(s, 'abort').length + ((dependants ? (s as unknown as Record<symbol, Set<unknown>>)[dependants]?.size : 0) ?? 0);
  };

  it('leaves nothing behind on the fence or the caller signal, and is still cancelled by either', async () => {
    const client = KubeClient.fromToken(base, caPem, 'the-token', 'member');
    const lease = new AbortController();
    const caller = new AbortController();
    setMaxListeners(0, caller.signal); // a long-lived caller signal, as the proxy scheduler's
    client.fenceWrites({ valid: () => true, signal: lease.signal, describe: () => 'replica-a' });
    try {
      await Promise.all(Array.from({ length: 200 }, (_, i) => client.request('POST', `/api/v1/namespaces/a/configmaps?n=${i}`, { body: {}, signal: caller.signal })));
      // Both signals live as long as the lease and the caller: each write must drop its link to them.
      expect(held(lease.signal)).toBe(0);
      expect(held(caller.signal)).toBe(0);
      const inFlight = client.request('POST', '/api/v1/namespaces/a/configmaps?n=late', { body: {}, signal: caller.signal });
      lease.abort(new Error('lease lost'));
      await expect(inFlight).rejects.toThrow();
    } finally {
      client.close();
    }
  });

  it('an unfenced request leaves nothing on the caller signal either', async () => {
    const client = KubeClient.fromToken(base, caPem, 'the-token', 'member');
    const caller = new AbortController();
    setMaxListeners(0, caller.signal);
    try {
      await Promise.all(Array.from({ length: 50 }, (_, i) => client.request('POST', `/api/v1/namespaces/a/configmaps?u=${i}`, { body: {}, signal: caller.signal })));
      // Node's HTTP/2 stream takes its listener off at 'close', which follows the answer's 'end'.
      await waitFor(() => held(caller.signal) === 0, { timeoutMs: 10_000, what: 'every stream\'s abort listener off the caller signal' });
    } finally {
      client.close();
    }
  });
});
