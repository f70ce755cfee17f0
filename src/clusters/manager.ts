import { STATUS_REFRESH_MS, statusFreshness } from './freshness.js';
import type { Cluster, ClusterStatus } from '../api/cluster.js';
import { setCondition } from '../kube/conditions.js';
import type { Condition } from '../kube/types.js';
import type { WorkQueue } from '../controller/queue.js';
import type { Controller, ControllerContext } from '../serve/controller.js';
import { summarizeCapacity } from './capacity.js';
import { writeClusterStatusPart } from './status-write.js';
import { emitEvent, memberReadyEvent } from '../kube/events.js';
import { observedQueue } from '../metrics/controllers.js';
import type { MemberCluster } from './registry.js';


/**
 * The cluster manager: probes every member on its interval and writes `Cluster` status (Ready
 * condition, version, nodes, allocatable and requested resources, CIDRs). A probe answers within a
 * timeout shorter than the interval, so a member that stops answering turns Ready=False within two
 * intervals. Each member is its own queue key: a slow or dead member never delays the others.
 */
export class ClusterManager implements Controller {
  private readonly queue: WorkQueue;
  private readonly lastWritten = new Map<string, { json: string; at: number }>();
  private readonly onChange = (name: string) => this.queue.add(name);

  constructor(private readonly ctx: ControllerContext) {
    this.queue = observedQueue(ctx.metrics, 'clusters', (key) => this.reconcile(key), { concurrency: 16, ratePerSecond: 100 }, (key, err) => ctx.log.warn({ cluster: key, err: (err as Error).message }, 'cluster status update failed'));
  }

  async start(): Promise<void> {
    this.ctx.registry.on('change', this.onChange);
    for (const c of this.ctx.registry.clusterObjects()) this.queue.add(c.metadata?.name ?? '');
  }

  async stop(): Promise<void> {
    this.ctx.registry.off('change', this.onChange);
    this.queue.stop();
  }

  private intervalOf(cluster: Cluster): number {
    return (cluster.spec.probeIntervalSeconds ?? 0) * 1000 || this.ctx.options.probeIntervalMs;
  }

  private async reconcile(name: string): Promise<{ requeueAfterMs: number } | void> {
    const cluster = this.ctx.registry.clusterObjects().find((c) => c.metadata?.name === name);
    if (!cluster) {
      this.lastWritten.delete(name);
      return;
    }
    const interval = this.intervalOf(cluster);
    if (!this.ctx.shards.owns(name)) {
      // Another replica holds this member (serve --shards): take readiness from the status it publishes.
      this.ctx.registry.setReady(name, !statusFreshness(cluster, Date.now(), interval).stale && (cluster.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false));
      return { requeueAfterMs: interval };
    }
    return this.ctx.shards.within(name, () => this.probeAndWrite(name, cluster, interval));
  }

  private async probeAndWrite(name: string, cluster: Cluster, interval: number): Promise<{ requeueAfterMs: number }> {
    const member = this.ctx.registry.get(name);
    const status = member ? await this.probe(member, cluster, interval) : notConnected(cluster);
    // The member moved to another replica while it answered: the holder probes it and watches it.
    if (!status) return { requeueAfterMs: interval };
    const wasReady = member?.ready;
    this.ctx.registry.setReady(name, status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false);
    const flipped = member && wasReady !== member.ready && memberReadyEvent(cluster.status?.conditions, status.conditions); if (flipped) emitEvent(this.ctx.hub, cluster, flipped);
    await this.writeStatus(cluster, status);
    return { requeueAfterMs: interval };
  }

  /** The member's status from a probe; undefined when the member moved to another replica meanwhile. */
  private async probe(member: MemberCluster, cluster: Cluster, interval: number): Promise<ClusterStatus | undefined> {
    const started = Date.now();
    const base: ClusterStatus = { ...cluster.status, observedGeneration: cluster.metadata?.generation, lastProbeTime: new Date().toISOString() };
    try {
      const version = await member.client.version(Math.max(500, Math.min(interval * 0.8, 4000)));
      // Informers asked for after the member moved away would watch it from here forever.
      if (!this.ctx.shards.owns(member.name)) return undefined;
      const nodes = member.informer('v1', 'Node');
      const pods = member.informer('v1', 'Pod');
      const summary = summarizeCapacity(nodes.list(), pods.list());
      const synced = nodes.hasSynced() && pods.hasSynced();
      const message = `API server answered in ${Date.now() - started} ms; ${summary.readyNodeCount}/${summary.nodeCount} nodes Ready${synced ? '' : ' (caches syncing)'}`;
      // Capacity is reported only from synced caches: an empty cache is not an empty cluster.
      const capacity = synced ? {
        nodeCount: summary.nodeCount, readyNodeCount: summary.readyNodeCount, allocatable: summary.allocatable, requested: summary.requested,
        podCIDRs: cluster.spec.podCIDRs ?? summary.podCIDRs,
      } : {};
      return {
        ...base, kubernetesVersion: version.gitVersion, ...capacity,
        serviceCIDRs: cluster.spec.serviceCIDRs ?? cluster.status?.serviceCIDRs ?? [],
        conditions: ready(cluster, 'True', 'ProbeSucceeded', message),
      };
    } catch (err) {
      return { ...base, conditions: ready(cluster, 'False', 'ProbeFailed', `probe of ${cluster.spec.server} failed: ${(err as Error).message}`) };
    }
  }

  private async writeStatus(cluster: Cluster, status: ClusterStatus): Promise<void> {
    const name = cluster.metadata?.name ?? '';
    const comparable = JSON.stringify({ ...status, lastProbeTime: undefined, conditions: status.conditions?.map((c) => ({ ...c, message: c.status === 'True' ? '' : c.message })) });
    const last = this.lastWritten.get(name);
    if (last && last.json === comparable && Date.now() - last.at < STATUS_REFRESH_MS) return;
    // Only the manager's own part: its fields and its Ready condition, merged into the conditions as
    // the hub holds them now (the cached copy may predate the doctor's last write).
    const { conditions, ...fields } = status;
    if (await writeClusterStatusPart(this.ctx.hub, name, { fields, conditions: (conditions ?? []).filter((c) => c.type === 'Ready') })) {
      this.lastWritten.set(name, { json: comparable, at: Date.now() });
    }
  }
}

function ready(cluster: Cluster, status: Condition['status'], reason: string, message: string): Condition[] {
  return setCondition(cluster.status?.conditions as Condition[] | undefined, { type: 'Ready', status, reason, message, observedGeneration: cluster.metadata?.generation });
}

function notConnected(cluster: Cluster): ClusterStatus {
  return { ...cluster.status, lastProbeTime: new Date().toISOString(), conditions: ready(cluster, 'False', 'NotConnected', `no connection to ${cluster.spec.server}: credentials Secret ${cluster.spec.secretRef.namespace}/${cluster.spec.secretRef.name} unreadable`) };
}
