import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClient } from '../../src/kube/client.js';
import { REQUEST_CONNECTIONS, tlsAgents } from '../../src/kube/transport.js';
import { waitFor } from '../../src/util/wait.js';

// The gitops controller opens many connections to a member at once (a commit to many Applications).
// Every connection of a client shares one TLS context built from its credentials once; the server's
// certificate is still verified against the client's CA on each of them. Requests share a bounded
// pool of warm connections (a burst waits for one rather than opening dozens, each a handshake);
// watches hold connections of their own, so a client watching many kinds still has its pool.

let work: string;
let server: Server;
let base: string;
let caPem: string;
let otherCaPem: string;
const peers = new Set<string>();
const watching = new Set<string>();
const arrivals: string[] = [];

function selfSigned(dir: string, name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', `/CN=${name}`, '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return { cert, key };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'member-tls-'));
  const served = selfSigned(work, 'member');
  const other = selfSigned(work, 'other');
  caPem = await readFile(served.cert, 'utf8');
  otherCaPem = await readFile(other.cert, 'utf8');
  server = createServer({ cert: caPem, key: await readFile(served.key, 'utf8') }, (req, res) => {
    if (req.url?.startsWith('/watch')) {
      // A watch: the stream stays open until the client goes.
      watching.add(`${req.socket.remoteAddress}:${req.socket.remotePort}`);
      res.writeHead(200, { 'content-type': 'application/json' }).write('{"type":"BOOKMARK","object":{}}\n');
      return;
    }
    peers.add(`${req.socket.remoteAddress}:${req.socket.remotePort}`);
    arrivals.push(req.url ?? '');
    // Answers slowly enough that concurrent requests need connections of their own.
    setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ gitVersion: 'v1.20.2', major: '1', minor: '20' })), 50);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  base = `https://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await rm(work, { recursive: true, force: true });
});

describe('kube client TLS: one context per client', () => {
  it('builds the TLS context once and hands connections that context, not the PEMs', () => {
    const agents = tlsAgents({ ca: caPem }, true);
    const options = (agent: unknown) => (agent as { options: Record<string, unknown> }).options;
    expect(options(agents.requests).secureContext).toBeDefined();
    expect(options(agents.watches).secureContext).toBe(options(agents.requests).secureContext);
    expect(options(agents.requests).ca).toBeUndefined();
    expect(options(agents.requests).rejectUnauthorized).toBe(true);
    expect(options(agents.watches).rejectUnauthorized).toBe(true);
  });

  it('verifies the server on every connection of a burst, and refuses a server its CA did not sign', async () => {
    const client = KubeClient.fromToken(base, caPem, 'token', 'member');
    try {
      const answers = await Promise.all(Array.from({ length: 5 }, () => client.version()));
      expect(answers.map((a) => a.gitVersion)).toEqual(Array(5).fill('v1.20.2'));
      expect(peers.size, 'concurrent requests went over connections of their own').toBeGreaterThan(1);
    } finally {
      client.close();
    }
    const stranger = KubeClient.fromToken(base, otherCaPem, 'token', 'member');
    try {
      await expect(stranger.version()).rejects.toThrow(/self.signed|unable to verify|certificate/i);
    } finally {
      stranger.close();
    }
  });

  it('a burst of requests shares the bounded pool of connections, and watches do not take from it', async () => {
    const client = KubeClient.fromToken(base, caPem, 'token', 'member');
    const watches = new AbortController();
    try {
      // More open watches than the pool has connections: requests must still get through.
      const streams = Array.from({ length: REQUEST_CONNECTIONS + 4 }, (_, i) => client.stream(`/watch/${i}`, {}, () => undefined, watches.signal).catch(() => undefined));
      await waitFor(() => watching.size === REQUEST_CONNECTIONS + 4, { timeoutMs: 20_000, what: 'every watch open' });
      peers.clear();
      const answers = await Promise.all(Array.from({ length: REQUEST_CONNECTIONS * 3 }, () => client.version()));
      expect(answers).toHaveLength(REQUEST_CONNECTIONS * 3);
      expect(peers.size, 'connections the burst of requests used').toBeLessThanOrEqual(REQUEST_CONNECTIONS);
      expect(peers.size, 'the burst ran on more than one connection').toBeGreaterThan(1);
      watches.abort();
      await Promise.all(streams);
    } finally {
      watches.abort();
      client.close();
    }
  });

  it('when every connection is busy, a high-priority request goes before the normal ones waiting, and a low one after them', async () => {
    const client = KubeClient.fromToken(base, caPem, 'token', 'member');
    try {
      arrivals.length = 0;
      const burst = Array.from({ length: REQUEST_CONNECTIONS * 3 }, (_, i) => client.request('GET', `/normal/${i}`));
      const low = client.request('GET', '/low', { priority: 'low' });
      const high = client.request('GET', '/high', { priority: 'high' });
      await Promise.all([...burst, low, high]);
      expect(arrivals).toHaveLength(REQUEST_CONNECTIONS * 3 + 2);
      // The first REQUEST_CONNECTIONS went at once (on a loaded machine some reach the server late,
      // still handshaking); of those that had to wait, the high one went first and the low one last.
      const waited = Array.from({ length: REQUEST_CONNECTIONS * 2 }, (_, i) => arrivals.indexOf(`/normal/${REQUEST_CONNECTIONS + i}`));
      expect(arrivals.indexOf('/high'), 'place of the high-priority request at the server').toBeLessThan(Math.min(...waited));
      expect(arrivals.indexOf('/low'), 'place of the low-priority request at the server').toBe(REQUEST_CONNECTIONS * 3 + 1);
    } finally {
      client.close();
    }
  });
});
