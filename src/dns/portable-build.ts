// The worker side of portable zones: rebuilds each zone from its plain data with the same class the
// single-thread server uses (so answers are the same), keeps zone objects across versions (their
// round-robin turns survive a change), and tells the reply cache which answers it may reuse.

import { ClustersetReverseZone } from '../discovery/reverse-zone.js';
import type { DiscoverySnapshot } from '../discovery/dns-snapshot.js';
import { isWeighted } from '../discovery/order.js';
import { ClusterViews } from '../discovery/views.js';
import { ClustersetZone } from '../discovery/zone.js';
import { GslbZone } from '../traffic/zone.js';
import type { PortableZone } from './portable.js';
import { ZoneRouter } from './router.js';
import { ZoneSnapshot } from './snapshot.js';
import { StaticZone } from './static-zone.js';
import type { QueryContext, ZoneAnswer, ZoneAuthority } from './types.js';

/** One served zone of a worker: what it was built from and the object answering. */
interface Served {
  kind: PortableZone['kind'];
  /** Settings that, when they change, need a new zone object rather than a new snapshot. */
  identity: string;
  zone: ZoneAuthority;
  update(p: PortableZone): void;
}

/** The zones of one DNS worker, replaced version by version from PortableZone lists. */
export class WorkerZones {
  /** The table the worker's listeners route through. */
  readonly router = new ZoneRouter();
  private served = new Map<string, Served>();

  /** Serves exactly `zones`: validates all first, so a bad list leaves the previous one serving. */
  apply(zones: readonly PortableZone[]): void {
    const staticSnapshots = new Map<PortableZone, ZoneSnapshot>();
    for (const p of zones) if (p.kind === 'static') staticSnapshots.set(p, new ZoneSnapshot(p.input));
    const next = new Map<string, Served>();
    for (const p of zones) {
      const origin = p.kind === 'static' ? staticSnapshots.get(p)!.origin : p.origin;
      if (next.has(origin)) throw new Error(`zone ${origin} is published twice`);
      const old = this.served.get(origin);
      if (old && old.kind === p.kind && old.identity === identityOf(p)) {
        if (p.kind === 'static') (old.zone as StaticZone).setSnapshot(staticSnapshots.get(p)!);
        else old.update(p);
        next.set(origin, old);
      } else {
        next.set(origin, this.build(p, staticSnapshots.get(p)));
      }
    }
    for (const [origin, s] of this.served) if (next.get(origin) !== s) this.router.remove(origin);
    for (const [origin, s] of next) if (this.served.get(origin) !== s) this.router.add(s.zone);
    this.served = next;
  }

  private build(p: PortableZone, snapshot: ZoneSnapshot | undefined): Served {
    const identity = identityOf(p);
    switch (p.kind) {
      case 'static':
        return { kind: p.kind, identity, zone: new StaticZone(snapshot!), update: () => undefined };
      case 'gslb': {
        const zone = new GslbZone(p.origin, p.snapshot);
        return { kind: p.kind, identity, zone, update: (u) => zone.setSnapshot((u as typeof p).snapshot) };
      }
      case 'clusterset': {
        const views = ClusterViews.fromData(p.views);
        const zone = new ClustersetZone({ origin: p.origin, views, ...p.settings });
        zone.setSnapshot(p.snapshot);
        const update = (u: PortableZone): void => {
          const next = u as typeof p;
          views.setClusterNetworks(next.views.clusterNetworks);
          zone.setSnapshot(next.snapshot);
        };
        return { kind: p.kind, identity, zone: cachedClusterset(zone, views), update };
      }
      case 'clusterset-reverse': {
        const forward = (): DiscoverySnapshot => {
          const f = this.served.get(p.forward)?.zone as { snapshot?: () => DiscoverySnapshot } | undefined;
          if (!f?.snapshot) throw new Error(`reverse zone ${p.origin}: forward zone ${p.forward} is not served`);
          return f.snapshot();
        };
        const zone = new ClustersetReverseZone(forward, p.origin);
        return { kind: p.kind, identity, zone: { origin: zone.origin, answer: (q, t, c) => zone.answer(q, t, c), cacheKey: () => '' }, update: () => undefined };
      }
    }
  }
}

/** What must stay equal for a zone object to be kept across versions. */
function identityOf(p: PortableZone): string {
  if (p.kind === 'clusterset') return JSON.stringify([p.settings, p.views.config]);
  if (p.kind === 'clusterset-reverse') return p.forward;
  return '';
}

/**
 * The clusterset.local zone with a cache key: its answers depend on the asker's view (cluster and
 * ECS scope) and, for services whose clusters carry different weights, on a rotating turn (never
 * cached). The snapshot accessor stays, for the reverse zone.
 */
function cachedClusterset(zone: ClustersetZone, views: ClusterViews): ZoneAuthority & { snapshot(): DiscoverySnapshot } {
  return {
    origin: zone.origin,
    answer: (qname: string, qtype: string, ctx: QueryContext): ZoneAnswer => zone.answer(qname, qtype, ctx),
    snapshot: () => zone.snapshot(),
    cacheKey: (qname: string, _qtype: string, ctx: QueryContext): string | undefined => {
      const rel = qname === zone.origin ? [] : qname.slice(0, -(zone.origin.length + 1)).split('.');
      const svcAt = rel.lastIndexOf('svc');
      if (svcAt >= 2) {
        const svc = zone.snapshot().services.get(`${rel[svcAt - 2]}.${rel[svcAt - 1]}`);
        if (svc && isWeighted(svc.backends)) return undefined;
      }
      const view = views.match(ctx);
      return view ? `${view.cluster}/${view.scope}` : '';
    },
  };
}
