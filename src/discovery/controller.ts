import { WorkQueue } from '../controller/queue.js';
import type { KubeObject } from '../kube/types.js';
import type { Logger } from '../util/log.js';
import { parseIpv4Range, planClusterSetIps, type IpClaim } from './allocator.js';
import { clustersetSnapshot, exportedService, keysOf, knownKeys, recordedIps } from './clusterset.js';
import { resolveService, type ResolvedService } from './conflicts.js';
import { MemberState, type DiscoveryMember } from './member-state.js';
import { splitKey } from './model.js';
import type { DiscoveryOptions } from './options.js';
import { removeImport, syncExportStatus, syncImport } from './sync.js';
import { ClustersetZone } from './zone.js';

/** Where members come from: the ClusterRegistry satisfies it. */
export interface MemberSource {
  list(): DiscoveryMember[];
  on(event: 'change', listener: (name: string) => void): unknown;
  off(event: 'change', listener: (name: string) => void): unknown;
}

/**
 * The discovery controller. Level-based per service key (`namespace/name`): each reconcile reads
 * every member's cache, merges the exports (oldest wins conflicts) and makes each Ready member
 * match (ServiceImport, derived EndpointSlices, ServiceExport conditions), fanning out with
 * allSettled so one failing member never stops the others. The DNS snapshot is rebuilt from the
 * same caches on every change, and at once when a member turns Ready or not Ready.
 */
export class DiscoveryController {
  /** The clusterset.local zone this controller feeds. */
  readonly zone: ClustersetZone;
  private readonly queue: WorkQueue;
  private readonly states = new Map<string, MemberState>();
  private readonly settingUp = new Set<MemberState>();
  /** Every ClusterSetIP, planned from the members' records; dropped when exports or imports change. */
  private ips: Map<string, string> | undefined;
  private readonly onChange = (name: string) => this.memberChanged(name);
  private serial = Math.floor(Date.now() / 1000);
  private snapshotTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;

  /** `acts(member)`: whether this replica writes to the member (with `serve --shards`, the members it holds). */
  constructor(private readonly source: MemberSource, private readonly options: DiscoveryOptions, private readonly log: Logger, private readonly acts: (member: string) => boolean = () => true) {
    parseIpv4Range(options.clustersetIpRange);
    this.zone = new ClustersetZone({ views: options.views, ttl: options.ttlSeconds, nameserverAddresses: options.nameserverAddresses, clusterSetIpAnswers: options.clusterSetIpAnswers });
    this.queue = new WorkQueue((key) => this.reconcile(key), { concurrency: 8, ratePerSecond: 200 }, (key, err) => log.warn({ service: key, err: (err as Error).message }, 'discovery sync failed'));
  }

  /** The members discovery has set up, by name. */
  members(): MemberState[] {
    return [...this.states.values()].filter((s) => s.sliceApiVersion);
  }

  async start(): Promise<void> {
    this.source.on('change', this.onChange);
    for (const m of this.source.list()) this.memberChanged(m.name);
  }

  async stop(): Promise<void> {
    this.source.off('change', this.onChange);
    this.queue.stop();
    clearTimeout(this.snapshotTimer);
    clearTimeout(this.retryTimer);
  }

  /** Resolves when no reconcile is queued or running (tests, benchmarks). */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  private memberChanged(name: string): void {
    const member = this.source.list().find((m) => m.name === name);
    const state = this.states.get(name);
    this.ips = undefined;
    if (!member || (state && state.member !== member)) this.states.delete(name);
    if (member && !this.states.has(name)) this.states.set(name, new MemberState(member));
    this.rebuildSnapshot();
    this.setUpPending();
    for (const key of knownKeys(this.members())) this.queue.add(key);
  }

