import type { GlobalService } from '../api/globalservice.js';
import type { ServiceRow } from '../discovery/report.js';
import type { KubeObject } from '../kube/types.js';
import type { EventView, ServiceView, TrafficView } from './model.js';

/** A core/v1 Event as read from the hub (the fields the timeline uses). */
export interface CoreEvent extends KubeObject {
  type?: string;
  reason?: string;
  message?: string;
  involvedObject?: { kind?: string; name?: string; namespace?: string };
  firstTimestamp?: string;
  lastTimestamp?: string;
  eventTime?: string;
}

/** The timeline: newest first, at most `limit`. */
export function eventViews(events: CoreEvent[], limit = 100): EventView[] {
  return events.map((e) => ({
    time: e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp ?? '',
    type: e.type ?? 'Normal', reason: e.reason ?? '', message: e.message ?? '',
    object: `${e.involvedObject?.kind ?? ''}/${e.involvedObject?.namespace ? `${e.involvedObject.namespace}/` : ''}${e.involvedObject?.name ?? ''}`,
  })).sort((a, b) => b.time.localeCompare(a.time)).slice(0, limit);
}

/**
 * Each GlobalService with its policy, backends, current answers (with the regions they point at)
 * and the failovers and fail-backs recorded about it.
 */
export function trafficViews(services: GlobalService[], events: EventView[]): TrafficView[] {
  return services.map((gs) => {
    const key = `${gs.metadata?.namespace}/${gs.metadata?.name}`;
    const backends = (gs.status?.backends ?? []).map((b) => ({ cluster: b.cluster, region: b.region, address: b.address, health: b.health, reason: b.reason, lastTransitionTime: b.lastTransitionTime }));
    const regionOf = new Map(backends.map((b) => [b.address, b.region]));
    const answers = (gs.status?.answers ?? []).map((a) => ({ ...a, regions: [...new Set(a.addresses.map((x) => regionOf.get(x) ?? '?'))].sort() }));
    const policy = gs.spec.policy;
    return {
      key, hostnames: gs.spec.hostnames, policy: policy.type, order: policy.order ?? (policy.primaryRegion ? [policy.primaryRegion] : []),
      ready: gs.status?.conditions?.find((c) => c.type === 'Ready')?.message ?? '', backends, answers,
      targets: [...new Set(answers.flatMap((a) => a.regions))].filter((r) => r !== '?').sort(),
      history: events.filter((e) => e.object === `GlobalService/${key}`).slice(0, 20),
    };
  }).sort((a, b) => a.key.localeCompare(b.key));
}

/** Exported services with the clusters serving them and ready endpoints per cluster. */
export function serviceViews(rows: ServiceRow[]): ServiceView[] {
  return rows.map((r) => ({
    namespace: r.namespace, name: r.name, type: r.type, clusterSetIps: r.clusterSetIps, answering: r.answering,
    clusters: r.clusters.map((c) => ({ cluster: c.cluster, clusterReady: c.clusterReady, readyEndpoints: c.readyEndpoints, endpoints: c.endpoints })),
  }));
}
