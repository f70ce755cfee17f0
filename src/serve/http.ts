import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { kubeClientMetrics } from '../metrics/kube-client.js';
import type { ClusterRegistry } from '../clusters/registry.js';

/** State the HTTP API reads. */
export interface HttpState {
  registry: () => ClusterRegistry | undefined;
  isLeader: () => boolean;
  identity: string;
}

/** How the HTTP server is protected: required on a non-loopback address (see src/serve/exposure.ts). */
export interface HttpSecurity {
  /** PEM certificate chain and key: serve HTTPS. */
  tls?: { cert: Buffer; key: Buffer };
  /** Every request but the open ones needs `Authorization: Bearer <token>`. */
  token?: string;
}

/** Paths a load balancer or kubelet probes without credentials; they reveal nothing but liveness. */
const OPEN_PATHS = new Set(['/healthz', '/readyz']);

/**
 * Route config that skips the bearer token, for routes that authenticate otherwise (a Git webhook
 * verifies its HMAC signature): `http.post(path, { config: PUBLIC_ROUTE }, handler)`.
 */
export const PUBLIC_ROUTE = { public: true } as const;

/** Builds the HTTP server with health, metrics and the clusters API; controllers add their routes. */
export function createHttp(state: HttpState, security: HttpSecurity = {}): { http: FastifyInstance; metrics: Registry } {
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics, prefix: 'meridian_' });
  kubeClientMetrics(metrics);
  // With `https` Fastify is typed over https.Server; routes and hooks are the same either way.
  const http = (security.tls ? Fastify({ logger: false, https: security.tls }) : Fastify({ logger: false })) as unknown as FastifyInstance;
  if (security.token !== undefined) http.addHook('onRequest', bearerCheck(security.token));
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

/** An onRequest hook refusing requests without the token; digests make the compare constant-time. */
function bearerCheck(token: string): (req: FastifyRequest, reply: FastifyReply) => Promise<void> {
  if (token.length === 0) throw new Error('the HTTP bearer token is empty');
  const expected = createHash('sha256').update(token).digest();
  return async (req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    const config = req.routeOptions.config as { public?: boolean } | undefined;
    if (OPEN_PATHS.has(path) || config?.public === true) return;
    const header = req.headers.authorization ?? '';
    const m = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
    const given = createHash('sha256').update(m?.[1] ?? '').digest();
    if (m && timingSafeEqual(given, expected)) return;
    await reply.code(401).header('www-authenticate', 'Bearer realm="meridian"').send({ error: 'a valid bearer token is required' });
  };
}
