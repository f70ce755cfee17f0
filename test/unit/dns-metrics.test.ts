import { Counter, Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { prometheusDnsMetrics } from '../../src/dns/metrics.js';

const cachedEvent = Object.freeze({ transport: 'udp' as const, qtype: 'A', rcode: 'NOERROR', truncated: false, forwarded: false });

/** The value of one sample of a metric in the registry's text output (0 when absent). */
async function sample(registry: Registry, line: RegExp): Promise<number> {
  const text = await registry.metrics();
  const m = new RegExp(`^${line.source} (\\d+)$`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

describe('prometheusDnsMetrics on the query path', () => {
  afterEach(() => vi.restoreAllMocks());

  it('counts queries without calling prom-client per query; the registry sees them all when read', async () => {
    // Counter binds `inc` at construction: spy before the counters exist.
    const inc = vi.spyOn(Counter.prototype, 'incWithoutExemplar' as never);
    const registry = new Registry();
    const metrics = prometheusDnsMetrics(registry);
    for (let i = 0; i < 1000; i++) metrics.query(cachedEvent);
    for (let i = 0; i < 7; i++) metrics.query({ transport: 'tcp', qtype: 'SRV', rcode: 'NXDOMAIN', truncated: false, forwarded: false });
    for (let i = 0; i < 3; i++) metrics.query({ transport: 'udp', qtype: 'TXT', rcode: 'NOERROR', truncated: true, forwarded: false });
    for (let i = 0; i < 5; i++) metrics.drop('rate-limit', 'udp');
    expect(inc).not.toHaveBeenCalled();

    expect(await sample(registry, /meridian_dns_queries_total\{transport="udp",qtype="A",rcode="NOERROR",forwarded="false"\}/)).toBe(1000);
    expect(await sample(registry, /meridian_dns_queries_total\{transport="tcp",qtype="SRV",rcode="NXDOMAIN",forwarded="false"\}/)).toBe(7);
    expect(await sample(registry, /meridian_dns_truncated_total/)).toBe(3);
    expect(await sample(registry, /meridian_dns_dropped_total\{reason="rate-limit",transport="udp"\}/)).toBe(5);

    // Counts keep adding up across reads: nothing is lost or counted twice.
    for (let i = 0; i < 250; i++) metrics.query(cachedEvent);
    metrics.drop('short', 'udp');
    expect(await sample(registry, /meridian_dns_queries_total\{transport="udp",qtype="A",rcode="NOERROR",forwarded="false"\}/)).toBe(1250);
    expect(await sample(registry, /meridian_dns_queries_total\{transport="udp",qtype="A",rcode="NOERROR",forwarded="false"\}/)).toBe(1250);
    expect(await sample(registry, /meridian_dns_dropped_total\{reason="rate-limit",transport="udp"\}/)).toBe(5);
    expect(await sample(registry, /meridian_dns_dropped_total\{reason="short",transport="udp"\}/)).toBe(1);
  });

  it('is what getMetricsAsJSON reports too (the DNS workers hand that to the primary)', async () => {
    const registry = new Registry();
    const metrics = prometheusDnsMetrics(registry);
    for (let i = 0; i < 42; i++) metrics.query(cachedEvent);
    const json = await registry.getMetricsAsJSON();
    const queries = json.find((m) => m.name === 'meridian_dns_queries_total');
    expect(queries?.values).toEqual([{ value: 42, labels: { transport: 'udp', qtype: 'A', rcode: 'NOERROR', forwarded: 'false' } }]);
  });
});
