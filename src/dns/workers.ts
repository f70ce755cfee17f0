// Several processes answering one DNS port, so the server uses every core as BIND does. Node 20
// has no SO_REUSEPORT for UDP, so the cluster module shares one UDP socket (and one TCP listener)
// from the primary with every worker; the kernel hands each datagram to one of them. The primary
// (the controllers' process) owns the data: it publishes zones as plain data (src/dns/portable.ts),
// every worker rebuilds them and acknowledges the version, so the handler stays a pure function of
// the snapshot it reads and all workers serve the same version within milliseconds of a change.
// A worker that dies is replaced with the current version.

import cluster, { type Worker } from 'node:cluster';
import dgram from 'node:dgram';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue } from 'prom-client';
import type { PortableZone } from './portable.js';
import { ZoneSnapshot, type ZoneSnapshotInput } from './snapshot.js';
import type { UdpIo } from './udp-native.js';
import type { FromWorker, ToWorker, WorkerServerOptions } from './worker-protocol.js';

/** How the pool listens. */
export interface DnsWorkerPoolOptions extends WorkerServerOptions {
  /** Worker processes, 1..64. */
  workers: number;
  /** How long a worker may take to acknowledge a snapshot; default 30 s. */
  timeoutMs?: number;
  /** How long the workers may take to start (a tsx start-up on a loaded machine is slow); default 120 s. */
  startTimeoutMs?: number;
  /** Extra node flags for the workers (e.g. --cpu-prof when profiling the hot path). */
  workerExecArgv?: string[];
  /** Told when a worker died and was replaced, or could not be. */
  onEvent?: (event: { kind: 'replaced' | 'gave-up'; pid: number; code: number | null; signal: string | null }) => void;
}

/** What one worker has done, as it reported last. */
export interface WorkerStats {
  id: number;
  pid: number;
  version: number;
  queries: number;
  /** Replies in its reply cache. */
  cached: number;
}

/** Zones as the pool accepts them: plain snapshot inputs (static zones) or any portable zone. */
export type PublishedZone = ZoneSnapshotInput | PortableZone;

/** Replacements allowed within RESTART_WINDOW_MS before the pool stops replacing (a crash loop). */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;

/** A set of worker processes serving the same zones on one address and port. */
export class DnsWorkerPool {
  private workers: Worker[] = [];
  private version = 0;
  private zones: PortableZone[] = [];
  private readonly acked = new Map<number, number>();
  private readonly failures = new Map<number, { version?: number; error: string }>();
  private readonly waiters = new Set<() => void>();
  private readonly stats = new Map<number, WorkerStats>();
  private readonly metricReplies = new Map<number, Map<number, Array<MetricObjectWithValues<MetricValue<string>>>>>();
  private nextRequest = 1;
  private restarts: number[] = [];
  private stopping = false;
  private boundPort = 0;
  private address = '127.0.0.1';
  private io: { udpIo?: UdpIo; udpIoFallback?: string } = {};
  private readonly onExit = (worker: Worker, code: number | null, signal: string | null): void => this.replace(worker, code, signal);

  /** Validates options; nothing runs until start(). */
  constructor(private readonly options: DnsWorkerPoolOptions) {
    if (!Number.isInteger(options.workers) || options.workers < 1 || options.workers > 64) throw new Error(`DNS workers: ${options.workers} is not 1..64`);
  }

  /** The port every worker answers on (after start). */
  get port(): number {
    return this.boundPort;
  }

  /** The snapshot version last published. */
  get currentVersion(): number {
    return this.version;
  }

  /** The UDP I/O path the workers reported when they started, and why not the addon's if it is not. */
  get udpIo(): { udpIo?: UdpIo; udpIoFallback?: string } {
    return this.io;
  }

