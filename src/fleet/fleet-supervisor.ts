import { mkdirSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../util/log.js';
import type { KubeBinaries } from './binaries.js';
import { clusterPaths, supervisorIdOf, supervisorPaths, type FleetCluster, type FleetSpec } from './layout.js';
import { PortHold } from './ports.js';
import { isRunning } from './processes.js';
import { startConcurrency } from './startup.js';
import { writeStatusSync } from './status.js';
import { ClusterSupervisor } from './supervisor.js';

const REQUEST_POLL_MS = 200;

/** What the fleet supervisor needs of one cluster's supervisor (ClusterSupervisor; a fake in tests). */
export interface SupervisedCluster {
  /** Runs the cluster's start to the end (every node Ready). */
  start(): Promise<void>;
  /** Records a failed start and stops what started. */
  fail(err: Error): Promise<void>;
  stop(): Promise<void>;
  groupPid(): number | undefined;
  /** Resolves when the CPU-heavy part of the start (up to the API server's /readyz) is over. */
  readonly booted: Promise<void>;
  /** Resolves when the cluster is down. */
  readonly done: Promise<void>;
}

/** Options of a FleetSupervisor. */
export interface FleetSupervisorOptions {
  /** Clusters booting at once (default: one per CPU, see startup.ts). */
  concurrency?: number;
  /** Makes one cluster's supervisor (default: a ClusterSupervisor), given the ports held for it since it was queued. */
  makeCluster?: (cluster: FleetCluster, ports: Promise<PortHold>) => SupervisedCluster;
}

/**
 * One process that supervises many clusters (every cluster of the fleet, by default): each
 * cluster keeps its own process group, but the Node runtime, the Kubernetes client code, the node
 * simulators and the ingress servers are shared instead of costing one Node process per cluster.
 * Clusters boot in waves (a few at a time, in the order asked, each holding its place until its
 * API server answers /readyz); a cluster waiting for its turn reports the phase `queued`.
 * Clusters to (re)start are asked for with a request file (see requestStart), which the
 * supervisor polls: `fleet revive` and a second `fleet up` use it.
 */
export class FleetSupervisor {
  private readonly running = new Map<string, SupervisedCluster>();
  private readonly queue: string[] = [];
  private readonly requests: string;
  private readonly concurrency: number;
  private readonly makeCluster: (cluster: FleetCluster, ports: Promise<PortHold>) => SupervisedCluster;
  /** Ports held for each queued cluster (see ports.ts), handed to its supervisor when it boots. */
  private readonly holds = new Map<string, Promise<PortHold>>();
  private booting = 0;
  private poller: NodeJS.Timeout | undefined;
  private stopping = false;

  constructor(private readonly spec: FleetSpec, private readonly id: string, bins: KubeBinaries, private readonly log: Logger, options: FleetSupervisorOptions = {}) {
    this.requests = supervisorPaths(spec, id).requests;
    this.concurrency = Math.max(1, options.concurrency ?? startConcurrency());
    this.makeCluster = options.makeCluster ?? ((c, ports) => new ClusterSupervisor(spec, c, bins, log.child({ cluster: c.name }), ports));
  }

  /** Clusters booting now (up to their API server's /readyz). */
  bootingCount(): number {
    return this.booting;
  }

  /** Clusters waiting for their turn to boot, in order. */
  queued(): string[] {
    return [...this.queue];
  }

  /** Starts the named clusters and begins to serve start requests. */
  start(clusters: string[]): void {
    mkdirSync(this.requests, { recursive: true });
    for (const name of clusters) this.enqueue(name);
    this.poller = setInterval(() => this.pollRequests(), REQUEST_POLL_MS);
  }

  /** Stops every cluster (in parallel, each in order) and the request polling. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.poller) clearInterval(this.poller);
    this.queue.length = 0;
    const holds = [...this.holds.values()];
    this.holds.clear();
    await Promise.all([...this.running.values()].map((c) => c.stop()));
    await Promise.all(holds.map(async (h) => (await h).releaseAll()));
  }

  private mine(name: string): boolean {
    return this.spec.clusters.some((c) => c.name === name) && supervisorIdOf(this.spec, name) === this.id;
  }

  private pollRequests(): void {
    let names: string[];
    try {
      names = readdirSync(this.requests);
    } catch {
      return;
    }
    for (const name of names) {
      try {
        unlinkSync(join(this.requests, name));
      } catch {
        continue;
      }
      if (this.mine(name)) this.enqueue(name);
      else this.log.warn({ cluster: name }, 'start request for a cluster this supervisor does not run; ignored');
    }
  }

  private enqueue(name: string): void {
    if (this.stopping || this.queue.includes(name)) return;
    // Already running, unless its group was killed a moment ago and is not reaped yet.
    const pgid = this.running.get(name)?.groupPid();
    if (pgid && isRunning(pgid)) return;
    this.queue.push(name);
    const cluster = this.spec.clusters.find((c) => c.name === name);
    if (cluster && !this.holds.has(name)) this.holds.set(name, PortHold.forCluster(cluster));
    if (!this.running.has(name)) this.writeQueued(name);
    this.pump();
  }

  /** Says that a cluster waits for its turn, so `fleet up` and `fleet status` need not guess. */
  private writeQueued(name: string): void {
    const now = new Date().toISOString();
    const nodes = this.spec.clusters.find((c) => c.name === name)?.nodes ?? 0;
    try {
      writeStatusSync(clusterPaths(this.spec, name).status, {
        cluster: name, supervisorPid: process.pid, startedAt: now, updatedAt: now, phase: 'queued', components: {}, nodes: { total: nodes, ready: 0 },
        message: `waiting to boot: ${this.concurrency} cluster(s) boot at a time`,
      });
    } catch (err) {
      this.log.warn({ cluster: name, err: (err as Error).message }, 'could not write the queued status');
    }
  }

  private pump(): void {
    while (!this.stopping && this.booting < this.concurrency && this.queue.length > 0) {
      const name = this.queue.shift() as string;
      if (this.running.has(name)) {
        // Still tearing down after its group died: try again shortly.
        setTimeout(() => this.enqueue(name), REQUEST_POLL_MS);
        continue;
      }
      const cluster = this.spec.clusters.find((c) => c.name === name);
      if (cluster) this.boot(cluster);
    }
  }

  /** Starts one cluster; it holds a boot slot until its API server is ready or its start ends. */
  private boot(cluster: FleetCluster): void {
    const { name } = cluster;
    const ports = this.holds.get(name) ?? PortHold.forCluster(cluster);
    this.holds.delete(name);
    const sup = this.makeCluster(cluster, ports);
    this.running.set(name, sup);
    void sup.done.then(() => {
      if (this.running.get(name) === sup) this.running.delete(name);
    });
    this.booting += 1;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.booting -= 1;
      this.pump();
    };
    void sup.booted.then(release);
    sup.start()
      .catch((err: Error) => {
        this.log.error({ cluster: name, err: err.message }, 'cluster failed to start');
        return sup.fail(err);
      })
      .finally(release);
  }
}
