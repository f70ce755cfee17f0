import type { BackendStatus, GlobalService, GlobalServiceStatus } from '../api/globalservice.js';
import { setCondition } from '../kube/conditions.js';
import type { Condition } from '../kube/types.js';
import type { BackendHealth } from './engine.js';
import { selectBackends } from './policy.js';
import type { GslbZone } from './zone.js';

/** What the reconcile found, for status. */
export interface StatusInput {
  health: BackendHealth[];
  zone?: GslbZone;
  /** Spec problems that keep the service from being answered (terminal until the spec changes). */
  problems: string[];
  /** Selected members without an address. */
  unresolved: string[];
}

/**
 * Builds a GlobalService's status: health per backend (last transition and reason), the answer
 * set a client with no known location gets now, the zone's SOA serial, and a Ready condition.
 */
export function buildStatus(gs: GlobalService, input: StatusInput, now = new Date()): GlobalServiceStatus {
  const backends: BackendStatus[] = input.health.map(({ backend, state }) => ({
    cluster: backend.cluster, region: backend.region, address: backend.address, health: state.health, reason: state.reason,
    message: state.message, lastTransitionTime: state.lastTransitionTime, lastProbeTime: state.lastProbeTime,
  }));
  const snap = input.zone?.snapshot();
  const answers = gs.spec.hostnames.map((hostname) => {
    const entry = snap?.hosts.get(hostname);
    return { hostname, addresses: entry ? selectBackends(entry, {}, 0).backends.map((b) => b.address) : [] };
  });
  const healthy = backends.filter((b) => b.health !== 'Unhealthy').length;
  const failingOpen = healthy === 0 && backends.length > 0;
  const [status, reason, message] = readiness(input.problems, input.unresolved, backends.length, healthy, failingOpen, gs.spec.failClosed ?? false);
  const conditions = setCondition(gs.status?.conditions as Condition[] | undefined, { type: 'Ready', status, reason, message, observedGeneration: gs.metadata?.generation }, now);
  return { backends, answers, zone: input.zone?.origin, serial: snap?.serial, conditions, observedGeneration: gs.metadata?.generation };
}

function readiness(problems: string[], unresolved: string[], total: number, healthy: number, failingOpen: boolean, failClosed: boolean): [Condition['status'], string, string] {
  if (problems.length) return ['False', 'InvalidSpec', problems.join('; ')];
  if (total === 0) return ['False', 'NoBackends', ['no member cluster matches spec.clusterSelector with an address', ...unresolved].join('; ')];
  if (failingOpen) return ['False', failClosed ? 'AllBackendsUnhealthy' : 'FailingOpen', failClosed ? 'every backend is unhealthy; answering nothing (failClosed)' : 'every backend is unhealthy; answering all of them (fail open)'];
  return ['True', 'Answering', `${healthy}/${total} backends healthy`];
}

/** Status without the fields that change on every probe, to decide whether a write is needed. */
export function comparableStatus(s: GlobalServiceStatus): string {
  return JSON.stringify({ ...s, backends: s.backends?.map((b) => ({ ...b, lastProbeTime: undefined, message: undefined })), conditions: s.conditions?.map((c) => ({ ...c, lastTransitionTime: undefined })) });
}
