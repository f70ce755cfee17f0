import http from 'node:http';
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KubeClient } from '../kube/client.js';
import { Informer } from '../kube/informer.js';
import type { KubeObject } from '../kube/types.js';
import type { Logger } from '../util/log.js';
import { clusterPaths, type FleetCluster, type FleetSpec } from './layout.js';

/** A running region ingress. */
export interface RegionIngress {
  close(): Promise<void>;
}

interface IngressPath { path?: string; pathType?: string; backend?: { service?: { name: string; port?: { number?: number; name?: string } } } }
interface IngressObj extends KubeObject {
  spec?: { defaultBackend?: IngressPath['backend']; rules?: Array<{ host?: string; http?: { paths?: IngressPath[] } }> };
}
interface EndpointsObj extends KubeObject {
  subsets?: Array<{ addresses?: Array<{ ip: string }> }>;
}

/** Header that names the region that answered. */
export const REGION_HEADER = 'x-meridian-region';

/**
 * The region's ingress endpoint of the local fleet, on its own loopback address. It serves the
 * cluster's Ingress rules (host and path): 200 with a header naming the region while the backend
 * Service has ready endpoints, 503 when it has none, 404 when no rule matches. Pod IPs are never
 * contacted: readiness comes from the Endpoints objects, which is what a real ingress would route by.
 */
export async function startRegionIngress(opts: { client: KubeClient; cluster: FleetCluster; log: Logger; pauseFile?: string }): Promise<RegionIngress> {
  const { client, cluster } = opts;
  const ingresses = new Informer<IngressObj>(client, { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' }).start();
  const endpoints = new Informer<EndpointsObj>(client, { apiVersion: 'v1', kind: 'Endpoints' }).start();
  const server = http.createServer((req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const route = matchRoute(ingresses.list(), host, path);
    res.setHeader(REGION_HEADER, cluster.region);
    res.setHeader('x-meridian-cluster', cluster.name);
    res.setHeader('content-type', 'application/json');
    if (!route) {
      res.writeHead(404).end(JSON.stringify({ region: cluster.region, error: `no Ingress rule for host "${host}" path "${path}"` }) + '\n');
      return;
    }
    const ready = readyAddresses(endpoints.get(`${route.namespace}/${route.service}`));
    const body = { region: cluster.region, cluster: cluster.name, ingress: route.ingress, service: `${route.namespace}/${route.service}`, readyEndpoints: ready };
    res.writeHead(ready > 0 ? 200 : 503).end(JSON.stringify(body) + '\n');
  });
  server.keepAliveTimeout = 1000;
  await listen(server, cluster);
  const pause = opts.pauseFile ? watchPause(server, cluster, opts.pauseFile, opts.log) : undefined;
  return {
    close: async () => {
      if (pause) clearInterval(pause);
      ingresses.stop();
      endpoints.stop();
      server.closeAllConnections();
      if (server.listening) await new Promise((resolve) => server.close(resolve));
    },
  };
}

function listen(server: http.Server, cluster: FleetCluster): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(cluster.ingressPort, cluster.ingressAddress, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

const PAUSE_POLL_MS = 100;

/**
 * Takes the ingress off the network while the pause file exists (an outage drill of the ingress
 * alone: connections are refused, as when a load balancer dies) and puts it back when it is removed.
 */
function watchPause(server: http.Server, cluster: FleetCluster, file: string, log: Logger): NodeJS.Timeout {
  let busy = false;
  return setInterval(() => {
    if (busy) return;
    const paused = existsSync(file);
    if (paused === !server.listening) return;
    busy = true;
    const done = () => (busy = false);
    if (paused) {
      server.closeAllConnections();
      server.close(done);
    } else {
      listen(server, cluster).catch((err: Error) => log.error({ err: err.message }, 'region ingress could not listen again')).finally(done);
    }
  }, PAUSE_POLL_MS);
}

/** The file whose presence takes a member's ingress off the network. */
export function ingressPauseFile(spec: FleetSpec, name: string): string {
  return join(clusterPaths(spec, name).dir, 'ingress-down');
}

/** Takes a member's ingress down (the cluster keeps running) or brings it back. */
export async function setIngressDown(spec: FleetSpec, name: string, down: boolean): Promise<void> {
  const file = ingressPauseFile(spec, name);
  if (down) await writeFile(file, new Date().toISOString());
  else await rm(file, { force: true });
}

interface Route { namespace: string; ingress: string; service: string; score: number }

/** Finds the Ingress rule for a host and path: exact paths first, then the longest prefix. */
export function matchRoute(ingresses: IngressObj[], host: string, path: string): { namespace: string; ingress: string; service: string } | undefined {
  const candidates = ingresses.flatMap((ing) => routesOf(ing, host, path));
  const best = candidates.sort((a, b) => b.score - a.score)[0];
  return best && { namespace: best.namespace, ingress: best.ingress, service: best.service };
}

function routesOf(ing: IngressObj, host: string, path: string): Route[] {
  const namespace = ing.metadata?.namespace ?? 'default';
  const ingress = ing.metadata?.name ?? '';
  const routes: Route[] = [];
  for (const rule of ing.spec?.rules ?? []) {
    if (rule.host && !hostMatches(rule.host, host)) continue;
    for (const p of rule.http?.paths ?? []) {
      const score = pathScore(p, path);
      const service = p.backend?.service?.name;
      if (service && score >= 0) routes.push({ namespace, ingress, service, score: score + (rule.host ? 0.5 : 0) });
    }
  }
  const def = ing.spec?.defaultBackend?.service?.name;
  if (def) routes.push({ namespace, ingress, service: def, score: -0.5 });
  return routes;
}

function hostMatches(ruleHost: string, host: string): boolean {
  if (ruleHost.startsWith('*.')) return host.endsWith(ruleHost.slice(1)) && host.split('.').length === ruleHost.split('.').length;
  return ruleHost === host;
}

function pathScore(p: IngressPath, path: string): number {
  const want = p.path ?? '/';
  if (p.pathType === 'Exact') return want === path ? 10_000 : -1;
  const trimmed = want.replace(/\/$/, '');
  if (trimmed === '' || path === trimmed || path.startsWith(trimmed + '/')) return trimmed.length;
  return -1;
}

function readyAddresses(ep: EndpointsObj | undefined): number {
  return (ep?.subsets ?? []).reduce((n, s) => n + (s.addresses?.length ?? 0), 0);
}
