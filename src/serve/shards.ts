import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { KubeClient, WriteFence } from '../kube/client.js';
import { classifyError, isNotFound } from '../kube/errors.js';
import type { KubeObject } from '../kube/types.js';
import type { Logger } from '../util/log.js';
import { WakeableSleep } from '../util/wait.js';
import { assignBounded } from './hrw.js';
import { validateLeaderTimings } from './leader.js';
import { HUB_SHARD, type Ownership } from './ownership.js';

interface Lease extends KubeObject {
  spec?: { holderIdentity?: string; leaseDurationSeconds?: number; acquireTime?: string; renewTime?: string; leaseTransitions?: number };
}

/** Options of the shard coordinator (the lease timings follow client-go's leader election). */
export interface ShardOptions {
  namespace: string;
  /** Replicas with the same group share the members; it prefixes every Lease name. */
  group: string;
  identity: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  /** The member names to share out, read at every round (the hub shard is added). */
  keys: () => string[];
}

const LEASE_API = 'coordination.k8s.io/v1';
const GROUP_LABEL = 'meridian.dev/shard-group';
const ROLE_LABEL = 'meridian.dev/shard-role';
const KEY_ANNOTATION = 'meridian.dev/shard-key';
const microTime = (d = new Date()) => d.toISOString().replace('Z', '000Z');

/**
 * Splits the member clusters between `meridian serve` replicas. Each replica keeps a replica Lease
 * alive; every replica computes the same owner for each member by bounded-load rendezvous hashing
 * over all members and the live replicas (shards differ by at most one member), and the owner takes
 * the member's own Lease, with client-go's rules: a Lease is taken only when free or unchanged for
 * a lease duration (on the taker's clock), renewed every retry period, and acted on only until the
 * renew deadline after the last successful renewal, which is shorter than the lease: a replica that
 * is killed, paused or cut off has stopped acting on a member before anyone else may take it. A
 * replica that is no longer a member's owner (one joined) stops acting and hands the Lease over at
 * once, so adding a replica moves its share and a few more (members pushed off a full replica).
 *
 * Writes are fenced per member: `memberFence(name)` for a member's own client, and `hubFence()`
 * for the hub client, which judges each write by the shard whose work is running
 * (`within(key, fn)`), or by the hub shard (ApplicationSets, fleet-wide status) outside any.
 */
export class ShardCoordinator extends EventEmitter implements Ownership {
  private readonly held = new Map<string, { lastRenew: number; abort: AbortController; expiry: NodeJS.Timeout }>();
  private readonly observed = new Map<string, { record: string; at: number }>();
  private readonly lastSeen = new Map<string, Lease>();
  private readonly context = new AsyncLocalStorage<string>();
  private live: string[] = [];
  private stopped = false;
  private readonly pause = new WakeableSleep();
  private loop: Promise<void> | undefined;
  private synced = false;

  constructor(private readonly client: KubeClient, private readonly opts: ShardOptions, private readonly log: Logger) {
    super();
    validateLeaderTimings(opts);
  }

  /** True while this replica holds the shard's Lease and is inside its renew deadline (on the clock alone). */
  owns(key: string): boolean {
    const shard = this.shardOf(key);
    const h = this.held.get(shard);
    return Boolean(h) && Date.now() < (h?.lastRenew ?? 0) + this.opts.renewDeadlineMs;
  }

  /** True while this replica holds the hub shard (work that belongs to no member). */
  ownsHub(): boolean {
    return this.owns(HUB_SHARD);
  }

  /** Runs fn with hub writes judged by `key`'s shard. */
  within<T>(key: string, fn: () => T): T {
    return this.context.run(key, fn);
  }

  /** The replicas seen alive in the last round (identities), this one included. */
  replicas(): string[] {
    return [...this.live];
  }

  /** The shards this replica holds now. */
  ownedKeys(): string[] {
    return [...this.held.keys()].filter((k) => this.owns(k));
  }

  /** Fence for a member's client: its writes go out only while this replica holds the member. */
  memberFence(name: string): WriteFence {
    const signalOf = () => this.signalOf(name);
    return { valid: () => this.owns(name), get signal() { return signalOf(); }, describe: () => `${this.opts.identity} (member ${name})` };
  }

  /** Fence for the hub client: a write is judged by the shard of the work that sends it. */
  hubFence(): WriteFence {
    const current = () => this.context.getStore() ?? HUB_SHARD;
    const signalOf = () => this.signalOf(current());
    return { valid: () => this.owns(current()), get signal() { return signalOf(); }, describe: () => `${this.opts.identity} (shard ${current()})` };
  }

  /** Runs rounds until stop(); resolves after the first round so callers start with a view of the group. */
  async start(): Promise<void> {
    await this.round().catch((err: Error) => this.log.warn({ err: err.message }, 'shards: first round failed'));
    this.synced = true;
    this.loop = (async () => {
      while (!this.stopped) {
        await this.pause.sleep(this.nextRoundInMs());
        if (this.stopped) break;
        await this.round().catch((err: Error) => this.log.warn({ err: err.message }, 'shards: round failed'));
      }
    })();
  }

