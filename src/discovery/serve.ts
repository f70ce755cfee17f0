import type { Controller, ControllerContext } from '../serve/controller.js';
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

  constructor(ctx: ControllerContext) {
    const o = ctx.options;
    const options = discoveryOptions({
      clustersetIpRange: o.clustersetIpRange, ttlSeconds: o.clustersetDnsTtl, views: o.dnsViews,
      nameserverAddresses: [o.dnsAddress],
    });
    this.discovery = new DiscoveryController(ctx.registry, options, ctx.log.child({ controller: 'discovery' }));
    const zone = this.discovery.zone;
    this.zones = [zone, new ClustersetReverseZone(() => zone.snapshot())];
    ctx.http.get('/api/v1/services', async () => servicesReport(this.discovery.members(), this.discovery.zone.snapshot()));
  }

  start(): Promise<void> {
    return this.discovery.start();
  }

  stop(): Promise<void> {
    return this.discovery.stop();
  }
}
