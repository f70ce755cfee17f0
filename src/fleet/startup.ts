import { availableParallelism } from 'node:os';

/*
 * How many clusters boot at once, and how long `fleet up` waits for them. A cluster's boot (etcd,
 * then the API server's bootstrap up to /readyz: about 5 CPU seconds with the small-cluster flags)
 * is CPU-bound. Six at once on two cores starved each other past the API server's own 30 s
 * post-start deadlines, so none answered /readyz in 300 s (issue 14). The supervisor boots clusters
 * in waves of one per CPU; a cluster leaves its wave when its API server answers /readyz, and its
 * controller-manager, scheduler, nodes and ingress come up beside the next wave's boot.
 */

/** Most clusters booting at once, whatever the machine: the figure before waves were bounded by CPUs. */
export const MAX_START_CONCURRENCY = 6;

/** Clusters whose control planes boot at once: one per CPU, at least one, at most MAX_START_CONCURRENCY. */
export function startConcurrency(cpus = availableParallelism()): number {
  return Math.max(1, Math.min(MAX_START_CONCURRENCY, Math.floor(cpus)));
}

/** What the first wave may take (and a fleet of one wave), in seconds: the default before waves. */
const FIRST_WAVE_S = 180;
/** What each later wave adds, in seconds: a boot takes 10-20 s on two quiet cores, three times that loaded. */
const WAVE_S = 60;

/**
 * How long `fleet up` waits by default for `clusters` clusters (the hub included) booted
 * `concurrency` at a time: 180 s for the first wave and 60 s for each later one. A cluster whose
 * boot fails is reported at once (its status says failed), so the deadline only ends a stuck wait.
 */
export function defaultUpTimeoutMs(clusters: number, concurrency = startConcurrency()): number {
  const waves = Math.ceil(Math.max(1, clusters) / Math.max(1, concurrency));
  return (FIRST_WAVE_S + WAVE_S * (waves - 1)) * 1000;
}
