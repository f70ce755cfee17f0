// Entry of one DNS worker process (forked by DnsWorkerPool): serves the zones the primary sends
// on the shared port(s), swaps them when told (clearing its reply cache), reports the version it
// serves, and hands its metrics to the primary for aggregation.

import { Registry } from 'prom-client';
import { isLoopbackAddress } from '../util/loopback.js';
import { prometheusDnsMetrics } from './metrics.js';
import { WorkerZones } from './portable-build.js';
import { ReplyCache } from './reply-cache.js';
import { DEFAULT_RRL, type RrlOptions } from './rrl.js';
import { DnsServer } from './server.js';
import type { FromWorker, ToWorker, WorkerServerOptions } from './worker-protocol.js';

const zones = new WorkerZones();
const cache = new ReplyCache();
const registry = new Registry();
const dnsMetrics = prometheusDnsMetrics(registry);
let servers: DnsServer[] = [];
let version = 0;
let queries = 0;
const metrics = { query: (e: Parameters<typeof dnsMetrics.query>[0]) => { queries++; dnsMetrics.query(e); }, drop: dnsMetrics.drop };
const send = (msg: FromWorker): void => void process.send?.(msg);

/**
 * Each worker sees about 1/N of a client's datagrams (the kernel hands each to whichever worker
 * reads first), so each allows 1/N of the rate: together they allow the configured rate.
 */
function workerRrl(options: WorkerServerOptions, workers: number): Partial<RrlOptions> | false {
  const rrl = options.rrl ?? (isLoopbackAddress(options.address ?? '127.0.0.1') ? false : {});
  if (rrl === false) return false;
  return { ...rrl, responsesPerSecond: (rrl.responsesPerSecond ?? DEFAULT_RRL.responsesPerSecond) / workers };
}

async function start(options: WorkerServerOptions, workers: number): Promise<void> {
  const address = options.address ?? '127.0.0.1';
  const listeners = [{ address, port: options.port ?? 0 }, ...(options.listeners ?? [])];
  const minimalAny = options.minimalAny ?? !isLoopbackAddress(address);
  const rrl = workerRrl(options, workers);
  for (const l of listeners) {
    const server = new DnsServer({ ...options, address: l.address, port: l.port, rrl, minimalAny, router: zones.router, clusterWorker: true, replyCache: cache, metrics });
    await server.start();
    servers.push(server);
  }
}

process.on('message', (msg: ToWorker) => {
  void (async () => {
    try {
      if (msg.kind === 'init') {
        zones.apply(msg.zones);
        version = msg.version;
        await start(msg.server, msg.workers);
        send({ kind: 'serving', version, udpIo: servers[0]?.udpIo, udpIoFallback: servers[0]?.udpIoFallback });
      } else if (msg.kind === 'zones') {
        zones.apply(msg.zones);
        cache.clear();
        version = msg.version;
        send({ kind: 'serving', version });
      } else if (msg.kind === 'stats') {
        send({ kind: 'stats', version, queries, cached: cache.size });
      } else if (msg.kind === 'metrics') {
        send({ kind: 'metrics', request: msg.request, metrics: await registry.getMetricsAsJSON() });
      } else if (msg.kind === 'stop') {
        await Promise.all(servers.map((s) => s.stop()));
        servers = [];
        process.exit(0);
      }
    } catch (err) {
      send({ kind: 'failed', version: msg.kind === 'init' || msg.kind === 'zones' ? msg.version : undefined, error: (err as Error).message });
    }
  })();
});
process.on('disconnect', () => process.exit(0));
// Messages that arrive before a listener exists are lost: the primary sends init only after this.
send({ kind: 'ready' });
