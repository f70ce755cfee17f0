import { Counter, type Registry } from 'prom-client';
import { probe as defaultProbe, type ProbeResult, type ProbeTarget } from '../traffic/probe.js';

interface HealthMetrics {
  checks: Counter<'protocol' | 'result'>;
  transitions: Counter<'globalservice'>;
}

const byRegistry = new WeakMap<Registry, HealthMetrics>();

function metricsOf(registry: Registry): HealthMetrics {
  let m = byRegistry.get(registry);
  if (!m) {
    m = {
      checks: new Counter({ name: 'meridian_health_checks_total', help: 'GSLB health-check probes by protocol and result (success, failure).', labelNames: ['protocol', 'result'], registers: [registry] }),
      transitions: new Counter({ name: 'meridian_health_transitions_total', help: 'Backend health flips (Healthy <-> Unhealthy), by GlobalService.', labelNames: ['globalservice'], registers: [registry] }),
    };
    byRegistry.set(registry, m);
  }
  return m;
}

/** A probe function that counts each result in meridian_health_checks_total. */
export function countedProbe(registry: Registry, probe: (t: ProbeTarget) => Promise<ProbeResult> = defaultProbe): (t: ProbeTarget) => Promise<ProbeResult> {
  const m = metricsOf(registry);
  return async (target) => {
    const result = await probe(target);
    m.checks.inc({ protocol: target.protocol, result: result.ok ? 'success' : 'failure' });
    return result;
  };
}

/** Counts one backend health flip of a GlobalService (`namespace/name`). */
export function countHealthTransition(registry: Registry, globalService: string): void {
  metricsOf(registry).transitions.inc({ globalservice: globalService });
}
