import type { KubeClient } from '../kube/client.js';
import { classifyError, isNotFound } from '../kube/errors.js';
import type { KubeObject, ResourceRef } from '../kube/types.js';
import type { Logger } from '../util/log.js';
import { WakeableSleep } from '../util/wait.js';

interface Lease extends KubeObject {
  spec?: { holderIdentity?: string; leaseDurationSeconds?: number; acquireTime?: string; renewTime?: string; leaseTransitions?: number };
}

/** Options of leader election (client-go's defaults: lease 15 s, renew deadline 10 s, retry 2 s). */
export interface LeaderOptions {
  namespace: string;
  name: string;
  identity: string;
  /** How long a follower waits after the Lease last changed before it takes over. */
  leaseDurationMs: number;
  /** How long a leader keeps acting after its last successful renewal; shorter than the lease. */
  renewDeadlineMs: number;
  /** Time between acquire or renew attempts. */
  retryPeriodMs: number;
  /** Called (not awaited: renewal never waits for start-up) when this replica starts leading; the signal fires when it stops. */
  onStartedLeading: (signal: AbortSignal, term: number) => void | Promise<void>;
  /** Called once when leadership is lost or given up, after the signal fired. */
  onStoppedLeading: () => void | Promise<void>;
}

const LEASE_API = 'coordination.k8s.io/v1';
const microTime = (d = new Date()) => d.toISOString().replace('Z', '000Z');

/** Checks that the renew deadline leaves a follower no chance to start while the leader still acts. */
export function validateLeaderTimings(o: Pick<LeaderOptions, 'leaseDurationMs' | 'renewDeadlineMs' | 'retryPeriodMs'>): void {
  if (!(o.renewDeadlineMs < o.leaseDurationMs)) throw new Error(`--renew-deadline (${o.renewDeadlineMs / 1000}s) must be shorter than --lease-duration (${o.leaseDurationMs / 1000}s)`);
  if (!(o.retryPeriodMs < o.renewDeadlineMs)) throw new Error(`--retry-period (${o.retryPeriodMs / 1000}s) must be shorter than --renew-deadline (${o.renewDeadlineMs / 1000}s)`);
}

/**
 * Lease-based leader election as client-go does it. A candidate takes the Lease when it has not
 * changed for a lease duration (on the candidate's own clock). The leader renews every retry period,
 * independently of what the controllers do, and acts only until renewDeadline after the start of its
 * last successful renewal: then its signal fires (in-flight work is cancelled) and `isLeader()` turns
 * false on the clock alone, even if no timer ran (a paused process). Because renewDeadline < lease,
 * the old leader has stopped before any follower may start. `run()` returns once leadership is lost.
 */
export class LeaderElector {
  private leading = false;
  private stopped = false;
  private observedRecord = '';
  private observedAt = 0;
  private lastRenew = 0;
  private term = 0;
  private leadership = new AbortController();
  private expiry: NodeJS.Timeout | undefined;
  private readonly pause = new WakeableSleep();

  constructor(private readonly client: KubeClient, private readonly opts: LeaderOptions, private readonly log: Logger) {
    validateLeaderTimings(opts);
  }

  /** True while this replica holds the lease and is inside its renew deadline (checked on the clock). */
  isLeader(): boolean {
    return this.leading && Date.now() < this.lastRenew + this.opts.renewDeadlineMs;
  }

  /** Fires when the current leadership ends. */
  get signal(): AbortSignal {
    return this.leadership.signal;
  }

  /** The Lease's transition count when this replica took it: a fencing token that grows with every new leader. */
  get currentTerm(): number {
    return this.term;
  }

  /** Campaigns, leads, and returns when leadership was lost or stop() was called. */
  async run(): Promise<void> {
    while (!this.stopped) {
      const sentAt = Date.now();
      const timeoutMs = this.leading ? Math.max(100, this.lastRenew + this.opts.renewDeadlineMs - sentAt) : this.opts.renewDeadlineMs;
      const ok = await this.tryAcquireOrRenew(timeoutMs).catch((err: Error) => {
        this.log.warn({ err: err.message }, 'leader election: lease update failed');
        return false;
      });
      if (this.stopped) break;
      if (ok && (!this.leading || this.isLeader())) {
        this.lastRenew = sentAt;
        this.armExpiry();
        if (!this.leading) this.becomeLeader();
      } else if (this.leading && !this.isLeader()) {
        await this.stopLeading('renew deadline passed');
      }
      if (!this.leading && this.leadership.signal.aborted) return;
      await this.pause.sleep(this.opts.retryPeriodMs);
    }
  }

