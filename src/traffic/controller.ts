import { API_VERSION } from '../api/schema.js';
import type { GlobalService } from '../api/globalservice.js';
import type { WorkQueue } from '../controller/queue.js';
import { Informer, objectKey } from '../kube/informer.js';
import { isNotFound } from '../kube/errors.js';
import { answersMovedEvent, emitEvent } from '../kube/events.js';
import type { Controller, ControllerContext } from '../serve/controller.js';
import { resolveBackends } from './backends.js';
import { addressSource, MemberAddresses, sourceInformer } from './published-addresses.js';
import { loadEdges } from './edgeconfig.js';
import { TrafficEngine } from './engine.js';
import { validatePolicy } from './snapshot.js';
import { buildStatus, comparableStatus } from './status.js';
import { observedQueue } from '../metrics/controllers.js';
import { countedProbe, countHealthTransition } from '../metrics/health.js';
import { GslbZone } from './zone.js';

const RESYNC_MS = 15_000;
const EDGE_REPAIR_MS = 30_000;

/**
 * The traffic controller: for every GlobalService on the hub, selects member clusters, resolves
 * their addresses, health-checks them and answers the hostnames from a GSLB zone; status carries
 * health per backend, the current answers and the zone serial. A member that is down or not
 * connected keeps its backends (they fail their checks and leave the answers); it never causes a
 * hostname to be deleted. `meridian serve` answers the zones exposed through `zones`.
 */
export class TrafficController implements Controller {
  /** The GSLB zones this controller fills; the DNS server answers them. */
  readonly zones: GslbZone[];
  private readonly engine: TrafficEngine;
  private readonly queue: WorkQueue;
  private readonly informer: Informer<GlobalService>;
  private readonly written = new Map<string, string>();
  private readonly onMemberChange = () => { this.enqueueAll(); this.publishAddresses(); };
  private readonly onPublished = () => this.enqueueAll();
  private readonly watched = new WeakSet<object>();
  private readonly addresses: MemberAddresses;

  constructor(private readonly ctx: ControllerContext) {
    this.zones = ctx.options.gslbZones.map((origin) => new GslbZone(origin, { nameservers: [{ name: `ns1.${origin}`, addresses: [ctx.options.dnsAddress] }] }));
    this.engine = new TrafficEngine({ zones: this.zones, log: ctx.log, probe: countedProbe(ctx.metrics), onHealthChange: (key) => { countHealthTransition(ctx.metrics, key); this.queue.add(key); } });
    this.queue = observedQueue(ctx.metrics, 'traffic', (key) => this.reconcile(key), { concurrency: 4 }, (key, err) => ctx.log.warn({ globalService: key, err: (err as Error).message }, 'GlobalService reconcile failed'));
    this.informer = new Informer<GlobalService>(ctx.hub, { apiVersion: API_VERSION, kind: 'GlobalService' });
    this.addresses = new MemberAddresses(ctx.shards, ctx.publications, ctx.log.child({ controller: 'traffic' }));
  }

  /** Publishes the load-balancer addresses of the members this replica holds (`serve --shards`). */
  private publishAddresses(): void {
    this.addresses.schedule(() => this.ctx.registry.list(), () => this.informer.list());
  }

  async start(): Promise<void> {
    if (this.ctx.options.gslbEdgeSecret) {
      const edges = await loadEdges(this.ctx.hub, this.ctx.options.gslbEdgeSecret, this.ctx.log);
      for (const [origin, edge] of edges) {
        this.engine.setEdge(origin, edge);
        edge.startRepair(EDGE_REPAIR_MS);
        this.ctx.log.info({ zone: origin, server: `${edge.config.server.host}:${edge.config.server.port}` }, 'pushing GSLB records to edge DNS');
      }
    }
    const add = (gs: GlobalService) => this.queue.add(objectKey(gs));
    this.informer.on('add', add).on('update', add).on('delete', add);
    this.informer.start();
    this.ctx.registry.on('change', this.onMemberChange);
    this.ctx.publications?.on('change', this.onPublished);
  }

