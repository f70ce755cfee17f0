import { Gauge } from 'prom-client';
import type { Controller, ControllerContext } from '../serve/controller.js';
import { registerClustersetZones } from '../dns/portable.js';
import type { ZoneAuthority } from '../dns/types.js';
import { DiscoveryController } from './controller.js';
import { ClustersetReverseZone } from './reverse-zone.js';
import { discoveryOptions } from './options.js';
import { servicesReport } from './report.js';

/**
 * The `discovery` controller of `meridian serve`: the DiscoveryController over the cluster
 * registry, its clusterset.local zone exposed through `zones` for the DNS server, and
 * `GET /api/v1/services` (what `meridian services --server` and the dashboard read).
 */
export class DiscoveryServeController implements Controller {
  /** The zones this controller fills; the DNS server answers them. */
  readonly zones: ZoneAuthority[];
  readonly discovery: DiscoveryController;
  private readonly onMembers: () => void;

  constructor(private readonly ctx: ControllerContext) {
    const o = ctx.options;
    const options = discoveryOptions({
      clustersetIpRange: o.clustersetIpRange, ttlSeconds: o.clustersetDnsTtl, views: o.dnsViews,
      nameserverAddresses: [o.dnsAddress],
    });
    this.discovery = new DiscoveryController(ctx.registry, options, ctx.log.child({ controller: 'discovery' }), (member) => ctx.shards.owns(member), ctx.publications);
    const zone = this.discovery.zone;
    // Members' pod networks tell who asks without configuration (resolvers forward from pod IPs).
    this.onMembers = () => options.views.setClusterNetworks(Object.fromEntries(ctx.registry.clusterObjects().map((c) => [c.metadata?.name ?? '', c.spec.podCIDRs ?? []])));
    new Gauge({ name: 'meridian_discovery_exported_services', help: 'Services exported to the clusterset (in the DNS snapshot)', registers: [ctx.metrics], collect() { this.set(zone.snapshot().services.size); } });
    new Gauge({ name: 'meridian_discovery_snapshot_serial', help: 'Serial of the clusterset.local snapshot served', registers: [ctx.metrics], collect() { this.set(zone.snapshot().serial); } });
    const discovery = this.discovery;
    new Gauge({
      name: 'meridian_discovery_member_source', help: 'Where this replica reads each member from: its own watches (watched) or what the member\'s holder publishes on the hub (published, or pending until it has been read; serve --shards)',
      labelNames: ['cluster', 'source'], registers: [ctx.metrics],
      collect() {
        this.reset();
        const watched = new Set(discovery.watched());
        // `pending`: read from the hub, but its holder's publication has not been read yet.
        for (const m of discovery.members()) this.set({ cluster: m.name, source: watched.has(m.name) ? 'watched' : m.synced() ? 'published' : 'pending' }, 1);
      },
    });
    const reverse = new ClustersetReverseZone(() => zone.snapshot());
    // With `serve --dns-workers`, both zones go to the worker processes as plain data.
    registerClustersetZones(zone, reverse, { ttl: options.ttlSeconds, nameserverAddresses: options.nameserverAddresses, clusterSetIpAnswers: options.clusterSetIpAnswers }, options.views);
    this.zones = [zone, reverse];
    ctx.http.get('/api/v1/services', async () => servicesReport(this.discovery.members(), this.discovery.zone.snapshot()));
  }

  start(): Promise<void> {
    this.ctx.registry.on('change', this.onMembers);
    this.onMembers();
    return this.discovery.start();
  }

  stop(): Promise<void> {
    this.ctx.registry.off('change', this.onMembers);
    return this.discovery.stop();
  }
}
