import type { KubeClient } from '../kube/client.js';
import { isConflict, isNotFound } from '../kube/errors.js';
import type { KubeObject } from '../kube/types.js';
import type { Logger } from '../util/log.js';
import { sleep } from '../util/wait.js';

interface Lease extends KubeObject {
  spec?: { holderIdentity?: string; leaseDurationSeconds?: number; acquireTime?: string; renewTime?: string; leaseTransitions?: number };
}

/** Options of leader election. */
export interface LeaderOptions {
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMs: number;
  onStartedLeading: () => void | Promise<void>;
  onStoppedLeading: () => void;
}

const microTime = (d = new Date()) => d.toISOString().replace('Z', '000Z');

/**
 * Lease-based leader election as client-go does it: a candidate takes the Lease when the holder
 * has not renewed it for a lease duration (measured on the candidate's own clock, from when it
 * last saw the Lease change), the leader renews every third of the duration, and a leader that
 * cannot renew before the duration runs out stops leading. Release on shutdown hands over at once.
 */
export class LeaderElector {
  private leading = false;
  private stopped = false;
  private observedRecord = '';
  private observedAt = 0;
  private lastRenew = 0;

  constructor(private readonly client: KubeClient, private readonly opts: LeaderOptions, private readonly log: Logger) {}

  /** True while this replica holds the lease. */
  isLeader(): boolean {
    return this.leading;
  }

  /** Runs the election loop until stop(). */
  async run(): Promise<void> {
    const retry = Math.max(200, Math.floor(this.opts.leaseDurationMs / 3));
    while (!this.stopped) {
      const ok = await this.tryAcquireOrRenew().catch((err: Error) => {
        this.log.warn({ err: err.message }, 'leader election: lease update failed');
        return false;
      });
      if (ok) {
        this.lastRenew = Date.now();
        if (!this.leading) {
          this.leading = true;
          this.log.info({ identity: this.opts.identity }, 'became leader');
          await this.opts.onStartedLeading();
        }
      } else if (this.leading && Date.now() - this.lastRenew > this.opts.leaseDurationMs) {
        this.leading = false;
        this.log.error({ identity: this.opts.identity }, 'lost leadership');
        this.opts.onStoppedLeading();
      }
      await sleep(retry);
    }
  }

  /** Stops the loop and, if leading, releases the lease so another replica takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (!this.leading) return;
    const lease = await this.client.get<Lease>('coordination.k8s.io/v1', 'Lease', this.opts.name, this.opts.namespace).catch(() => undefined);
    if (lease?.spec?.holderIdentity === this.opts.identity) {
      lease.spec = { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: microTime() };
      await this.client.replace(lease).catch(() => undefined);
    }
    this.leading = false;
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const { namespace, name, identity } = this.opts;
    const durationS = Math.ceil(this.opts.leaseDurationMs / 1000);
    const now = new Date();
    let lease: Lease | undefined;
    try {
      lease = await this.client.get<Lease>('coordination.k8s.io/v1', 'Lease', name, namespace);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    if (!lease) {
      const spec = { holderIdentity: identity, leaseDurationSeconds: durationS, acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: 0 };
      return this.write(() => this.client.create({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace }, spec }));
    }
    const record = JSON.stringify(lease.spec ?? {});
    if (record !== this.observedRecord) {
      this.observedRecord = record;
      this.observedAt = Date.now();
    }
    const holder = lease.spec?.holderIdentity ?? '';
    const heldMs = (lease.spec?.leaseDurationSeconds ?? durationS) * 1000;
    if (holder && holder !== identity && Date.now() - this.observedAt < heldMs) return false;
    const transitions = (lease.spec?.leaseTransitions ?? 0) + (holder === identity ? 0 : 1);
    const acquireTime = holder === identity ? lease.spec?.acquireTime : microTime(now);
    lease.spec = { holderIdentity: identity, leaseDurationSeconds: durationS, acquireTime, renewTime: microTime(now), leaseTransitions: transitions };
    return this.write(() => this.client.replace(lease));
  }

  private async write(fn: () => Promise<unknown>): Promise<boolean> {
    try {
      await fn();
      return true;
    } catch (err) {
      if (isConflict(err)) return false;
      throw err;
    }
  }
}
