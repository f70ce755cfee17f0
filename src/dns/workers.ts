// Several processes answering one DNS port, so the server uses every core as BIND does. Node 20
// has no SO_REUSEPORT for UDP, so the cluster module shares one UDP socket (and one TCP listener)
// from the primary with every worker; the kernel hands each datagram to one of them. The primary
// (the controllers' process) owns the data: it publishes zone snapshots as plain inputs, every
// worker rebuilds them and acknowledges the version, so the handler stays a pure function of the
// snapshot it reads and all workers serve the same version within milliseconds of a change.

import cluster, { type Worker } from 'node:cluster';
import dgram from 'node:dgram';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { ZoneSnapshot, type ZoneSnapshotInput } from './snapshot.js';
import type { FromWorker, ToWorker, WorkerServerOptions } from './worker-protocol.js';

/** How the pool listens. */
export interface DnsWorkerPoolOptions extends WorkerServerOptions {
  /** Worker processes; default: the number of CPUs. */
  workers: number;
  /** How long a worker may take to start or to acknowledge a snapshot; default 30 s. */
  timeoutMs?: number;
}

/** What one worker has done, as it reported last. */
export interface WorkerStats {
  id: number;
  pid: number;
  version: number;
  queries: number;
}

/** A set of worker processes serving the same zones on one address and port. */
export class DnsWorkerPool {
  private readonly workers: Worker[] = [];
  private version = 0;
  private readonly acked = new Map<number, number>();
  private readonly waiters = new Set<() => void>();
  private readonly stats = new Map<number, WorkerStats>();
  private boundPort = 0;

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

  /** Forks the workers with `zones` and resolves once every one listens and serves version 1. */
  async start(zones: ZoneSnapshotInput[]): Promise<{ address: string; port: number }> {
    if (!cluster.isPrimary) throw new Error('DnsWorkerPool must run in the primary process');
    const address = this.options.address ?? '127.0.0.1';
    this.boundPort = this.options.port && this.options.port > 0 ? this.options.port : await portFreeForUdpAndTcp(address);
    const self = fileURLToPath(import.meta.url);
    const ts = self.endsWith('.ts');
    cluster.setupPrimary({ exec: self.replace(/workers\.(ts|js)$/, `worker-main.$1`), execArgv: ts ? ['--import', 'tsx'] : [], serialization: 'advanced', silent: false });
    this.version = 1;
    for (let i = 0; i < this.options.workers; i++) {
      const worker = cluster.fork();
      this.workers.push(worker);
      const init: ToWorker = { kind: 'init', server: { ...this.options, address, port: this.boundPort }, version: this.version, zones };
      worker.on('message', (msg: FromWorker) => (msg.kind === 'ready' ? worker.send(init) : this.onMessage(worker, msg)));
    }
    await this.untilAll(this.version, 'start');
    return { address, port: this.boundPort };
  }

  /** Sends new zone data to every worker; resolves with the version once all of them serve it. */
  async publish(zones: ZoneSnapshotInput[]): Promise<number> {
    // Built once here first, so a bad input fails the caller and never reaches a worker.
    for (const input of zones) new ZoneSnapshot(input);
    const version = ++this.version;
    const msg: ToWorker = { kind: 'zones', version, zones };
    for (const w of this.workers) w.send(msg);
    await this.untilAll(version, `snapshot version ${version}`);
    return version;
  }

  /** Asks every worker for its counters. */
  async workerStats(): Promise<WorkerStats[]> {
    const before = new Map([...this.stats].map(([id, s]) => [id, s]));
    for (const w of this.workers) w.send({ kind: 'stats' } satisfies ToWorker);
    await this.until(() => this.workers.every((w) => this.stats.get(w.id) !== before.get(w.id)), 'worker stats');
    return this.workers.map((w) => this.stats.get(w.id)!);
  }

  /** Stops every worker. */
  async stop(): Promise<void> {
    await Promise.all(this.workers.splice(0).map((w) => new Promise<void>((resolve) => {
      if (w.isDead()) return resolve();
      const timer = setTimeout(() => w.process.kill('SIGKILL'), 5000);
      w.once('exit', () => { clearTimeout(timer); resolve(); });
      w.send({ kind: 'stop' } satisfies ToWorker);
    })));
  }

  private onMessage(worker: Worker, msg: FromWorker): void {
    if (msg.kind === 'serving') this.acked.set(worker.id, msg.version);
    else if (msg.kind === 'stats') this.stats.set(worker.id, { id: worker.id, pid: worker.process.pid ?? 0, version: msg.version, queries: msg.queries });
    else if (msg.kind === 'failed') this.acked.set(worker.id, -1);
    for (const wake of [...this.waiters]) wake();
  }

  private untilAll(version: number, what: string): Promise<void> {
    return this.until(() => {
      if (this.workers.some((w) => this.acked.get(w.id) === -1 || w.isDead())) throw new Error(`a DNS worker failed during ${what}`);
      return this.workers.every((w) => (this.acked.get(w.id) ?? 0) >= version);
    }, what);
  }

  private until(done: () => boolean, what: string): Promise<void> {
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
      const timer = setTimeout(() => { finish(); reject(new Error(`DNS workers: timed out waiting for ${what}`)); }, this.options.timeoutMs ?? 30_000);
      const exits = (): void => check();
      const finish = (): void => { clearTimeout(timer); this.waiters.delete(check); cluster.off('exit', exits); };
      this.waiters.add(check);
      cluster.on('exit', exits);
      check();
    });
  }
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
