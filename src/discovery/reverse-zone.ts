import type { DnsRecord, QueryContext, ZoneAnswer, ZoneAuthority } from '../dns/types.js';
import type { DiscoverySnapshot } from './dns-snapshot.js';
import { soaData } from './zone-records.js';

/**
 * PTR records for clusterset names (KEP-1645 2.3.3 and 2.4.3): a ready headless endpoint's address
 * maps to `<hostname>.<cluster>.<svc>.<ns>.svc.clusterset.local`, a cluster's ClusterIP to
 * `<cluster>.<svc>.<ns>.svc.clusterset.local`, a ClusterSetIP to the service name. It serves one
 * configured IPv4 reverse zone (default `10.in-addr.arpa`, the clusters' address space) rather than
 * all of in-addr.arpa, and reads the forward zone's current snapshot.
 */
export class ClustersetReverseZone implements ZoneAuthority {
  readonly origin: string;
  private readonly prefix: string[];

  constructor(private readonly snapshot: () => DiscoverySnapshot, origin = '10.in-addr.arpa') {
    if (!/^(\d{1,3}\.){0,3}in-addr\.arpa$/.test(origin)) throw new Error(`reverse zone "${origin}": expected an IPv4 in-addr.arpa zone such as 10.in-addr.arpa`);
    this.origin = origin;
    this.prefix = origin.split('.').slice(0, -2).reverse();
  }

  /** SOA and NS at the apex (every zone has its NS there, RFC 1034 section 4.2.1): the forward zone's name server. */
  private apex(soa: DnsRecord, ttl: number, qtype: string): ZoneAnswer | undefined {
    const ns: DnsRecord = { name: this.origin, type: 'NS', ttl, data: 'ns.clusterset.local' };
    const answers = qtype === 'SOA' ? [soa] : qtype === 'NS' ? [ns] : qtype === 'ANY' ? [soa, ns] : [];
    return answers.length > 0 ? { rcode: 'NOERROR', answers, authority: [] } : undefined;
  }

  /** PTR for a full address, NODATA for other types and for partial names that lead to one. */
  answer(qname: string, qtype: string, _ctx: QueryContext): ZoneAnswer {
    const snap = this.snapshot();
    const soa: DnsRecord = { name: this.origin, type: 'SOA', ttl: snap.ttl, data: { ...soaData('clusterset.local', snap.serial, snap.ttl), mname: 'ns.clusterset.local' } };
    const negative = (rcode: 'NOERROR' | 'NXDOMAIN'): ZoneAnswer => ({ rcode, answers: [], authority: [soa] });
    if (qname === this.origin) return this.apex(soa, snap.ttl, qtype) ?? negative('NOERROR');
    const octets = [...this.prefix, ...qname.slice(0, -(this.origin.length + 1)).split('.').reverse()];
    if (octets.length > 4 || octets.some((o) => !/^\d{1,3}$/.test(o) || Number(o) > 255 || String(Number(o)) !== o)) return negative('NXDOMAIN');
    if (octets.length < 4) {
      const lead = `${octets.join('.')}.`;
      return [...snap.reverse.keys()].some((ip) => ip.startsWith(lead)) ? negative('NOERROR') : negative('NXDOMAIN');
    }
    const target = snap.reverse.get(octets.join('.'));
    if (!target) return negative('NXDOMAIN');
    if (qtype !== 'PTR' && qtype !== 'ANY') return negative('NOERROR');
    return { rcode: 'NOERROR', answers: [{ name: qname, type: 'PTR', ttl: snap.ttl, data: target }], authority: [] };
  }
}