  private setUpPending(): void {
    for (const state of this.states.values()) {
      if (state.sliceApiVersion || !state.ready || this.settingUp.has(state)) continue;
      const current = state;
      this.settingUp.add(current);
      current.setUp(this.options.clustersetName, (obj, kind) => this.onEvent(obj, kind)).then(() => {
        this.log.info({ cluster: current.name, endpointSlices: current.sliceApiVersion }, 'discovery set up in member');
        this.rebuildSnapshot();
      }).catch((err: Error) => {
        current.sliceApiVersion = '';
        this.log.warn({ cluster: current.name, err: err.message }, 'discovery set-up in member failed; retrying');
        this.retryTimer ??= setTimeout(() => { this.retryTimer = undefined; this.setUpPending(); }, 2000).unref();
      }).finally(() => this.settingUp.delete(current));
    }
  }

  private onEvent(obj: KubeObject, kind: string): void {
    // Endpoints move often and decide no address; exports, services, imports and namespaces may.
    if (kind !== 'EndpointSlice' && kind !== 'Endpoints') this.ips = undefined;
    if (kind === 'Namespace') for (const key of knownKeys(this.members())) this.queue.add(key);
    for (const key of keysOf(obj, kind)) this.queue.add(key);
    this.scheduleSnapshot();
  }

  private scheduleSnapshot(): void {
    this.snapshotTimer ??= setTimeout(() => { this.snapshotTimer = undefined; this.rebuildSnapshot(); }, this.options.snapshotDelayMs).unref();
  }

  private rebuildSnapshot(): void {
    const ips = this.clusterSetIps();
    this.zone.setSnapshot(clustersetSnapshot(this.members(), (key) => ips.get(key), this.options.ttlSeconds, ++this.serial, this.zone.origin));
  }

  /** The plan of every ClusterSetIP (planClusterSetIps), rebuilt after a change that may move one. */
  private clusterSetIps(): Map<string, string> {
    if (this.ips) return this.ips;
    const states = this.members();
    const claims: IpClaim[] = [];
    for (const key of knownKeys(states)) {
      const resolved = resolveService(exportedService(states, key));
      if (resolved.participants.length === 0 || resolved.type !== 'ClusterSetIP') continue;
      claims.push({ key, exportedAt: resolved.participants.map((p) => p.exportedAt).sort()[0] ?? '', recorded: recordedIps(states, key) });
    }
    this.ips = planClusterSetIps(this.options.clustersetIpRange, claims);
    return this.ips;
  }

  private async reconcile(key: string): Promise<{ requeueAfterMs: number } | void> {
    // Never act on a partial picture: a Ready member not set up, or whose caches have not listed
    // yet, could hold exports, and acting without it could delete what it still exports.
    if ([...this.states.values()].some((s) => s.ready && !s.synced())) return { requeueAfterMs: 500 };
    const states = this.members();
    const ready = states.filter((s) => s.ready);
    const resolved = resolveService(exportedService(states, key));
    const exporting = resolved.participants.length > 0;
    const ip = exporting && resolved.type === 'ClusterSetIP' ? this.clusterSetIps().get(key) : undefined;
    this.scheduleSnapshot();
    // Every replica reads every member (the DNS snapshot is whole); each writes only to its own.
    const ours = ready.filter((m) => this.acts(m.name));
    const results = await Promise.allSettled(ours.map((m) => this.syncMember(m, key, resolved, ip)));
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [`${ours[i].name}: ${(r.reason as Error).message}`] : []));
    if (failed.length > 0) throw new Error(`service ${key}: ${failed.join('; ')}`);
    return { requeueAfterMs: this.options.resyncMs };
  }

  private async syncMember(m: MemberState, key: string, resolved: ResolvedService, ip: string | undefined): Promise<void> {
    const { namespace, name } = splitKey(key);
    const exp = m.serviceExport(namespace, name);
    const conditions = resolved.conditions.get(m.name);
    if (exp && conditions && !exp.metadata?.deletionTimestamp) await syncExportStatus(m, exp, conditions);
    if (resolved.participants.length > 0 && m.hasNamespace(namespace)) await syncImport(m, namespace, name, resolved, ip);
    else await removeImport(m, namespace, name);
  }
}