  async stop(): Promise<void> {
    this.ctx.registry.off('change', this.onMemberChange);
    this.ctx.publications?.off('change', this.onPublished);
    this.addresses.stop();
    this.informer.stop();
    this.queue.stop();
    this.engine.stop();
  }

  private enqueueAll(): void {
    for (const gs of this.informer.list()) this.queue.add(objectKey(gs));
  }

  private async reconcile(key: string): Promise<{ requeueAfterMs: number } | void> {
    const gs = this.informer.get(key);
    if (!gs || gs.metadata?.deletionTimestamp) {
      this.engine.remove(key);
      this.written.delete(key);
      return;
    }
    const hostnames = gs.spec.hostnames.map((h) => h.toLowerCase().replace(/\.$/, ''));
    const problems = this.specProblems(key, gs, hostnames);
    this.watchAddressSources(gs);
    const { backends, unresolved } = resolveBackends(gs, this.ctx.registry.list(), (m, s) => this.addresses.lookup(m, s));
    this.publishAddresses();
    if (problems.length > 0) this.engine.remove(key);
    else {
      this.engine.apply(key, {
        hostnames, ttl: gs.spec.ttlSeconds ?? 30, failClosed: gs.spec.failClosed ?? false,
        policy: gs.spec.policy, healthCheck: gs.spec.healthCheck ?? { protocol: 'http' }, backends,
      });
      problems.push(...this.engine.conflicts(key).map((h) => `spec.hostnames: ${h} is already answered by another GlobalService`));
    }
    const zone = this.engine.zoneFor(hostnames[0]);
    const status = buildStatus(gs, { health: this.engine.health(key), zone, problems, unresolved: unresolved.map((u) => u.message) });
    await this.writeStatus(gs, status);
    return { requeueAfterMs: RESYNC_MS };
  }

  /**
   * Re-queues every GlobalService when a member's Ingress or Service that addresses come from
   * changes: watched in the members this replica reads itself, published by their holder for the others.
   */
  private watchAddressSources(gs: GlobalService): void {
    const source = addressSource(gs);
    if (!source) return;
    for (const m of this.ctx.registry.list()) {
      if (this.addresses.published(m.name)) continue;
      const informer = sourceInformer(m, source);
      if (this.watched.has(informer)) continue;
      this.watched.add(informer);
      informer.on('add', this.onMemberChange).on('update', this.onMemberChange).on('delete', this.onMemberChange);
    }
  }

  /** Terminal problems: recorded in status, not retried until the spec changes. */
  private specProblems(key: string, gs: GlobalService, hostnames: string[]): string[] {
    const where = `GlobalService ${key}`;
    const problems = hostnames.filter((h) => !this.engine.zoneFor(h)).map((h) => `${where}: spec.hostnames: ${h} is not under a served zone (${this.zones.map((z) => z.origin).join(', ')})`);
    try {
      validatePolicy(gs.spec.policy, `${where}`);
    } catch (err) {
      problems.push((err as Error).message);
    }
    return problems;
  }

  private async writeStatus(gs: GlobalService, status: GlobalService['status'] & object): Promise<void> {
    const key = objectKey(gs);
    const comparable = comparableStatus(status);
    // Every replica answers the zone; with --shards only the hub shard's holder writes the status.
    if (this.written.get(key) === comparable || !this.ctx.shards.ownsHub()) return;
    try {
      await this.ctx.hub.patchStatus(API_VERSION, 'GlobalService', gs.metadata?.name ?? '', gs.metadata?.namespace, status);
      const moved = answersMovedEvent(this.written.has(key) ? JSON.parse(this.written.get(key) as string) as GlobalService['status'] : gs.status, status); if (moved) emitEvent(this.ctx.hub, gs, moved);
      this.written.set(key, comparable);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
