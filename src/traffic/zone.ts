import { isIPv4, isIPv6 } from 'node:net';
import type { DnsRecord, QueryContext, SnapshotZone, SoaData, ZoneAnswer } from '../dns/types.js';
import { selectBackends, type ClientInfo } from './policy.js';
import type { HostEntry } from './snapshot.js';

/** A name server of a GSLB zone, with glue addresses when it lives inside the zone. */
export interface NameServer {
  name: string;
  addresses?: string[];
}

/** The immutable contents of a GSLB zone that the query path reads. */
export interface GslbSnapshot {
  serial: number;
  nameservers: NameServer[];
  /** Mailbox of the zone's admin in SOA form (hostmaster.example.test). */
  hostmaster: string;
  /** TTL of SOA and NS records, and the negative-caching TTL. */
  soaTtl: number;
  hosts: ReadonlyMap<string, HostEntry>;
}

/**
 * The authoritative GSLB zone: SOA and NS at the apex, A/AAAA per hostname chosen by the
 * hostname's policy for each client, NODATA and NXDOMAIN with the SOA. Controllers swap in a new
 * snapshot on every health or spec change; the only state kept between queries is a per-hostname
 * turn counter that round robin and weighted answers walk.
 */
export class GslbZone implements SnapshotZone<GslbSnapshot> {
  private current: GslbSnapshot;
  private readonly turns = new Map<string, number>();

  constructor(readonly origin: string, initial?: Partial<GslbSnapshot>) {
    this.current = { serial: 1, nameservers: [{ name: `ns1.${origin}` }], hostmaster: `hostmaster.${origin}`, soaTtl: 30, hosts: new Map(), ...initial };
  }

  /** The snapshot the query path reads now. */
  snapshot(): GslbSnapshot {
    return this.current;
  }

  /** Replaces the snapshot; queries already running keep the one they started with. */
  setSnapshot(next: GslbSnapshot): void {
    this.current = next;
  }

  /** Answers one question from the current snapshot. */
  answer(qname: string, qtype: string, ctx: QueryContext): ZoneAnswer {
    const snap = this.current;
    if (qname === this.origin) return this.apex(snap, qtype);
    const host = snap.hosts.get(qname);
    if (host) return this.hostAnswer(snap, host, qtype, clientOf(ctx));
    const ns = snap.nameservers.find((n) => n.name === qname && n.addresses?.length);
    if (ns) return this.glue(snap, ns, qtype);
    const below = [...snap.hosts.keys(), ...snap.nameservers.map((n) => n.name)].some((h) => h.endsWith(`.${qname}`));
    return { rcode: below ? 'NOERROR' : 'NXDOMAIN', answers: [], authority: [this.soa(snap)] };
  }

  private apex(snap: GslbSnapshot, qtype: string): ZoneAnswer {
    const ns = snap.nameservers.map((n): DnsRecord => ({ name: this.origin, type: 'NS', ttl: snap.soaTtl, data: n.name }));
    // No NS RRset in authority beside data, as in every other positive answer of Meridian's zones.
    if (qtype === 'SOA') return { rcode: 'NOERROR', answers: [this.soa(snap)], authority: [] };
    if (qtype === 'NS') return { rcode: 'NOERROR', answers: ns, authority: [], additionals: this.glueRecords(snap) };
    if (qtype === 'ANY') return { rcode: 'NOERROR', answers: [this.soa(snap), ...ns], authority: [] };
    return { rcode: 'NOERROR', answers: [], authority: [this.soa(snap)] };
  }

  private hostAnswer(snap: GslbSnapshot, host: HostEntry, qtype: string, client: ClientInfo): ZoneAnswer {
    const wantA = qtype === 'A' || qtype === 'ANY';
    const wantAaaa = qtype === 'AAAA' || qtype === 'ANY';
    if (!wantA && !wantAaaa) return { rcode: 'NOERROR', answers: [], authority: [this.soa(snap)] };
    const turn = this.turns.get(host.hostname) ?? 0;
    this.turns.set(host.hostname, (turn + 1) % Number.MAX_SAFE_INTEGER);
    const { backends, scope } = selectBackends(host, client, turn);
    const answers: DnsRecord[] = [];
    for (const b of backends) {
      if (wantA && isIPv4(b.address)) answers.push({ name: host.hostname, type: 'A', ttl: host.ttl, data: b.address });
      if (wantAaaa && isIPv6(b.address)) answers.push({ name: host.hostname, type: 'AAAA', ttl: host.ttl, data: b.address });
    }
    return { rcode: 'NOERROR', answers, authority: answers.length ? [] : [this.soa(snap)], ecsScope: scope };
  }

  private glue(snap: GslbSnapshot, ns: NameServer, qtype: string): ZoneAnswer {
    const answers = this.glueRecords(snap).filter((r) => r.name === ns.name && (qtype === 'ANY' || r.type === qtype));
    return { rcode: 'NOERROR', answers, authority: answers.length ? [] : [this.soa(snap)] };
  }

  private glueRecords(snap: GslbSnapshot): DnsRecord[] {
    return snap.nameservers.flatMap((n) => (n.addresses ?? []).map((a): DnsRecord => (isIPv6(a)
      ? { name: n.name, type: 'AAAA', ttl: snap.soaTtl, data: a }
      : { name: n.name, type: 'A', ttl: snap.soaTtl, data: a })));
  }

  private soa(snap: GslbSnapshot): DnsRecord {
    const data: SoaData = { mname: snap.nameservers[0]?.name ?? this.origin, rname: snap.hostmaster, serial: snap.serial, refresh: 60, retry: 30, expire: 86400, minimum: snap.soaTtl };
    return { name: this.origin, type: 'SOA', ttl: snap.soaTtl, data };
  }
}

function clientOf(ctx: QueryContext): ClientInfo {
  if (ctx.ecsSubnet) return { address: ctx.ecsSubnet.address, prefix: ctx.ecsSubnet.sourcePrefix };
  return { address: ctx.clientAddress, prefix: isIPv6(ctx.clientAddress) ? 128 : 32 };
}

/** The next SOA serial: at least one more than the last, and at least the current Unix time so a restart never goes back. */
export function nextSerial(previous: number, now = Date.now()): number {
  return Math.max(previous + 1, Math.floor(now / 1000)) % 2 ** 32;
}
