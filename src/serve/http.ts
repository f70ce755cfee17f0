import Fastify, { type FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { ClusterRegistry } from '../clusters/registry.js';

/** State the HTTP API reads. */
export interface HttpState {
  registry: () => ClusterRegistry | undefined;
  isLeader: () => boolean;
  identity: string;
}

/** Builds the HTTP server with health, metrics and the clusters API; controllers add their routes. */
export function createHttp(state: HttpState): { http: FastifyInstance; metrics: Registry } {
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics, prefix: 'meridian_' });
  const http = Fastify({ logger: false });
  http.get('/healthz', async () => ({ ok: true }));
  http.get('/readyz', async (_req, reply) => {
    const ready = !state.isLeader() || Boolean(state.registry());
    return reply.code(ready ? 200 : 503).send({ ready, leader: state.isLeader() });
  });
  http.get('/metrics', async (_req, reply) => reply.type(metrics.contentType).send(await metrics.metrics()));
  http.get('/api/v1/leader', async () => ({ identity: state.identity, leader: state.isLeader() }));
  http.get('/api/v1/clusters', async () => {
    const registry = state.registry();
    return (registry?.clusterObjects() ?? []).map((c) => ({
      name: c.metadata?.name, region: c.spec.region, labels: c.metadata?.labels ?? {}, server: c.spec.server,
      ready: registry?.get(c.metadata?.name ?? '')?.ready ?? false, status: c.status ?? {},
    }));
  });
  return { http, metrics };
}