  /** Forks the workers with `zones` and resolves once every one listens and serves version 1. */
  async start(zones: PublishedZone[]): Promise<{ address: string; port: number }> {
    if (!cluster.isPrimary) throw new Error('DnsWorkerPool must run in the primary process');
    this.address = this.options.address ?? '127.0.0.1';
    this.boundPort = this.options.port && this.options.port > 0 ? this.options.port : await portFreeForUdpAndTcp(this.address);
    const self = fileURLToPath(import.meta.url);
    const ts = self.endsWith('.ts');
    cluster.setupPrimary({ exec: self.replace(/workers\.(ts|js)$/, `worker-main.$1`), execArgv: [...(ts ? ['--import', 'tsx'] : []), ...(this.options.workerExecArgv ?? [])], serialization: 'advanced', silent: false });
    this.zones = zones.map(portable);
    this.version = 1;
    cluster.on('exit', this.onExit);
    for (let i = 0; i < this.options.workers; i++) this.fork();
    await this.untilAll(this.version, 'start', this.options.startTimeoutMs ?? 120_000);
    return { address: this.address, port: this.boundPort };
  }

  /** Sends new zone data to every worker; resolves with the version once all of them serve it. */
  async publish(zones: PublishedZone[]): Promise<number> {
    const next = zones.map(portable);
    // Static inputs are built once here first, so a bad input fails the caller and never reaches a worker.
    for (const z of next) if (z.kind === 'static') new ZoneSnapshot(z.input);
    const version = ++this.version;
    this.zones = next;
    const msg: ToWorker = { kind: 'zones', version, zones: next };
    for (const w of this.workers) w.send(msg);
    await this.untilAll(version, `snapshot version ${version}`);
    return version;
  }

  /** Asks every worker for its counters. */
  async workerStats(): Promise<WorkerStats[]> {
    const before = new Map([...this.stats].map(([id, s]) => [id, s]));
    const asked = this.serving();
    for (const w of asked) w.send({ kind: 'stats' } satisfies ToWorker);
    // A worker that dies meanwhile is not waited for (its replacement was not asked).
    const alive = () => asked.filter((w) => this.workers.includes(w));
    await this.until(() => alive().every((w) => this.stats.get(w.id) !== before.get(w.id)), 'worker stats');
    return alive().map((w) => this.stats.get(w.id)!);
  }

  /** Every worker's prom-client metrics, summed as prom-client's AggregatorRegistry does for the cluster module. */
  async aggregatedMetrics(): Promise<Array<MetricObjectWithValues<MetricValue<string>>>> {
    const request = this.nextRequest++;
    const replies = new Map<number, Array<MetricObjectWithValues<MetricValue<string>>>>();
    this.metricReplies.set(request, replies);
    try {
      const asked = this.serving();
      for (const w of asked) w.send({ kind: 'metrics', request } satisfies ToWorker);
      await this.until(() => asked.every((w) => replies.has(w.id) || !this.workers.includes(w)), 'worker metrics');
      return await AggregatorRegistry.aggregate([...replies.values()]).getMetricsAsJSON();
    } finally {
      this.metricReplies.delete(request);
    }
  }

  /** Stops every worker. */
  async stop(): Promise<void> {
    this.stopping = true;
    cluster.off('exit', this.onExit);
    await Promise.all(this.workers.splice(0).map((w) => new Promise<void>((resolve) => {
      if (w.isDead()) return resolve();
      const timer = setTimeout(() => w.process.kill('SIGKILL'), 5000);
      w.once('exit', () => { clearTimeout(timer); resolve(); });
      w.send({ kind: 'stop' } satisfies ToWorker);
    })));
  }

  /** Workers that have started serving: a message sent before a worker listens would be lost. */
  private serving(): Worker[] {
    return this.workers.filter((w) => this.acked.has(w.id));
  }

  private fork(): Worker {
    const worker = cluster.fork();
    this.workers.push(worker);
    worker.on('message', (msg: FromWorker) => {
      if (msg.kind !== 'ready') return this.onMessage(worker, msg);
      // The current zones, not those of the first start: a replacement joins at today's version.
      const server = { ...serverOptions(this.options), address: this.address, port: this.boundPort };
      worker.send({ kind: 'init', server, workers: this.options.workers, version: this.version, zones: this.zones } satisfies ToWorker);
    });
    return worker;
  }

