import { Gauge, type Registry } from 'prom-client';
import type { DashboardState } from '../dashboard/model.js';

/**
 * Fleet state as gauges, read from the dashboard's current state at each scrape (so the alert rules
 * and the page never disagree): meridian_cluster_ready{cluster,region}, meridian_application_health
 * {application,cluster,health} and meridian_application_sync{...,sync} (1 for the current value),
 * meridian_rollout_phase{applicationset,phase}, meridian_globalservice_backend_healthy{globalservice,cluster},
 * meridian_events{reason} (Events in the timeline window) and the egress estimate per DNS name.
 */
export function registerFleetGauges(registry: Registry, state: () => DashboardState | undefined): void {
  const gauge = (name: string, help: string, labelNames: string[], fill: (g: Gauge<string>, s: DashboardState) => void) => new Gauge({
    name, help, labelNames, registers: [registry],
    collect() { this.reset(); const s = state(); if (s) fill(this, s); },
  });
  gauge('meridian_cluster_ready', 'Whether a member cluster is Ready (1) or not (0).', ['cluster', 'region'], (g, s) => {
    for (const c of s.clusters) g.set({ cluster: c.name, region: c.region }, c.ready ? 1 : 0);
  });
  gauge('meridian_application_health', 'Health of each Application (1 on the current value).', ['application', 'cluster', 'health'], (g, s) => {
    for (const r of s.apps.rows) for (const [cluster, c] of Object.entries(r.cells)) g.set({ application: c.application, cluster, health: c.health }, 1);
  });
  gauge('meridian_application_sync', 'Sync state of each Application (1 on the current value).', ['application', 'cluster', 'sync'], (g, s) => {
    for (const r of s.apps.rows) for (const [cluster, c] of Object.entries(r.cells)) g.set({ application: c.application, cluster, sync: c.sync }, 1);
  });
  gauge('meridian_rollout_phase', 'Rollout phase of each ApplicationSet with a RollingSync strategy (1 on the current phase).', ['applicationset', 'phase'], (g, s) => {
    for (const r of s.apps.rows) if (r.rollout) g.set({ applicationset: r.name, phase: r.rollout.phase }, 1);
  });
  gauge('meridian_globalservice_backend_healthy', 'Health of each GlobalService backend (1 Healthy, 0 otherwise).', ['globalservice', 'cluster'], (g, s) => {
    for (const t of s.traffic) for (const b of t.backends) g.set({ globalservice: t.key, cluster: b.cluster }, b.health === 'Healthy' ? 1 : 0);
  });
  gauge('meridian_egress_cross_region_share', 'Share of DNS answers that sent a client to another region, per name.', ['name'], (g, s) => {
    for (const e of s.egress) g.set({ name: e.name }, e.share);
  });
  gauge('meridian_egress_monthly_cost_estimate', 'Estimated monthly inter-region egress cost per name (price table and volume in ConfigMap meridian-egress).', ['name', 'currency'], (g, s) => {
    for (const e of s.egress) g.set({ name: e.name, currency: e.currency }, e.monthlyCost);
  });
}
