// The contract between Meridian's DNS server and the zones it serves (clusterset.local, GSLB zones).
// Names are absolute, lower-case and written without the trailing dot ("web.ns.svc.clusterset.local").

/** The record types Meridian's zones hold. */
export type RecordType = 'A' | 'AAAA' | 'SRV' | 'PTR' | 'TXT' | 'SOA' | 'NS' | 'CNAME';

/** Data of an SRV record (RFC 2782). */
export interface SrvData {
  priority: number;
  weight: number;
  port: number;
  target: string;
}

/** Data of an SOA record; `minimum` is the negative-caching TTL (RFC 2308). */
export interface SoaData {
  mname: string;
  rname: string;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
}

/** What the `data` field of a record of each type holds. */
export interface RecordDataByType {
  /** Dotted IPv4 address. */
  A: string;
  /** IPv6 address in any textual form. */
  AAAA: string;
  SRV: SrvData;
  /** Target name. */
  PTR: string;
  /** Character strings (each up to 255 bytes). */
  TXT: string[];
  SOA: SoaData;
  /** Name server host name. */
  NS: string;
  /** Canonical name. */
  CNAME: string;
}

/** One resource record of type T (class IN). */
export interface DnsRecordOf<T extends RecordType> {
  name: string;
  type: T;
  /** Seconds. */
  ttl: number;
  data: RecordDataByType[T];
}

/** Any resource record Meridian serves, discriminated by `type`. */
export type DnsRecord = { [T in RecordType]: DnsRecordOf<T> }[RecordType];

/** The EDNS Client Subnet a resolver sent (RFC 7871), address already masked to sourcePrefix. */
export interface ClientSubnet {
  address: string;
  sourcePrefix: number;
}

/** Who asked, and how: zones may answer differently per client (geo, local-first affinity). */
export interface QueryContext {
  clientAddress: string;
  clientPort: number;
  localAddress: string;
  localPort: number;
  transport: 'udp' | 'tcp';
  ecsSubnet?: ClientSubnet;
}

/**
 * Response codes a zone may return: SERVFAIL when its own data cannot answer (a CNAME loop); the
 * server adds REFUSED, FORMERR, NOTIMP, and SERVFAIL for a zone that throws, itself.
 */
export type ZoneRcode = 'NOERROR' | 'NXDOMAIN' | 'SERVFAIL';

/**
 * A zone's answer to one question. NODATA is NOERROR with no answers and the SOA in authority;
 * NXDOMAIN carries the SOA in authority too. `ecsScope` is the prefix length the answer depended
 * on (RFC 7871 SCOPE PREFIX-LENGTH); omitted means 0, valid for every client.
 */
export interface ZoneAnswer {
  rcode: ZoneRcode;
  answers: DnsRecord[];
  authority: DnsRecord[];
  additionals?: DnsRecord[];
  ecsScope?: number;
}

/**
 * An authoritative zone. `answer` runs on the query path: synchronous, reads only the current
 * immutable snapshot, never throws for a well-formed name. qname is normalized (lower-case, no
 * trailing dot) and at or below `origin`; qtype is the mnemonic ("A", "MX", "ANY", "TYPE65").
 */
export interface ZoneAuthority {
  readonly origin: string;
  answer(qname: string, qtype: string, ctx: QueryContext): ZoneAnswer;
  /**
   * Optional, for reply caches (src/dns/reply-cache.ts): a key such that two queries of this
   * question whose contexts give equal keys get equal answers until the zone's data changes (e.g.
   * '' for static data, the asker's view for split horizon); undefined when this answer may not be
   * reused (rotating answers). Zones without it are never cached.
   */
  cacheKey?(qname: string, qtype: string, ctx: QueryContext): string | undefined;
}

/** A zone whose contents a controller replaces atomically by swapping in a new snapshot. */
export interface SnapshotZone<S> extends ZoneAuthority {
  /** The snapshot the query path reads now. */
  snapshot(): S;
  /** Replaces the snapshot; queries already running keep the one they started with. */
  setSnapshot(next: S): void;
}