  /** True once the first round ran. */
  hasSynced(): boolean {
    return this.synced;
  }

  /** Stops acting on every shard and hands the Leases over, so the other replicas take them at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.pause.wake();
    await this.loop;
    const keys = [...this.held.keys()];
    for (const k of keys) this.drop(k, 'shutdown');
    const leases = await this.listLeases(5000).catch(() => [] as Lease[]);
    await Promise.allSettled(leases.filter((l) => l.spec?.holderIdentity === this.opts.identity).map((l) => {
      if (l.metadata?.labels?.[ROLE_LABEL] === 'replica') return this.client.request('DELETE', this.leasePath(l.metadata?.name), { timeoutMs: 5000, unfenced: true });
      return this.write('PUT', { ...l, spec: { ...l.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: microTime() } }, 5000);
    }));
  }

  /** One round: renew this replica, see who is alive, give up what moved away, renew and take what is ours. */
  private async round(): Promise<void> {
    const sentAt = Date.now();
    const timeoutMs = this.opts.renewDeadlineMs;
    const leases = new Map((await this.listLeases(timeoutMs)).map((l) => [l.metadata?.name ?? '', l]));
    for (const name of [...this.lastSeen.keys()]) if (!leases.has(name)) { this.lastSeen.delete(name); this.observed.delete(name); }
    for (const [name, l] of leases) this.observe(name, l);
    await this.renewReplica(leases.get(this.replicaLeaseName()), timeoutMs);
    this.live = this.liveReplicas(leases);
    const keys = [HUB_SHARD, ...new Set(this.opts.keys())];
    const wanted = new Set(keys);
    const owners = assignBounded(keys, this.live);
    const work: Array<Promise<void>> = [];
    for (const key of keys) {
      const lease = leases.get(this.memberLeaseName(key));
      const mine = owners.get(key) === this.opts.identity;
      const holder = lease?.spec?.holderIdentity ?? '';
      if (this.held.has(key) && holder !== this.opts.identity) this.drop(key, `lease taken by ${holder || 'nobody'}`);
      else if (this.held.has(key) && !mine) work.push(this.release(key, lease as Lease, timeoutMs));
      else if (mine) work.push(this.acquireOrRenew(key, lease, sentAt, timeoutMs));
    }
    for (const key of [...this.held.keys()]) if (!wanted.has(key)) this.drop(key, 'member removed');
    await Promise.allSettled(work);
  }

  private async acquireOrRenew(key: string, lease: Lease | undefined, sentAt: number, timeoutMs: number): Promise<void> {
    const { identity } = this.opts;
    const holder = lease?.spec?.holderIdentity ?? '';
    if (lease && holder && holder !== identity && !this.expired(this.memberLeaseName(key), lease)) return;
    const durationS = Math.ceil(this.opts.leaseDurationMs / 1000);
    const now = microTime();
    const taking = holder !== identity;
    const spec = { holderIdentity: identity, leaseDurationSeconds: durationS, acquireTime: taking ? now : lease?.spec?.acquireTime, renewTime: now, leaseTransitions: (lease?.spec?.leaseTransitions ?? 0) + (taking && lease ? 1 : 0) };
    const body: Lease = lease
      ? { ...lease, spec }
      : { apiVersion: LEASE_API, kind: 'Lease', metadata: { name: this.memberLeaseName(key), namespace: this.opts.namespace, labels: { [GROUP_LABEL]: this.opts.group, [ROLE_LABEL]: 'member' }, annotations: { [KEY_ANNOTATION]: key } }, spec };
    const ok = await this.write(lease ? 'PUT' : 'POST', body, timeoutMs).catch((err: Error) => {
      this.log.warn({ shard: key, err: err.message }, 'shards: lease write failed');
      return false;
    });
    if (!ok) {
      if (!taking && this.held.has(key) && !this.owns(key)) this.drop(key, 'renew deadline passed');
      return;
    }
    // The write carried the Lease's resourceVersion: nobody changed it since we read it, so we hold it
    // (also when our own record outlived a renew deadline we had passed: nobody could take it meanwhile).
    this.hold(key, sentAt);
  }

