import { WorkQueue } from '../controller/queue.js';
import type { KubeObject } from '../kube/types.js';
import type { MemberPublications } from '../serve/publications.js';
import { TerminalError } from '../controller/terminal.js';
import type { Logger } from '../util/log.js';
import { parseIpv4Range, planClusterSetIps, type IpClaim } from './allocator.js';
import { clustersetSnapshot, exportedService, keysOf, knownKeys, recordedIps } from './clusterset.js';
import { resolveService, type ResolvedService } from './conflicts.js';
import { MemberState, MovedAway, type DiscoveryMember } from './member-state.js';
import { checkPublication, publicationOf, PublishedMember, type CheckedPublication, type MemberView } from './member-view.js';
import { splitKey } from './model.js';
import type { DiscoveryOptions } from './options.js';
import { removeImport, syncExportStatus, syncImport } from './sync.js';
import { ClustersetZone } from './zone.js';

const PART = 'discovery';
const PUBLISH_RETRY_MS = 1000;

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
 *
 * With `publications` (`serve --shards`), the members this replica does not act on are not watched:
 * their holders publish each member's view on the hub (publicationOf), and this replica reads it
 * (PublishedMember). The replica publishes the views of the members it holds whenever they change.
 */
export class DiscoveryController {
  /** The clusterset.local zone this controller feeds. */
  readonly zone: ClustersetZone;
  private readonly queue: WorkQueue;
  private readonly states = new Map<string, MemberState | PublishedMember>();
  private readonly settingUp = new Set<MemberState>();
  /** Every ClusterSetIP, planned from the members' records; dropped when exports or imports change. */
  private ips: Map<string, string> | undefined;
  private readonly onChange = (name: string) => this.memberChanged(name);
  private serial = Math.floor(Date.now() / 1000);
  private snapshotTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private publishTimer: NodeJS.Timeout | undefined;
  private publishing = false;
  /** Held members whose view changed since it was last published. */
  private readonly unpublished = new Set<string>();
  private readonly onPublished = (name: string) => this.publishedChanged(name);

  /** `acts(member)`: whether this replica writes to the member (with `serve --shards`, the members it holds). */
  constructor(private readonly source: MemberSource, private readonly options: DiscoveryOptions, private readonly log: Logger, private readonly acts: (member: string) => boolean = () => true, private readonly publications?: MemberPublications) {
    parseIpv4Range(options.clustersetIpRange);
    this.zone = new ClustersetZone({ views: options.views, ttl: options.ttlSeconds, nameserverAddresses: options.nameserverAddresses, clusterSetIpAnswers: options.clusterSetIpAnswers });
    this.queue = new WorkQueue((key) => this.reconcile(key), { concurrency: 8, ratePerSecond: 200 }, (key, err) => log.warn({ service: key, err: (err as Error).message }, 'discovery sync failed'));
  }

  /** The members discovery reads: those it has set up in, and those whose holder publishes them. */
  members(): MemberView[] {
    return [...this.states.values()].filter((s) => !(s instanceof MemberState) || s.sliceApiVersion);
  }

  /** The members this replica watches itself (all of them without publications). */
  watched(): string[] {
    return [...this.states.values()].filter((s) => s instanceof MemberState).map((s) => s.name);
  }

  async start(): Promise<void> {
    this.publications?.on('change', this.onPublished);
    this.source.on('change', this.onChange);
    for (const m of this.source.list()) this.memberChanged(m.name);
  }

  async stop(): Promise<void> {
    this.source.off('change', this.onChange);
    this.publications?.off('change', this.onPublished);
    this.queue.stop();
    clearTimeout(this.snapshotTimer);
    clearTimeout(this.retryTimer);
    clearTimeout(this.publishTimer);
    for (const s of this.states.values()) if (s instanceof MemberState) s.detach();
  }