  /** Stops the loop; if leading, stops acting and releases the lease so another replica takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.pause.wake();
    if (!this.leading) return;
    const wasLeader = this.isLeader();
    await this.stopLeading('shutdown');
    if (!wasLeader) return;
    const lease = await this.readLease(5000).catch(() => undefined);
    if (lease?.spec?.holderIdentity === this.opts.identity) {
      lease.spec = { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: microTime() };
      await this.writeLease('PUT', lease, 5000).catch(() => undefined);
    }
  }

  private becomeLeader(): void {
    this.leading = true;
    this.leadership = new AbortController();
    this.log.info({ identity: this.opts.identity, term: this.term }, 'became leader');
    const signal = this.leadership.signal;
    void Promise.resolve()
      .then(() => this.opts.onStartedLeading(signal, this.term))
      .catch((err: Error) => this.log.error({ err: err.message }, 'start-up as leader failed'));
  }

  private armExpiry(): void {
    clearTimeout(this.expiry);
    this.expiry = setTimeout(() => void this.stopLeading('renew deadline passed'), Math.max(0, this.lastRenew + this.opts.renewDeadlineMs - Date.now()));
  }

  private async stopLeading(why: string): Promise<void> {
    if (!this.leading) return;
    this.leading = false;
    clearTimeout(this.expiry);
    this.leadership.abort(new Error(`leadership of ${this.opts.identity} ended: ${why}`));
    this.pause.wake();
    if (why !== 'shutdown') this.log.error({ identity: this.opts.identity, why }, 'lost leadership');
    await Promise.resolve(this.opts.onStoppedLeading()).catch((err: Error) => this.log.warn({ err: err.message }, 'stopping after leadership failed'));
  }


  private async tryAcquireOrRenew(timeoutMs: number): Promise<boolean> {
    const { namespace, name, identity } = this.opts;
    const durationS = Math.ceil(this.opts.leaseDurationMs / 1000);
    const now = new Date();
    const lease = await this.readLease(timeoutMs);
    if (!lease) {
      const spec = { holderIdentity: identity, leaseDurationSeconds: durationS, acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: 0 };
      this.term = 0;
      return this.writeLease('POST', { apiVersion: LEASE_API, kind: 'Lease', metadata: { name, namespace }, spec }, timeoutMs);
    }
    const record = JSON.stringify(lease.spec ?? {});
    if (record !== this.observedRecord) {
      this.observedRecord = record;
      this.observedAt = Date.now();
    }
    const holder = lease.spec?.holderIdentity ?? '';
    const heldMs = (lease.spec?.leaseDurationSeconds ?? durationS) * 1000;
    if (holder !== identity && this.leading) return false; // someone else took it: we lost it
    if (holder && holder !== identity && Date.now() - this.observedAt < heldMs) return false;
    const transitions = (lease.spec?.leaseTransitions ?? 0) + (holder === identity ? 0 : 1);
    const acquireTime = holder === identity ? lease.spec?.acquireTime : microTime(now);
    lease.spec = { holderIdentity: identity, leaseDurationSeconds: durationS, acquireTime, renewTime: microTime(now), leaseTransitions: transitions };
    const ok = await this.writeLease('PUT', lease, timeoutMs);
    if (ok && !this.leading) this.term = transitions;
    return ok;
  }

  private async ref(): Promise<ResourceRef> {
    return this.client.discovery.resource(LEASE_API, 'Lease');
  }

  private async readLease(timeoutMs: number): Promise<Lease | undefined> {
    try {
      return await this.client.request<Lease>('GET', this.client.path(await this.ref(), this.opts.namespace, this.opts.name), { timeoutMs, unfenced: true });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  private async writeLease(method: 'POST' | 'PUT', lease: Lease, timeoutMs: number): Promise<boolean> {
    const path = this.client.path(await this.ref(), this.opts.namespace, method === 'PUT' ? this.opts.name : undefined);
    try {
      await this.client.request(method, path, { body: lease, timeoutMs, unfenced: true });
      return true;
    } catch (err) {
      if (classifyError(err) === 'conflict') return false;
      throw err;
    }
  }
}
