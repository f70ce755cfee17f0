import type { Registry } from 'prom-client';
import type { QueryContext, ZoneAnswer, ZoneAuthority } from '../dns/types.js';
import { zoneAnswerMetrics, type ZoneAnswerMetrics } from '../metrics/dns.js';

/** Who asked (a cluster name, or undefined when unknown) for a query context. */
export type QuerierOf = (ctx: QueryContext) => string | undefined;

/** Counts of answers per name, by the cluster that asked and the addresses it got. */
export interface AnswerCounts {
  /** qname -> `${querier}\t${sorted addresses}` -> answers. */
  byName: Map<string, Map<string, number>>;
}

const MAX_KEYS = 5000;

/**
 * Remembers which cluster asked which name and which addresses it was answered with, so the
 * dashboard can tell answers that send a client to another region (egress). Cheap on the query
 * path: one map increment; bounded to MAX_KEYS distinct (name, querier, answer) keys.
 */
export class AnswerRecorder {
  private readonly byName = new Map<string, Map<string, number>>();
  private keys = 0;
  private querierOf: QuerierOf = () => undefined;
  private regionOf: { cluster: (c: string) => string | undefined; address: (a: string) => string | undefined } = { cluster: () => undefined, address: () => undefined };

  constructor(private readonly metrics?: ZoneAnswerMetrics) {}

  /** Sets how a query context maps to the asking cluster (DNS views, members' networks). */
  setQuerier(fn: QuerierOf): void {
    this.querierOf = fn;
  }

  /** Sets how clusters and answered addresses map to regions (for the per-region answer counter). */
  setRegions(cluster: (c: string) => string | undefined, address: (a: string) => string | undefined): void {
    this.regionOf = { cluster, address };
  }

  /** Records one answer of A/AAAA records (`zone` is the origin that answered). */
  record(qname: string, ctx: QueryContext, answer: ZoneAnswer, zone = ''): void {
    const addresses = answer.answers.filter((r) => r.type === 'A' || r.type === 'AAAA').map((r) => r.data as string);
    if (addresses.length === 0) return;
    const querier = this.querierOf(ctx);
    const from = querier ? this.regionOf.cluster(querier) : undefined;
    if (from && this.metrics) for (const a of addresses) this.metrics.routed(zone, from, this.regionOf.address(a) ?? 'unknown');
    const key = `${querier ?? ''}\t${addresses.sort().join(',')}`;
    let counts = this.byName.get(qname);
    if (!counts) {
      if (this.keys >= MAX_KEYS) return;
      this.byName.set(qname, (counts = new Map()));
    }
    if (!counts.has(key) && this.keys++ >= MAX_KEYS) return;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }

  /** A copy of the counts. */
  counts(): AnswerCounts {
    return { byName: new Map([...this.byName].map(([n, m]) => [n, new Map(m)])) };
  }

  /** Wraps a zone so each of its answers is recorded; the zone itself is untouched. */
  tap(zone: ZoneAuthority): ZoneAuthority {
    return {
      origin: zone.origin,
      answer: (qname, qtype, ctx) => {
        const answer = zone.answer(qname, qtype, ctx);
        try {
          this.metrics?.answered(zone.origin, qtype, answer.rcode);
          this.record(qname, ctx, answer, zone.origin);
        } catch {
          // recording must never cost a query its answer
        }
        return answer;
      },
    };
  }
}

const recorders = new WeakMap<Registry, AnswerRecorder>();

/** The recorder of one `meridian serve` (keyed by its metrics registry, as the DNS metrics are). */
export function answerRecorder(registry: Registry): AnswerRecorder {
  let r = recorders.get(registry);
  if (!r) recorders.set(registry, (r = new AnswerRecorder(zoneAnswerMetrics(registry))));
  return r;
}
