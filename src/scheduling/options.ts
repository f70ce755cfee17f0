/** Tunables of the scheduling controller; defaults fit the local fleet. */
export interface SchedulingOptions {
  /** Share of a peer's free capacity a virtual node offers when the Peering does not say (Liqo: 90%). */
  defaultSharePercent: number;
  /** How often virtual nodes renew their Lease and heartbeat their Ready condition. */
  heartbeatMs: number;
  /** Address the admission webhook listens on (loopback: the members' API servers call it). */
  webhookAddress: string;
  /** Port of the webhook; 0 picks a free one (the webhook configuration follows it). */
  webhookPort: number;
  /** Host name or IP the API servers dial to reach the webhook. */
  webhookHost: string;
  /** How long a peer must stay unanswering before the pods on its virtual node are reported lost. */
  lostAfterMs: number;
  /** How long a pod that no candidate fits waits before it is tried again. */
  retryUnschedulableMs: number;
  /**
   * Bindings of elected pods in flight at once (decisions stay serial; only the API calls overlap).
   * A binding to a virtual node makes its delegate in the peer beside the Binding, and one slot
   * spans both: 128 lets a 100-pod wave reach both API servers at once (32 held the wave's last
   * delegates back by about 1.5 s, bench/scheduling/burst.bench.ts).
   */
  bindConcurrency: number;
  /** Deadline of one binding request. */
  bindTimeoutMs: number;
  /** Delegates created or mirrored at once by the reflector. */
  reflectConcurrency: number;
}

/** The defaults, with overrides checked. */
export function schedulingOptions(overrides: Partial<SchedulingOptions> = {}): SchedulingOptions {
  const o: SchedulingOptions = {
    defaultSharePercent: 90, heartbeatMs: 10_000, webhookAddress: '127.0.0.1', webhookPort: 0, webhookHost: '127.0.0.1', retryUnschedulableMs: 2000, lostAfterMs: 3000,
    bindConcurrency: 128, bindTimeoutMs: 30_000, reflectConcurrency: 32, ...overrides,
  };
  if (!(o.defaultSharePercent > 0 && o.defaultSharePercent <= 100)) throw new Error(`scheduling: defaultSharePercent must be in (0, 100], got ${o.defaultSharePercent}`);
  if (!(o.heartbeatMs >= 1000)) throw new Error(`scheduling: heartbeatMs must be at least 1000, got ${o.heartbeatMs}`);
  for (const k of ['bindConcurrency', 'reflectConcurrency'] as const) {
    if (!(Number.isInteger(o[k]) && o[k] >= 1 && o[k] <= 256)) throw new Error(`scheduling: ${k} must be an integer in [1, 256], got ${o[k]}`);
  }
  if (!(o.bindTimeoutMs >= 1000)) throw new Error(`scheduling: bindTimeoutMs must be at least 1000, got ${o.bindTimeoutMs}`);
  return o;
}
