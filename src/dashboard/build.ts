import type { Application } from '../api/application.js';
import type { ApplicationSet } from '../api/applicationset.js';
import type { Cluster } from '../api/cluster.js';
import type { GlobalService } from '../api/globalservice.js';
import type { ServiceRow } from '../discovery/report.js';
import { ClusterViews, type ViewConfig } from '../discovery/views.js';
import { appsMatrix } from './aggregate-apps.js';
import { clusterReady, clusterViews, regionViews, type Readiness } from './aggregate-clusters.js';
import { eventViews, serviceViews, trafficViews, type CoreEvent } from './aggregate-traffic.js';
import type { AnswerRecorder } from './answers.js';
import { estimateEgress, type EgressConfig } from './egress.js';
import type { DashboardState } from './model.js';

/** Everything the dashboard state is built from. */
export interface StateInput {
  clusters: Cluster[];
  live: Readiness;
  apps: Application[];
  appsets: ApplicationSet[];
  globals: GlobalService[];
  events: CoreEvent[];
  services: ServiceRow[];
  answers: AnswerRecorder;
  views?: ViewConfig;
  egress: EgressConfig;
}

/** Who owns an answered address: GlobalService backends first, then members' networks and ingress addresses. */
export function addressOwner(clusters: Cluster[], globals: GlobalService[]): (address: string) => string | undefined {
  const byAddress = new Map<string, string>();
  for (const gs of globals) for (const b of gs.status?.backends ?? []) byAddress.set(b.address, b.region);
  const nets = new ClusterViews();
  nets.setClusterNetworks(Object.fromEntries(clusters.map((c) => [c.metadata?.name ?? '', [...(c.spec.serviceCIDRs ?? []), ...(c.spec.podCIDRs ?? []), ...(c.spec.ingressAddresses ?? [])]])));
  const regionOf = new Map(clusters.map((c) => [c.metadata?.name ?? '', c.spec.region]));
  return (address) => byAddress.get(address) ?? regionOf.get(nets.match({ clientAddress: address, clientPort: 0, localAddress: '', localPort: 0, transport: 'udp' })?.cluster ?? '');
}

/**
 * Builds the whole page state from the caches. Also points the answer recorder at the current
 * members' networks, so the next DNS answers know which cluster asked.
 */
export function buildState(input: StateInput): DashboardState {
  const { clusters, live } = input;
  const names = clusters.map((c) => c.metadata?.name ?? '');
  const ready = new Map(clusters.map((c) => [c.metadata?.name ?? '', clusterReady(c, live)]));
  const views = new ClusterViews(input.views);
  views.setClusterNetworks(Object.fromEntries(clusters.map((c) => [c.metadata?.name ?? '', c.spec.podCIDRs ?? []])));
  input.answers.setQuerier((ctx) => views.match(ctx)?.cluster);
  const events = eventViews(input.events);
  const regionOfCluster = new Map(clusters.map((c) => [c.metadata?.name ?? '', c.spec.region]));
  const owner = addressOwner(clusters, input.globals);
  input.answers.setRegions((c) => regionOfCluster.get(c), owner);
  return {
    regions: regionViews(clusters, live),
    clusters: clusterViews(clusters, live),
    apps: appsMatrix(input.apps, input.appsets, names, (c) => ready.get(c) ?? false),
    traffic: trafficViews(input.globals, events),
    services: serviceViews(input.services),
    events,
    egress: estimateEgress(input.answers.counts(), (c) => regionOfCluster.get(c), owner, input.egress),
  };
}
