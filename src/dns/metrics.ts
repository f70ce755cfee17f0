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

/** Queries of one label set counted since prom-client last read them. */
interface Tally {
  labels: { transport: string; qtype: string; rcode: string; forwarded: string };
  pending: number;
}

/**
 * Counts DNS traffic in `registry` as meridian_dns_queries_total, _truncated_total and
 * _dropped_total. Several servers may share one registry: the counters are created once. The
 * query path only adds to plain numbers; they reach prom-client when the registry is read
 * (`collect`), because one prom-client `inc` (label hashing and validation) cost more than the
 * rest of a cached answer.
 */
export function prometheusDnsMetrics(registry: Registry): DnsMetrics {
  const existing = registries.get(registry);
  if (existing) return existing;
  const tallies = new Map<string, Tally>();
  // Cached replies pass the same frozen event object every time: skip building the label key for them.
  const byEvent = new WeakMap<DnsQueryEvent, Tally>();
  const drops = new Map<string, Tally>();
  let truncatedPending = 0;
  new Counter({
    name: 'meridian_dns_queries_total',
    help: 'DNS queries answered, by transport, question type, response code and whether forwarded.',
    labelNames: ['transport', 'qtype', 'rcode', 'forwarded'] as const,
    registers: [registry],
    collect() {
      for (const t of tallies.values()) if (t.pending > 0) { this.inc(t.labels, t.pending); t.pending = 0; }
    },
  });
  new Counter({
    name: 'meridian_dns_truncated_total', help: 'UDP replies sent with the TC bit.', registers: [registry],
    collect() {
      if (truncatedPending > 0) { this.inc(truncatedPending); truncatedPending = 0; }
    },
  });
  new Counter({
    name: 'meridian_dns_dropped_total',
    help: 'Packets that got no reply, by reason.',
    labelNames: ['reason', 'transport'] as const,
    registers: [registry],
    collect() {
      for (const t of drops.values()) if (t.pending > 0) { this.inc({ reason: t.labels.rcode, transport: t.labels.transport }, t.pending); t.pending = 0; }
    },
  });
  const tallyOf = (map: Map<string, Tally>, transport: string, qtype: string, rcode: string, forwarded: string): Tally => {
    const key = `${transport} ${qtype} ${rcode} ${forwarded}`;
    let tally = map.get(key);
    if (!tally) map.set(key, (tally = { labels: { transport, qtype, rcode, forwarded }, pending: 0 }));
    return tally;
  };
  const metrics: DnsMetrics = {
    query(e) {
      let tally = byEvent.get(e);
      if (!tally) {
        tally = tallyOf(tallies, e.transport, e.qtype, e.rcode, String(e.forwarded));
        if (Object.isFrozen(e)) byEvent.set(e, tally);
      }
      tally.pending++;
      if (e.truncated) truncatedPending++;
    },
    drop(reason, transport) {
      tallyOf(drops, transport, '', reason, '').pending++;
    },
  };
  registries.set(registry, metrics);
  return metrics;
}
