import { createServer, type Server } from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClient } from '../../src/kube/client.js';
import { observeRequests, observeWatchReads, REQUEST_CONNECTIONS } from '../../src/kube/transport.js';
import { kubeClientMetrics } from '../../src/metrics/kube-client.js';

let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url?.startsWith('/api/v1/pods?')) {
      // A watch: three events in one write, then two more (a bookmark among them) in a later one.
      const line = (type: string, name: string) => `${JSON.stringify({ type, object: { metadata: { name, resourceVersion: '1' } } })}\n`;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(line('ADDED', 'a') + line('ADDED', 'b') + line('MODIFIED', 'a'));
      setTimeout(() => res.end(line('DELETED', 'b') + line('BOOKMARK', '')), 50);
      return;
    }
    // Slow enough that a burst of 2 x REQUEST_CONNECTIONS requests has to wait for connections.
    setTimeout(() => res.writeHead(req.url === '/missing' ? 404 : 200, { 'content-type': 'application/json' }).end('{}'), 40);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});
afterAll(async () => {
  observeRequests(undefined);
  observeWatchReads(undefined);
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

/** A fresh metrics registry observing this process's requests, and a client of the test server under `context`. */
async function measured(context: string): Promise<{ registry: Registry; client: KubeClient }> {
  const registry = new Registry();
  kubeClientMetrics(registry);
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters: [{ name: 'c', server: url, skipTLSVerify: true }], users: [{ name: 'u' }], contexts: [{ name: context, cluster: 'c', user: 'u' }], currentContext: context });
  return { registry, client: await KubeClient.fromKubeConfig(kc) };
}

describe('kube client metrics', () => {
  it('times every request by client and verb, and its wait for a connection by priority', async () => {
    const { registry, client } = await measured('eu-west');
    try {
      await Promise.all([
        ...Array.from({ length: REQUEST_CONNECTIONS * 2 }, () => client.request('GET', '/ok')),
        client.request('PATCH', '/ok', { body: {}, priority: 'high' }),
        expect(client.request('GET', '/missing')).rejects.toThrow(/404/),
      ]);
      const text = await registry.metrics();
      const value = (line: RegExp) => Number(line.exec(text)?.[1] ?? NaN);
      expect(value(/^meridian_kube_client_request_duration_seconds_count\{client="eu-west",verb="GET"\} (\d+)$/m), 'GETs timed, the failed one too').toBe(REQUEST_CONNECTIONS * 2 + 1);
      expect(value(/^meridian_kube_client_request_duration_seconds_count\{client="eu-west",verb="PATCH"\} (\d+)$/m)).toBe(1);
      expect(value(/^meridian_kube_client_connection_wait_seconds_count\{client="eu-west",priority="high"\} (\d+)$/m)).toBe(1);
      // Half the burst had to wait for a connection: the wait is recorded (whatever its length).
      expect(value(/^meridian_kube_client_connection_wait_seconds_sum\{client="eu-west",priority="normal"\} (\S+)$/m), 'seconds waited for connections').toBeGreaterThan(0);
    } finally {
      client.close();
    }
  });

  it('counts watch events by client and resource, and the reads they came in', async () => {
    const { registry, client } = await measured('ap-south');
    try {
      const lines: string[] = [];
      await client.stream('/api/v1/pods', { watch: true }, (l) => lines.push(l), new AbortController().signal);
      expect(lines).toHaveLength(5);
      const text = await registry.metrics();
      const value = (name: string) => Number(new RegExp(`^${name}\\{client="ap-south",resource="pods"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);
      expect(value('meridian_kube_client_watch_events_total')).toBe(5);
      // Two writes 50 ms apart cannot arrive in one read; each read may carry several events.
      expect(value('meridian_kube_client_watch_reads_total')).toBeGreaterThanOrEqual(2);
      expect(value('meridian_kube_client_watch_reads_total')).toBeLessThanOrEqual(5);
    } finally {
      client.close();
    }
  });
});
