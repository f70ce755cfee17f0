// How `meridian serve` answers DNS: in-process servers on one thread (`--dns-workers 0`), or a
// pool of worker processes sharing the same listeners, fed with the controllers' zones as plain
// data whenever a snapshot or the views change. Either way controllers only add zones.

import { performance } from 'node:perf_hooks';
import { Gauge, Registry, type Metric } from 'prom-client';
import type { Logger } from 'pino';
import { prometheusDnsMetrics } from './metrics.js';
import { normalizeName } from './names.js';
import { portableSource, type PortableSource } from './portable.js';
import type { RrlOptions } from './rrl.js';
import { DnsServer } from './server.js';
import type { ZoneAuthority } from './types.js';
import type { UdpIo } from './udp-native.js';
import { DnsWorkerPool } from './workers.js';

/** How serve's DNS listens. */
export interface ServeDnsOptions {
  /** The first is --dns-address/--dns-port; the rest --dns-listen. */
  listeners: Array<{ address: string; port: number }>;
  /** Worker processes; 0 answers in this process on one thread. */
  workers: number;
  /** UDP I/O path (`--dns-io`); undefined: native when the addon loads. */
  udpIo?: UdpIo;
  rrl?: Partial<RrlOptions> | false;
  metrics: Registry;
  /** Wraps zones served in-process (the dashboard's answer recorder). */
  tap: (zone: ZoneAuthority) => ZoneAuthority;
  log: Logger;
}

interface Hosted {
  zone: ZoneAuthority;
  source: PortableSource;
  unwatch: () => void;
}

/** Serve's DNS listeners; zones added before start() are served from the start. */
export class ServeDns {
  private readonly servers: DnsServer[] = [];
  private readonly hosted = new Map<string, Hosted>();
  private pool: DnsWorkerPool | undefined;
  private started = false;
  private publishing = false;
  private dirty = false;
  private lastPropagationMs = 0;

  /** Validates options; nothing listens until start(). */
  constructor(private readonly options: ServeDnsOptions) {
    if (!Number.isInteger(options.workers) || options.workers < 0 || options.workers > 64) throw new Error(`--dns-workers: ${options.workers} is not 0..64`);
    if (options.workers === 0) {
      for (const [i, l] of options.listeners.entries()) {
        this.servers.push(new DnsServer({ address: l.address, port: l.port, udpIo: options.udpIo, rrl: options.rrl, registry: i === 0 ? options.metrics : undefined, onError: (err) => options.log.warn({ err: err.message }, 'dns socket error') }));
      }
    }
  }

  /** Serves a zone (a no-op when its origin is served already); with workers it must have a plain-data form. */
  addZone(zone: ZoneAuthority): void {
    const origin = normalizeName(zone.origin);
    if (this.options.workers === 0) {
      for (const dns of this.servers) if (!dns.router.origins().includes(origin)) dns.addZone(this.options.tap(zone));
      return;
    }
    if (this.hosted.has(origin)) return;
    const source = portableSource(zone);
    if (!source) throw new Error(`zone ${origin} has no plain-data form for DNS workers; run serve with --dns-workers 0`);
    this.hosted.set(origin, { zone, source, unwatch: source.watch(() => this.schedulePublish()) });
    this.schedulePublish();
  }

  /** Stops serving a zone; returns whether it was served. */
  removeZone(origin: string): boolean {
    if (this.options.workers === 0) return this.servers.map((dns) => dns.removeZone(origin)).some(Boolean);
    const hosted = this.hosted.get(normalizeName(origin));
    if (!hosted) return false;
    hosted.unwatch();
    this.hosted.delete(normalizeName(origin));
    this.schedulePublish();
    return true;
  }

