import { mkdirSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../util/log.js';
import type { KubeBinaries } from './binaries.js';
import { supervisorIdOf, supervisorPaths, type FleetSpec } from './layout.js';
import { isRunning } from './processes.js';
import { ClusterSupervisor } from './supervisor.js';

const REQUEST_POLL_MS = 200;

/** Clusters starting at once: each start is CPU-bound (etcd, then the API server's bootstrap). */
export const START_CONCURRENCY = 6;

/**
 * One process that supervises many clusters (every cluster of the fleet, by default): each
 * cluster keeps its own process group, but the Node runtime, the Kubernetes client code, the node
 * simulators and the ingress servers are shared instead of costing one Node process per cluster.
 * Clusters to (re)start are asked for with a request file (see requestStart), which the
 * supervisor polls: `fleet revive` and a second `fleet up` use it.
 */
export class FleetSupervisor {
  private readonly running = new Map<string, ClusterSupervisor>();
  private readonly queue: string[] = [];
  private readonly requests: string;
  private starting = 0;
  private poller: NodeJS.Timeout | undefined;
  private stopping = false;

  constructor(private readonly spec: FleetSpec, private readonly id: string, private readonly bins: KubeBinaries, private readonly log: Logger) {
    this.requests = supervisorPaths(spec, id).requests;
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
    await Promise.all([...this.running.values()].map((c) => c.stop()));
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
    this.pump();
  }

  private pump(): void {
    while (!this.stopping && this.starting < START_CONCURRENCY && this.queue.length > 0) {
      const name = this.queue.shift() as string;
      if (this.running.has(name)) {
        // Still tearing down after its group died: try again shortly.
        setTimeout(() => this.enqueue(name), REQUEST_POLL_MS);
        continue;
      }
      const cluster = this.spec.clusters.find((c) => c.name === name);
      if (!cluster) continue;
      const sup = new ClusterSupervisor(this.spec, cluster, this.bins, this.log.child({ cluster: name }));
      this.running.set(name, sup);
      void sup.done.then(() => {
        if (this.running.get(name) === sup) this.running.delete(name);
      });
      this.starting += 1;
      sup.start()
        .catch((err: Error) => {
          this.log.error({ cluster: name, err: err.message }, 'cluster failed to start');
          return sup.fail(err);
        })
        .finally(() => {
          this.starting -= 1;
          this.pump();
        });
    }
  }
}
