import type { KubeObject } from '../kube/types.js';

/** The parts of a Pod the simulator reads. */
export interface SimPod extends KubeObject {
  spec?: {
    nodeName?: string;
    restartPolicy?: string;
    containers?: Array<{ name: string; image?: string }>;
    initContainers?: Array<{ name: string; image?: string }>;
  };
  status?: { phase?: string; podIP?: string; startTime?: string; containerStatuses?: Array<{ name: string; ready?: boolean; image?: string }> };
}

/** The state a simulated pod settles in. */
export interface SimPhase {
  phase: 'Running' | 'Pending' | 'Succeeded';
  ready: boolean;
  /** Why the containers wait, for pods that never start. */
  waitingReason?: string;
  /** True when the pod's current status already shows this state. */
  matches(pod: SimPod): boolean;
}

/** Annotation that keeps a simulated pod Running but not Ready (a failing readiness probe). */
export const NOT_READY_ANNOTATION = 'sim.meridian.dev/ready';

/**
 * Decides how a pod behaves on a simulated node: images tagged `:broken` never pull (the pod
 * stays Pending with ImagePullBackOff, which makes rollouts turn Degraded); run-to-completion pods
 * (restartPolicy Never or OnFailure) succeed; the annotation `sim.meridian.dev/ready: "false"`
 * keeps a pod unready; everything else runs Ready.
 */
export function podPhaseFor(pod: SimPod): SimPhase {
  const images = (pod.spec?.containers ?? []).map((c) => c.image ?? '');
  const statusesMatch = (ready: boolean) => (p: SimPod) => {
    const cs = p.status?.containerStatuses ?? [];
    return cs.length === images.length && cs.every((s, i) => s.ready === ready && s.image === images[i]);
  };
  if (images.some((i) => /:broken$/.test(i))) return { phase: 'Pending', ready: false, waitingReason: 'ImagePullBackOff', matches: statusesMatch(false) };
  if (pod.spec?.restartPolicy === 'Never' || pod.spec?.restartPolicy === 'OnFailure') return { phase: 'Succeeded', ready: false, matches: statusesMatch(false) };
  const ready = pod.metadata?.annotations?.[NOT_READY_ANNOTATION] !== 'false';
  return { phase: 'Running', ready, matches: statusesMatch(ready) };
}

/** Builds the status the simulator writes for the pod. */
export function simulatedPodStatus(pod: SimPod, sim: SimPhase, ids: { podIP: string; hostIP: string; containerId: () => string }): Record<string, unknown> {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const startTime = pod.status?.startTime ?? now;
  const cond = (type: string, status: boolean) => ({ type, status: status ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: now });
  const containerStatuses = (pod.spec?.containers ?? []).map((c) => ({
    name: c.name, image: c.image ?? '', imageID: sim.waitingReason ? '' : `docker-pullable://${c.image}`,
    containerID: sim.waitingReason ? undefined : ids.containerId(), restartCount: 0,
    ready: sim.ready, started: sim.phase === 'Running',
    state: stateFor(sim, startTime),
  }));
  const initContainerStatuses = (pod.spec?.initContainers ?? []).map((c) => ({
    name: c.name, image: c.image ?? '', imageID: `docker-pullable://${c.image}`, containerID: ids.containerId(), restartCount: 0, ready: true,
    state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: startTime, finishedAt: startTime } },
  }));
  return {
    phase: sim.phase, hostIP: ids.hostIP, podIP: ids.podIP, podIPs: [{ ip: ids.podIP }], startTime,
    conditions: [cond('Initialized', true), cond('Ready', sim.ready), cond('ContainersReady', sim.ready), cond('PodScheduled', true)],
    containerStatuses,
    ...(initContainerStatuses.length ? { initContainerStatuses } : {}),
  };
}

function stateFor(sim: SimPhase, startedAt: string): Record<string, unknown> {
  if (sim.waitingReason) return { waiting: { reason: sim.waitingReason, message: 'simulated: the image cannot be pulled' } };
  if (sim.phase === 'Succeeded') return { terminated: { exitCode: 0, reason: 'Completed', startedAt, finishedAt: startedAt } };
  return { running: { startedAt } };
}
