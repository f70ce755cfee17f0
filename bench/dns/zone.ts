// The benchmark zone: N services in clusterset.local the way discovery would publish them (three
// cluster addresses, an SRV record, a per-cluster name), and a query mix over it.

import { ZoneSnapshot, type ZoneSnapshotInput } from '../../src/dns/snapshot.js';
import type { DnsRecord } from '../../src/dns/types.js';

/** The zone origin the benchmark serves. */
export const BENCH_ORIGIN = 'clusterset.local';

/** Builds the snapshot of `services` services (records: 3 A, 1 SRV, 1 per-cluster A each). */
export function benchSnapshot(services: number): ZoneSnapshot {
  return new ZoneSnapshot(benchSnapshotInput(services));
}

/** The input of benchSnapshot: plain data, as the DNS worker pool publishes it. */
export function benchSnapshotInput(services: number): ZoneSnapshotInput {
  const records: DnsRecord[] = [{ name: `ns1.${BENCH_ORIGIN}`, type: 'A', ttl: 60, data: '127.0.0.1' }, { name: `dns-version.${BENCH_ORIGIN}`, type: 'TXT', ttl: 5, data: ['1.1.0'] }];
  for (let i = 0; i < services; i++) {
    const name = serviceName(i);
    for (let c = 1; c <= 3; c++) records.push({ name, type: 'A', ttl: 5, data: `10.${c}.${i >> 8}.${i & 255}` });
    records.push({ name: `_http._tcp.${name}`, type: 'SRV', ttl: 5, data: { priority: 0, weight: 50, port: 8080, target: name } });
    records.push({ name: `us-east.${name}`, type: 'A', ttl: 5, data: `10.1.${i >> 8}.${i & 255}` });
  }
  return {
    origin: BENCH_ORIGIN,
    soa: { mname: `ns1.${BENCH_ORIGIN}`, rname: `hostmaster.${BENCH_ORIGIN}`, serial: 1, refresh: 60, retry: 30, expire: 3600, minimum: 5 },
    apexTtl: 60,
    nameservers: [`ns1.${BENCH_ORIGIN}`],
    records,
  };
}

/** The name of service i: svc-<i>.ns-<i mod 20>.svc.clusterset.local. */
export function serviceName(i: number): string {
  return `svc-${i}.ns-${i % 20}.svc.${BENCH_ORIGIN}`;
}

/**
 * A dnsperf query file: 70% A of existing services, 10% SRV, 5% per-cluster A, 10% NXDOMAIN,
 * 5% AAAA (NODATA). Deterministic, so both servers get the same mix.
 */
export function queryFile(services: number, lines = 20_000): string {
  const out: string[] = [];
  let x = 12345;
  const next = (n: number): number => { x = (Math.imul(x, 1103515245) + 12345) >>> 0; return (x >>> 8) % n; };
  for (let l = 0; l < lines; l++) {
    const i = next(services);
    const roll = next(100);
    if (roll < 70) out.push(`${serviceName(i)} A`);
    else if (roll < 80) out.push(`_http._tcp.${serviceName(i)} SRV`);
    else if (roll < 85) out.push(`us-east.${serviceName(i)} A`);
    else if (roll < 95) out.push(`missing-${i}.ns-${i % 20}.svc.${BENCH_ORIGIN} A`);
    else out.push(`${serviceName(i)} AAAA`);
  }
  return `${out.join('\n')}\n`;
}
