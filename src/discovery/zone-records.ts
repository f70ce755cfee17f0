import { isIPv6 } from 'node:net';
import type { DnsRecord, DnsRecordOf, SoaData } from '../dns/types.js';
import type { DnsBackend, DnsService } from './dns-snapshot.js';
import type { BackendTiers } from './order.js';

/** The version of the MCS DNS schema served (KEP-1645 specification.md). */
export const DNS_SCHEMA_VERSION = '1.0.0';

/** Address records of one name for the asked type (A or AAAA), one per address. */
export function addressRecords(name: string, addresses: readonly string[], qtype: string, ttl: number): DnsRecord[] {
  const out: DnsRecord[] = [];
  const seen = new Set<string>();
  for (const ip of addresses) {
    if (seen.has(ip)) continue;
    seen.add(ip);
    const v6 = isIPv6(ip);
    if (qtype === 'A' && !v6) out.push({ name, type: 'A', ttl, data: ip });
    else if (qtype === 'AAAA' && v6) out.push({ name, type: 'AAAA', ttl, data: ip });
    else if (qtype === 'ANY') out.push(v6 ? { name, type: 'AAAA', ttl, data: ip } : { name, type: 'A', ttl, data: ip });
  }
  return out;
}

/** The port a `_<port>._<proto>` pair names; unnamed ports have no SRV (the spec). */
export function portFor(svc: DnsService, portLabel: string, protoLabel: string) {
  const name = portLabel.slice(1);
  const proto = protoLabel.slice(1);
  return svc.ports.find((p) => p.name?.toLowerCase() === name && p.protocol.toLowerCase() === proto);
}

/**
 * SRV records of a service port. ClusterSetIP: one record naming the service (the spec), weights
 * none. Headless: one per ready endpoint, targeting `<hostname>.<cluster>.<svc>...`; the preferred
 * tier gets priority 0 and the fallback tier 10, each endpoint its cluster's weight.
 */
export function srvRecords(svc: DnsService, base: string, qname: string, port: number, tiers: BackendTiers, ttl: number): DnsRecordOf<'SRV'>[] {
  if (svc.type === 'ClusterSetIP') {
    if (tiers.preferred.length + tiers.fallback.length === 0 && svc.clusterSetIps.length === 0) return [];
    return [{ name: qname, type: 'SRV', ttl, data: { priority: 0, weight: 100, port, target: base } }];
  }
  const out: DnsRecordOf<'SRV'>[] = [];
  const add = (backends: DnsBackend[], priority: number) => {
    for (const b of backends) for (const e of b.endpoints) out.push({ name: qname, type: 'SRV', ttl, data: { priority, weight: b.weight, port, target: `${e.hostname}.${b.cluster}.${base}` } });
  };
  add(tiers.preferred, 0);
  add(tiers.fallback, 10);
  return out;
}

/** The address records an SRV answer's targets resolve to, for the additional section. */
export function srvAdditionals(svc: DnsService, base: string, answerAddresses: readonly string[], ttl: number): DnsRecord[] {
  if (svc.type === 'ClusterSetIP') return [...addressRecords(base, answerAddresses, 'A', ttl), ...addressRecords(base, answerAddresses, 'AAAA', ttl)];
  const out: DnsRecord[] = [];
  for (const b of svc.backends) {
    for (const e of b.endpoints) {
      const target = `${e.hostname}.${b.cluster}.${base}`;
      out.push(...addressRecords(target, e.addresses, 'A', ttl), ...addressRecords(target, e.addresses, 'AAAA', ttl));
    }
  }
  return out;
}

/** The zone's SOA data for a snapshot serial; `minimum` (negative TTL) follows the record TTL. */
export function soaData(origin: string, serial: number, ttl: number): SoaData {
  return { mname: `ns.${origin}`, rname: `hostmaster.${origin}`, serial, refresh: 60, retry: 10, expire: 3600, minimum: ttl };
}
