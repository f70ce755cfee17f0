import type { DnsRecord, QueryContext, SnapshotZone, ZoneAnswer } from '../dns/types.js';
import { buildDnsSnapshot, type DiscoverySnapshot, type DnsService } from './dns-snapshot.js';
import { answeringBackends, isWeighted, tiersFor, weightedPick } from './order.js';
import { ClusterViews } from './views.js';
import { addressRecords, DNS_SCHEMA_VERSION, portFor, soaData, srvAdditionals, srvRecords } from './zone-records.js';

/** Options of the clusterset.local zone. */
export interface ClustersetZoneOptions {
  origin?: string;
  views?: ClusterViews;
  /** Addresses of `ns.<origin>`, the zone's name server. */
  nameserverAddresses?: string[];
  /** Answer ClusterSetIP services with the allocated ClusterSetIP (a data plane routes it) instead of the clusters' ClusterIPs. */
  clusterSetIpAnswers?: boolean;
  ttl?: number;
}

/**
 * The clusterset.local zone (KEP-1645 DNS, plus Lighthouse's `<cluster>.<svc>.<ns>.svc` names).
 * The query path reads one immutable DiscoverySnapshot and the asker's view; the controller swaps
 * snapshots. Addresses come only from Ready clusters' ready endpoints, ordered by affinity and
 * weights for the cluster that asks.
 */
export class ClustersetZone implements SnapshotZone<DiscoverySnapshot> {
  readonly origin: string;
  private current: DiscoverySnapshot;
  private readonly views: ClusterViews;
  private readonly nsAddresses: string[];
  private readonly clusterSetIpAnswers: boolean;
  private readonly rotation = new Map<string, number>();

  constructor(options: ClustersetZoneOptions = {}) {
    this.origin = options.origin ?? 'clusterset.local';
    this.views = options.views ?? new ClusterViews();
    this.nsAddresses = options.nameserverAddresses ?? ['127.0.0.1'];
    this.clusterSetIpAnswers = options.clusterSetIpAnswers ?? false;
    this.current = buildDnsSnapshot([], options.ttl ?? 5, 1, this.origin);
  }

  /** The snapshot queries read now. */
  snapshot(): DiscoverySnapshot {
    return this.current;
  }

  /** Swaps in a new snapshot; running queries keep theirs. */
  setSnapshot(next: DiscoverySnapshot): void {
    this.current = next;
  }

  /** Answers one question from the current snapshot for the asking cluster's view. */
  answer(qname: string, qtype: string, ctx: QueryContext): ZoneAnswer {
    const snap = this.current;
    const rel = qname === this.origin ? [] : qname.slice(0, -(this.origin.length + 1)).split('.');
    const data = (answers: DnsRecord[], additionals?: DnsRecord[]): ZoneAnswer =>
      answers.length === 0 ? this.nodata(snap) : { rcode: 'NOERROR', answers, authority: [], ...(additionals?.length ? { additionals } : {}) };
    if (rel.length === 0) return data(this.apex(snap, qtype), qtype === 'NS' ? addressRecords(`ns.${this.origin}`, this.nsAddresses, 'ANY', snap.ttl) : undefined);
    if (rel.length === 1 && rel[0] === 'dns-version') return data(qtype === 'TXT' || qtype === 'ANY' ? [{ name: qname, type: 'TXT', ttl: snap.ttl, data: [DNS_SCHEMA_VERSION] }] : []);
    if (rel.length === 1 && rel[0] === 'ns') return data(addressRecords(qname, this.nsAddresses, qtype, snap.ttl));
    if (rel[rel.length - 1] !== 'svc') return this.nxdomain(snap);
    if (rel.length === 1) return this.nodata(snap);
    if (rel.length === 2) return snap.namespaces.has(rel[0]) ? this.nodata(snap) : this.nxdomain(snap);
    const svc = snap.services.get(`${rel[rel.length - 3]}.${rel[rel.length - 2]}`);
    if (!svc) return this.nxdomain(snap);
    const base = rel.slice(-3).join('.') + `.${this.origin}`;
    const view = this.views.match(ctx);
    const scoped = (a: ZoneAnswer): ZoneAnswer => (view && view.scope > 0 ? { ...a, ecsScope: view.scope } : a);
    // The spec: a headless service without ready endpoints is NXDOMAIN.
    if (rel.length === 3 && svc.type === 'Headless' && svc.backends.length === 0) return this.nxdomain(snap);
    if (rel.length === 3) return scoped(data(this.serviceAddresses(svc, qname, qtype, view?.cluster)));
    if (rel.length === 5 && rel[0].startsWith('_') && rel[1].startsWith('_')) return scoped(this.srv(svc, base, qname, rel, qtype, view?.cluster));
    return this.perCluster(svc, qname, rel, qtype);
  }