  /** Resolves when no reconcile is queued or running (tests, benchmarks). */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  private memberChanged(name: string): void {
    const member = this.source.list().find((m) => m.name === name);
    const state = this.states.get(name);
    this.ips = undefined;
    const published = Boolean(this.publications) && !this.acts(name);
    if (state && (!member || state.member !== member || (state instanceof PublishedMember) !== published)) {
      if (state instanceof MemberState) state.detach();
      this.states.delete(name);
    }
    if (member && !this.states.has(name)) this.states.set(name, published ? new PublishedMember(member, () => this.readPublication(name)) : new MemberState(member));
    this.rebuildSnapshot();
    this.setUpPending();
    for (const key of knownKeys(this.members())) this.queue.add(key);
  }

  private setUpPending(): void {
    for (const state of this.states.values()) {
      if (!(state instanceof MemberState) || state.sliceApiVersion || !state.ready || this.settingUp.has(state)) continue;
      const current = state;
      this.settingUp.add(current);
      const wanted = () => this.states.get(current.name) === current;
      current.setUp(this.options.clustersetName, (obj, kind) => {
        if (!wanted()) return;
        this.unpublished.add(current.name);
        this.onEvent(obj, kind);
      }, wanted).then(() => {
        this.log.info({ cluster: current.name, endpointSlices: current.sliceApiVersion }, 'discovery set up in member');
        this.unpublished.add(current.name);
        this.rebuildSnapshot();
      }).catch((err: Error) => {
        current.sliceApiVersion = '';
        if (err instanceof MovedAway) return void this.log.info({ cluster: current.name }, 'discovery set-up stopped: the member moved to another replica');
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
    this.schedulePublish(0);
  }

  /** A member's published view, checked; a publication that is wrong counts as none, with a warning naming the field. */
  private readPublication(name: string): CheckedPublication | undefined {
    const raw = this.publications?.read<unknown>(name, PART);
    if (raw === undefined) return undefined;
    try {
      return checkPublication(raw);
    } catch (err) {
      this.log.warn({ cluster: name, part: PART, err: (err as Error).message }, 'published discovery state of the member is not valid; it counts as unpublished');
      return undefined;
    }
  }

  /** Another replica published a member's view: re-read it and re-queue the services it named before and now. */
  private publishedChanged(name: string): void {
    const state = this.states.get(name);
    if (!(state instanceof PublishedMember)) return;
    const keys = state.refresh();
    this.ips = undefined;
    for (const key of keys) this.queue.add(key);
    this.scheduleSnapshot();
  }

  private schedulePublish(delayMs: number): void {
    if (!this.publications) return;
    this.publishTimer ??= setTimeout(() => { this.publishTimer = undefined; void this.publishHeld(); }, delayMs).unref();
  }

  /** Publishes the view of each held member that changed, once its caches have listed (the hub copy is rewritten only when it differs). */
  private async publishHeld(): Promise<void> {
    if (!this.publications || this.publishing) return this.schedulePublish(PUBLISH_RETRY_MS);
    this.publishing = true;
    let again = false;
    try {
      for (const name of [...this.unpublished]) {
        const state = this.states.get(name);
        if (!(state instanceof MemberState) || !this.acts(name)) { this.unpublished.delete(name); continue; }
        if (!state.synced()) { again = true; continue; }
        this.unpublished.delete(name);
        await this.publications.publish(name, PART, publicationOf(state)).catch((err: Error) => {
          if (err instanceof TerminalError) return; // too large: an Event on the Cluster; the next change tries again
          this.unpublished.add(name);
          again = true;
          this.log.warn({ cluster: name, err: err.message }, 'publishing the member\'s discovery state on the hub failed; retrying');
        });
      }
    } finally {
      this.publishing = false;
    }
    if (again) this.schedulePublish(PUBLISH_RETRY_MS);
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
    const ours = ready.filter((m): m is MemberState => m instanceof MemberState && this.acts(m.name));
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