  /** Listens on every listener (UDP and TCP); with workers, resolves once every worker serves. */
  async start(): Promise<void> {
    const [main, ...rest] = this.options.listeners;
    if (!main) throw new Error('no DNS listener');
    if (this.options.workers === 0) {
      for (const dns of this.servers) {
        const bound = await dns.start();
        this.options.log.info({ dns: `${bound.address}:${bound.port}`, udpIo: dns.udpIo, zones: dns.router.origins() }, 'DNS listening (UDP and TCP)');
      }
      const fallback = this.servers.find((dns) => dns.udpIoFallback)?.udpIoFallback;
      if (fallback) this.options.log.warn({ udpIo: 'node' }, fallback);
      this.started = true;
      return;
    }
    const log = this.options.log;
    this.pool = new DnsWorkerPool({
      workers: this.options.workers, address: main.address, port: main.port, listeners: rest, rrl: this.options.rrl, udpIo: this.options.udpIo,
      onEvent: (e) => (e.kind === 'replaced' ? log.warn(e, 'DNS worker died and was replaced') : log.error(e, 'DNS workers keep dying; not replacing')),
    });
    const started = performance.now();
    this.dirty = false; // start() sends every zone added so far
    const bound = await this.pool.start(this.describe());
    this.lastPropagationMs = performance.now() - started;
    this.started = true;
    this.registerMetrics(this.pool);
    log.info({ dns: `${bound.address}:${bound.port}`, listeners: rest.map((l) => `${l.address}:${l.port}`), workers: this.options.workers, udpIo: this.pool.udpIo.udpIo, zones: [...this.hosted.keys()] }, 'DNS listening (UDP and TCP) in worker processes');
    if (this.pool.udpIo.udpIoFallback) log.warn({ udpIo: 'node' }, this.pool.udpIo.udpIoFallback);
    if (this.dirty) this.schedulePublish();
  }

  /** Stops the listeners (and the workers). */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    for (const h of this.hosted.values()) h.unwatch();
    await Promise.all(this.servers.map((dns) => dns.stop().catch(() => undefined)));
    await this.pool?.stop();
  }

  /** The worker pool, when serving with workers (tests and the bench read its stats). */
  get workerPool(): DnsWorkerPool | undefined {
    return this.pool;
  }

  private describe() {
    return [...this.hosted.values()].map((h) => h.source.describe());
  }

  /** Publishes the current zones once the running publish (if any) is done; changes meanwhile coalesce. */
  private schedulePublish(): void {
    this.dirty = true;
    if (!this.started || !this.pool || this.publishing) return;
    this.publishing = true;
    const pool = this.pool;
    setImmediate(() => void (async () => {
      try {
        while (this.dirty && this.started) {
          this.dirty = false;
          const begun = performance.now();
          await pool.publish(this.describe());
          this.lastPropagationMs = performance.now() - begun;
        }
      } catch (err) {
        this.options.log.warn({ err: (err as Error).message }, 'DNS workers did not take the new zones; they keep the previous version');
      } finally {
        this.publishing = false;
      }
    })());
  }

  /** The workers' DNS counters, summed, under their usual names; plus the pool's own gauges. */
  private registerMetrics(pool: DnsWorkerPool): void {
    const registry = this.options.metrics;
    const shape = new Registry();
    prometheusDnsMetrics(shape);
    let cached: { at: number; values: ReturnType<DnsWorkerPool['aggregatedMetrics']> } | undefined;
    const aggregated = () => {
      if (!cached || performance.now() - cached.at > 500) cached = { at: performance.now(), values: pool.aggregatedMetrics() };
      return cached.values;
    };
    for (const m of shape.getMetricsAsArray()) {
      if (registry.getSingleMetric(m.name)) continue;
      const proxy = {
        name: m.name, help: m.help, type: m.type, aggregator: 'sum', reset: () => undefined,
        get: async () => (await aggregated()).find((x) => x.name === m.name) ?? { name: m.name, help: m.help, type: m.type, values: [], aggregator: 'sum' },
      };
      registry.registerMetric(proxy as unknown as Metric);
    }
    const workers = this.options.workers;
    const propagation = () => this.lastPropagationMs / 1000;
    new Gauge({ name: 'meridian_dns_workers', help: 'DNS worker processes answering (--dns-workers).', registers: [registry], collect() { this.set(workers); } });
    new Gauge({ name: 'meridian_dns_snapshot_version', help: 'Zone data version last published to the DNS workers.', registers: [registry], collect() { this.set(pool.currentVersion); } });
    new Gauge({ name: 'meridian_dns_snapshot_propagation_seconds', help: 'Time from a zone change to every DNS worker serving it, last change.', registers: [registry], collect() { this.set(propagation()); } });
  }
}