  private serviceAddresses(svc: DnsService, qname: string, qtype: string, viewCluster: string | undefined): DnsRecord[] {
    const backends = answeringBackends(tiersFor(svc, viewCluster));
    if (backends.length === 0) return [];
    if (svc.type === 'ClusterSetIP' && this.clusterSetIpAnswers && svc.clusterSetIps.length > 0) return addressRecords(qname, svc.clusterSetIps, qtype, this.current.ttl);
    if (!isWeighted(backends)) return addressRecords(qname, backends.flatMap((b) => b.addresses), qtype, this.current.ttl);
    const key = `${svc.namespace}/${svc.name}/${viewCluster ?? ''}`;
    const n = this.rotation.get(key) ?? 0;
    this.rotation.set(key, n + 1);
    return addressRecords(qname, weightedPick(backends, n).addresses, qtype, this.current.ttl);
  }

  private srv(svc: DnsService, base: string, qname: string, rel: string[], qtype: string, viewCluster: string | undefined): ZoneAnswer {
    const port = portFor(svc, rel[0], rel[1]);
    if (!port) return this.nxdomain(this.current);
    if (qtype !== 'SRV' && qtype !== 'ANY') return this.nodata(this.current);
    const tiers = tiersFor(svc, viewCluster);
    const answers = srvRecords(svc, base, qname, port.port, tiers, this.current.ttl);
    if (answers.length === 0) return this.nodata(this.current);
    const addresses = answeringBackends(tiers).flatMap((b) => b.addresses);
    const additionals = srvAdditionals(svc, base, this.clusterSetIpAnswers && svc.clusterSetIps.length ? svc.clusterSetIps : addresses, this.current.ttl);
    return { rcode: 'NOERROR', answers, authority: [], ...(additionals.length ? { additionals } : {}) };
  }

  /** `<cluster>.<svc>.<ns>.svc` (one cluster's copy), `<hostname>.<cluster>.<svc>.<ns>.svc` (headless), `_<proto>.<svc>.<ns>.svc`. */
  private perCluster(svc: DnsService, qname: string, rel: string[], qtype: string): ZoneAnswer {
    const snap = this.current;
    const cluster = rel[rel.length - 4];
    // `_<proto>.<svc>` holds the SRV names of the named ports of that protocol: an empty
    // non-terminal, NODATA and not NXDOMAIN, which would deny the names below it (RFC 8020).
    if (rel.length === 4 && cluster.startsWith('_')) return svc.ports.some((p) => p.name && `_${p.protocol.toLowerCase()}` === cluster) ? this.nodata(snap) : this.nxdomain(snap);
    if (rel.length > 5 || !svc.exporters.includes(cluster)) return this.nxdomain(snap);
    const backend = svc.backends.find((b) => b.cluster === cluster);
    if (rel.length === 4) {
      const answers = backend ? addressRecords(qname, backend.addresses, qtype, snap.ttl) : [];
      return answers.length ? { rcode: 'NOERROR', answers, authority: [] } : this.nodata(snap);
    }
    const endpoint = backend?.endpoints.find((e) => e.hostname === rel[0]);
    if (!endpoint || svc.type !== 'Headless') return this.nxdomain(snap);
    const answers = addressRecords(qname, endpoint.addresses, qtype, snap.ttl);
    return answers.length ? { rcode: 'NOERROR', answers, authority: [] } : this.nodata(snap);
  }

  private apex(snap: DiscoverySnapshot, qtype: string): DnsRecord[] {
    const soa: DnsRecord = { name: this.origin, type: 'SOA', ttl: snap.ttl, data: soaData(this.origin, snap.serial, snap.ttl) };
    const ns: DnsRecord = { name: this.origin, type: 'NS', ttl: snap.ttl, data: `ns.${this.origin}` };
    return qtype === 'SOA' ? [soa] : qtype === 'NS' ? [ns] : qtype === 'ANY' ? [soa, ns] : [];
  }

  private nodata(snap: DiscoverySnapshot): ZoneAnswer {
    return { rcode: 'NOERROR', answers: [], authority: [this.soa(snap)] };
  }

  private nxdomain(snap: DiscoverySnapshot): ZoneAnswer {
    return { rcode: 'NXDOMAIN', answers: [], authority: [this.soa(snap)] };
  }

  private soa(snap: DiscoverySnapshot): DnsRecord {
    return { name: this.origin, type: 'SOA', ttl: snap.ttl, data: soaData(this.origin, snap.serial, snap.ttl) };
  }
}
