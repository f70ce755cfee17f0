import { Counter, type Registry } from 'prom-client';

const QTYPES = new Set(['A', 'AAAA', 'SRV', 'PTR', 'TXT', 'SOA', 'NS', 'CNAME', 'ANY']);

/** Counters of the answers Meridian's own zones give (the tap in src/dashboard/answers.ts calls them). */
export interface ZoneAnswerMetrics {
  /** One answer of `zone` (an origin we serve) to a question of `qtype` with `rcode`. */
  answered(zone: string, qtype: string, rcode: string): void;
  /** One answer that sent a client of region `from` to an address in region `to`. */
  routed(zone: string, from: string, to: string): void;
}

/**
 * meridian_dns_zone_answers_total{zone,qtype,rcode} and meridian_dns_region_answers_total{zone,from,to,cross}
 * in `registry`. Labels are bounded: served origins, common qtypes or "other", regions of members.
 */
export function zoneAnswerMetrics(registry: Registry): ZoneAnswerMetrics {
  const answers = new Counter({ name: 'meridian_dns_zone_answers_total', help: 'Answers from Meridian\'s zones by zone, question type and response code.', labelNames: ['zone', 'qtype', 'rcode'], registers: [registry] });
  const routed = new Counter({ name: 'meridian_dns_region_answers_total', help: 'Positive answers by the asking region and the region of the answered address; cross="true" sent the client to another region.', labelNames: ['zone', 'from', 'to', 'cross'], registers: [registry] });
  return {
    answered: (zone, qtype, rcode) => answers.inc({ zone, qtype: QTYPES.has(qtype) ? qtype : 'other', rcode }),
    routed: (zone, from, to) => routed.inc({ zone, from, to, cross: String(from !== to) }),
  };
}
