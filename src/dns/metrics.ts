// Metrics hooks of the DNS server: plain callbacks, and an adapter that counts them in a
// prom-client Registry (the one /metrics serves). Label values are bounded: rcode names, common
// qtypes or "other", two transports, a few drop reasons.

import { Counter, type Registry } from 'prom-client';

/** One query answered (or forwarded) by the server. */
export interface DnsQueryEvent {
  transport: 'udp' | 'tcp';
  /** Question type as a bounded label ("A", "SRV", "other", "none" when unreadable). */
  qtype: string;
  /** Response code sent ("NOERROR", "NXDOMAIN", "FORMERR", ...; upstream's for forwarded queries). */
  rcode: string;
  truncated: boolean;
  forwarded: boolean;
}

/** Why the server sent nothing: shorter than a header, a response packet, a TCP frame it refused, RRL. */
export type DnsDropReason = 'short' | 'response' | 'tcp-limit' | 'rate-limit';

/** Callbacks the server calls on its query path; keep them cheap. */
export interface DnsMetrics {
  query(event: DnsQueryEvent): void;
  drop(reason: DnsDropReason, transport: 'udp' | 'tcp'): void;
}

/** Metrics that go nowhere. */
export const noDnsMetrics: DnsMetrics = { query: () => undefined, drop: () => undefined };

/** The metrics already created per registry. */
const registries = new WeakMap<Registry, DnsMetrics>();

/**
 * Counts DNS traffic in `registry` as meridian_dns_queries_total, _truncated_total and
 * _dropped_total. Several servers may share one registry: the counters are created once.
 */
export function prometheusDnsMetrics(registry: Registry): DnsMetrics {
  const existing = registries.get(registry);
  if (existing) return existing;
  const queries = new Counter({
    name: 'meridian_dns_queries_total',
    help: 'DNS queries answered, by transport, question type, response code and whether forwarded.',
    labelNames: ['transport', 'qtype', 'rcode', 'forwarded'] as const,
    registers: [registry],
  });
  const truncated = new Counter({ name: 'meridian_dns_truncated_total', help: 'UDP replies sent with the TC bit.', registers: [registry] });
  const dropped = new Counter({
    name: 'meridian_dns_dropped_total',
    help: 'Packets that got no reply, by reason.',
    labelNames: ['reason', 'transport'] as const,
    registers: [registry],
  });
  const children = new Map<string, { inc(): void }>();
  // Cached replies pass the same event object every time: skip building the label key for them.
  const byEvent = new WeakMap<DnsQueryEvent, { inc(): void }>();
  const metrics: DnsMetrics = {
    query(e) {
      let child = byEvent.get(e);
      if (!child) {
        const key = `${e.transport} ${e.qtype} ${e.rcode} ${e.forwarded}`;
        child = children.get(key);
        if (!child) children.set(key, (child = queries.labels(e.transport, e.qtype, e.rcode, String(e.forwarded))));
        if (Object.isFrozen(e)) byEvent.set(e, child);
      }
      child.inc();
      if (e.truncated) truncated.inc();
    },
    drop(reason, transport) {
      dropped.labels(reason, transport).inc();
    },
  };
  registries.set(registry, metrics);
  return metrics;
}
