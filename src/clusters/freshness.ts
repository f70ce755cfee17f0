import type { Cluster } from '../api/cluster.js';

/** `meridian serve` rewrites an unchanged Cluster status at least this often (lastProbeTime moves). */
export const STATUS_REFRESH_MS = 30_000;
/** Probe interval when the Cluster names none and serve's flag is unknown (serve's default). */
export const DEFAULT_PROBE_INTERVAL_MS = 5000;

/** How old a Cluster's status is, and whether it is too old to be believed. */
export interface StatusFreshness {
  /** Milliseconds since the last probe; undefined when the status records none. */
  ageMs?: number;
  /** True when no probe was recorded, or the last one is older than a few probe intervals. */
  stale: boolean;
}

/**
 * A status is stale when its last probe is older than three probe intervals, and never sooner than
 * two status refreshes (an unchanged status is rewritten only every STATUS_REFRESH_MS). A stale
 * `Ready True` means nobody is probing (no `meridian serve` runs), not that the member is Ready.
 */
export function statusFreshness(cluster: Cluster, now = Date.now(), defaultProbeMs = DEFAULT_PROBE_INTERVAL_MS): StatusFreshness {
  const at = Date.parse(cluster.status?.lastProbeTime ?? '');
  if (!Number.isFinite(at)) return { stale: true };
  const interval = (cluster.spec.probeIntervalSeconds ?? 0) * 1000 || defaultProbeMs;
  const ageMs = Math.max(0, now - at);
  return { ageMs, stale: ageMs > Math.max(3 * interval, 2 * STATUS_REFRESH_MS) };
}