  private async release(key: string, lease: Lease, timeoutMs: number): Promise<void> {
    this.drop(key, 'owner moved');
    await this.write('PUT', { ...lease, spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: microTime() } }, timeoutMs).catch(() => false);
  }

  private hold(key: string, lastRenew: number): void {
    const h = this.held.get(key);
    const fresh = !h;
    const entry = h ?? { lastRenew, abort: new AbortController(), expiry: undefined as unknown as NodeJS.Timeout };
    entry.lastRenew = lastRenew;
    clearTimeout(entry.expiry);
    entry.expiry = setTimeout(() => { if (!this.owns(key)) this.drop(key, 'renew deadline passed'); }, Math.max(0, lastRenew + this.opts.renewDeadlineMs - Date.now()));
    this.held.set(key, entry);
    if (fresh) {
      this.log.info({ shard: key, identity: this.opts.identity }, 'shard acquired');
      this.emit('change', key);
    }
  }

  private drop(key: string, why: string): void {
    const h = this.held.get(key);
    if (!h) return;
    this.held.delete(key);
    clearTimeout(h.expiry);
    h.abort.abort(new Error(`${this.opts.identity} stopped acting on shard ${key}: ${why}`));
    this.log[why === 'owner moved' || why === 'shutdown' ? 'info' : 'warn']({ shard: key, why }, 'shard released');
    this.emit('change', key);
  }

  private signalOf(key: string): AbortSignal {
    return this.held.get(this.shardOf(key))?.abort.signal ?? AbortSignal.abort(new Error(`${this.opts.identity} does not hold shard ${key}`));
  }

  /** A member unknown to the group (no Cluster object) is the hub shard's business. */
  private shardOf(key: string): string {
    return key === HUB_SHARD || this.held.has(key) || this.opts.keys().includes(key) ? key : HUB_SHARD;
  }

  private async renewReplica(lease: Lease | undefined, timeoutMs: number): Promise<void> {
    const spec = { holderIdentity: this.opts.identity, leaseDurationSeconds: Math.ceil(this.opts.leaseDurationMs / 1000), renewTime: microTime() };
    const body: Lease = lease ? { ...lease, spec: { ...lease.spec, ...spec } }
      : { apiVersion: LEASE_API, kind: 'Lease', metadata: { name: this.replicaLeaseName(), namespace: this.opts.namespace, labels: { [GROUP_LABEL]: this.opts.group, [ROLE_LABEL]: 'replica' } }, spec: { ...spec, acquireTime: spec.renewTime } };
    await this.write(lease ? 'PUT' : 'POST', body, timeoutMs);
  }

  /** Replicas whose Lease changed within its duration (on this replica's clock), this one always. */
  private liveReplicas(leases: Map<string, Lease>): string[] {
    const live = new Set([this.opts.identity]);
    for (const [name, l] of leases) {
      if (l.metadata?.labels?.[ROLE_LABEL] !== 'replica' || !l.spec?.holderIdentity) continue;
      if (!this.expired(name, l)) live.add(l.spec.holderIdentity);
    }
    return [...live].sort();
  }

  private observe(name: string, lease: Lease): void {
    this.lastSeen.set(name, lease);
    const record = JSON.stringify(lease.spec ?? {});
    const seen = this.observed.get(name);
    if (!seen || seen.record !== record) this.observed.set(name, { record, at: Date.now() });
  }

  private expired(name: string, lease: Lease): boolean {
    const seen = this.observed.get(name);
    const durationMs = (lease.spec?.leaseDurationSeconds ?? Math.ceil(this.opts.leaseDurationMs / 1000)) * 1000;
    return !seen || Date.now() - seen.at >= durationMs;
  }

  /**
   * The next round comes after a retry period, or just after the first Lease of another replica
   * expires if that is sooner: a dead replica's members are taken as soon as it is safe, not up to
   * a retry period later.
   */
  private nextRoundInMs(): number {
    const now = Date.now();
    let next = this.opts.retryPeriodMs;
    for (const [name, seen] of this.observed) {
      const lease = this.lastSeen.get(name);
      if (!lease?.spec?.holderIdentity || lease.spec.holderIdentity === this.opts.identity) continue;
      const expiresIn = seen.at + (lease.spec.leaseDurationSeconds ?? 0) * 1000 - now;
      if (expiresIn >= 0) next = Math.min(next, expiresIn + 20);
    }
    return next;
  }

  private replicaLeaseName(): string {
    return `${this.opts.group}-replica-${slug(this.opts.identity)}`;
  }

  private memberLeaseName(key: string): string {
    return key === HUB_SHARD ? `${this.opts.group}-hub` : `${this.opts.group}-member-${slug(key)}`;
  }

  private leasePath(name?: string): string {
    return `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(this.opts.namespace)}/leases${name ? `/${encodeURIComponent(name)}` : ''}`;
  }

  private async listLeases(timeoutMs: number): Promise<Lease[]> {
    const path = `${this.leasePath()}?labelSelector=${encodeURIComponent(`${GROUP_LABEL}=${this.opts.group}`)}`;
    return (await this.client.request<{ items: Lease[] }>('GET', path, { timeoutMs, unfenced: true })).items ?? [];
  }

  private async write(method: 'POST' | 'PUT', lease: Lease, timeoutMs: number): Promise<boolean> {
    try {
      await this.client.request(method, this.leasePath(method === 'PUT' ? lease.metadata?.name : undefined), { body: lease, timeoutMs, unfenced: true });
      return true;
    } catch (err) {
      if (classifyError(err) === 'conflict' || isNotFound(err)) return false;
      throw err;
    }
  }

}

/** A Lease-name-safe form of an identity or member name, with a hash so that two never collide. */
function slug(s: string): string {
  const base = s.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'x';
  return `${base}-${createHash('sha256').update(s).digest('hex').slice(0, 8)}`;
}
