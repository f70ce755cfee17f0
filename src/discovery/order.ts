import type { DnsBackend, DnsService } from './dns-snapshot.js';

/** The backends a query gets, in tiers: the preferred side first, the other as fallback. */
export interface BackendTiers {
  preferred: DnsBackend[];
  fallback: DnsBackend[];
}

/**
 * Splits a service's healthy backends by the asking cluster's affinity (Cilium's semantics):
 * `local` prefers the asking cluster's copy, `remote` the others, `none` (or an unknown asker)
 * treats all alike. The fallback side is only used when the preferred side is empty.
 */
export function tiersFor(svc: DnsService, viewCluster: string | undefined): BackendTiers {
  const affinity = viewCluster ? (svc.affinityByCluster[viewCluster] ?? svc.defaultAffinity) : 'none';
  if (!viewCluster || affinity === 'none') return { preferred: svc.backends, fallback: [] };
  const local = svc.backends.filter((b) => b.cluster === viewCluster);
  const remote = svc.backends.filter((b) => b.cluster !== viewCluster);
  return affinity === 'local' ? { preferred: local, fallback: remote } : { preferred: remote, fallback: local };
}

/** The backends an address answer uses: the preferred tier, else the fallback tier. */
export function answeringBackends(tiers: BackendTiers): DnsBackend[] {
  return tiers.preferred.length > 0 ? tiers.preferred : tiers.fallback;
}

/** True when the backends carry different weights (answers then follow the weights). */
export function isWeighted(backends: readonly DnsBackend[]): boolean {
  return backends.some((b) => b.weight !== backends[0].weight);
}

/**
 * Smooth weighted round robin (nginx's): the backend for the n-th query of a cycle, so that any
 * run of queries matches the weights to within one cycle, with no randomness to make tests flaky.
 */
export function weightedPick(backends: readonly DnsBackend[], n: number): DnsBackend {
  const total = backends.reduce((s, b) => s + b.weight, 0);
  const current = backends.map(() => 0);
  let best = 0;
  for (let step = 0; step <= n % total; step++) {
    best = 0;
    for (let i = 0; i < backends.length; i++) {
      current[i] += backends[i].weight;
      if (current[i] > current[best]) best = i;
    }
    current[best] -= total;
  }
  return backends[best];
}