  /** A worker that died outside stop() is replaced, unless workers keep dying (then the pool runs short). */
  private replace(worker: Worker, code: number | null, signal: string | null): void {
    const index = this.workers.indexOf(worker);
    if (index < 0 || this.stopping) return;
    this.workers.splice(index, 1);
    const now = Date.now();
    this.restarts = this.restarts.filter((t) => now - t < RESTART_WINDOW_MS);
    const pid = worker.process.pid ?? 0;
    if (this.restarts.length >= MAX_RESTARTS) {
      this.options.onEvent?.({ kind: 'gave-up', pid, code, signal });
    } else {
      this.restarts.push(now);
      this.fork();
      this.options.onEvent?.({ kind: 'replaced', pid, code, signal });
    }
    this.wake();
  }

  private onMessage(worker: Worker, msg: FromWorker): void {
    if (msg.kind === 'serving') {
      this.acked.set(worker.id, msg.version);
      if (msg.udpIo) this.io = { udpIo: msg.udpIo, udpIoFallback: msg.udpIoFallback };
    }
    else if (msg.kind === 'stats') this.stats.set(worker.id, { id: worker.id, pid: worker.process.pid ?? 0, version: msg.version, queries: msg.queries, cached: msg.cached });
    else if (msg.kind === 'metrics') this.metricReplies.get(msg.request)?.set(worker.id, msg.metrics);
    else if (msg.kind === 'failed') this.failures.set(worker.id, { version: msg.version, error: msg.error });
    this.wake();
  }

  private wake(): void {
    for (const wake of [...this.waiters]) wake();
  }

  private untilAll(version: number, what: string, timeoutMs?: number): Promise<void> {
    return this.until(() => {
      for (const w of this.workers) {
        const failed = this.failures.get(w.id);
        if (failed && failed.version === version) throw new Error(`a DNS worker failed during ${what}: ${failed.error}`);
      }
      if (this.workers.length === 0) throw new Error(`no DNS worker left during ${what}`);
      return this.workers.every((w) => (this.acked.get(w.id) ?? 0) >= version);
    }, what, timeoutMs);
  }

  private until(done: () => boolean, what: string, timeoutMs = this.options.timeoutMs ?? 30_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        try {
          if (!done()) return;
        } catch (err) {
          finish();
          return reject(err as Error);
        }
        finish();
        resolve();
      };
      const timer = setTimeout(() => { finish(); reject(new Error(`DNS workers: timed out waiting for ${what}`)); }, timeoutMs);
      const finish = (): void => { clearTimeout(timer); this.waiters.delete(check); };
      this.waiters.add(check);
      check();
    });
  }
}

/** A published zone as portable data (a bare snapshot input is a static zone). */
function portable(z: PublishedZone): PortableZone {
  return 'kind' in z ? z : { kind: 'static', input: z };
}

/** The options a worker's DnsServer takes (the pool's own settings stay here). */
function serverOptions(o: DnsWorkerPoolOptions): WorkerServerOptions {
  return { address: o.address, port: o.port, listeners: o.listeners, maxUdpSize: o.maxUdpSize, tcpIdleTimeoutMs: o.tcpIdleTimeoutMs, maxTcpConnections: o.maxTcpConnections, rrl: o.rrl, minimalAny: o.minimalAny, udpIo: o.udpIo };
}

/** A port free for both UDP and TCP on address right now (the workers bind it next). */
async function portFreeForUdpAndTcp(address: string): Promise<number> {
  for (let attempt = 0; attempt < 16; attempt++) {
    const udp = dgram.createSocket(net.isIPv6(address) ? 'udp6' : 'udp4');
    const port = await new Promise<number>((resolve, reject) => { udp.once('error', reject); udp.bind(0, address, () => resolve(udp.address().port)); });
    const tcpFree = await new Promise<boolean>((resolve) => {
      const srv = net.createServer();
      srv.once('error', () => resolve(false));
      srv.listen({ port, host: address, exclusive: true }, () => srv.close(() => resolve(true)));
    });
    await new Promise<void>((r) => udp.close(() => r()));
    if (tcpFree) return port;
  }
  throw new Error(`no port free for UDP and TCP on ${address}`);
}
