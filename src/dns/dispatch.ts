// From a handler outcome to bytes on the wire: replies go straight back, forwarded queries wait for
// the upstream (SERVFAIL when it fails), drops are counted. Shared by the UDP and TCP transports.

import type { UpstreamForwarder } from './forwarder.js';
import { handleQuery, type HandlerLimits, type Outcome } from './handler.js';
import type { DnsMetrics } from './metrics.js';
import { qtypeMetricLabel, qtypeName } from './qtypes.js';
import { ReplyCache } from './reply-cache.js';
import type { ZoneRouter } from './router.js';
import type { ResponseRateLimiter } from './rrl.js';
import type { QueryContext } from './types.js';
import { FLAG, RCODE, headerOnlyReply, readHeader } from './wire.js';

/**
 * Sends one reply back to the client the query came from: `ctx` is the query's, so a UDP listener
 * can answer every datagram through one function instead of a closure per datagram.
 */
export type SendReply = (bytes: Buffer, ctx: QueryContext) => void;

/** Handles a packet and calls `send` with the reply, now or (forwarded) later, or not at all. */
export type Dispatch = (query: Buffer, ctx: QueryContext, send: SendReply) => void;

/** What the dispatcher works with. */
export interface DispatchDeps {
  router: ZoneRouter;
  limits: HandlerLimits;
  metrics: DnsMetrics;
  forwarder?: UpstreamForwarder;
  /** Limits UDP replies per client prefix and answer (public addresses); none: no limit. */
  rrl?: ResponseRateLimiter;
  /** Reuses UDP replies of zones that allow it; the owner clears it when the data changes. */
  replyCache?: ReplyCache;
}

const RCODE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(RCODE).map(([name, code]) => [code, name]));

/** Builds the dispatcher the transports call for every packet. */
export function createDispatch(deps: DispatchDeps): Dispatch {
  const { router, limits, metrics, forwarder, rrl, replyCache } = deps;
  return (query, ctx, send) => {
    const cacheKey = replyCache && ctx.transport === 'udp' && query.length >= 12 ? ReplyCache.keyOf(query) : undefined;
    if (cacheKey !== undefined) {
      const hit = replyCache!.lookup(cacheKey, query, ctx);
      if (hit) {
        if (rrl) {
          const verdict = rrl.check(ctx.clientAddress, hit.cached.rrlKey ?? rrlKey(hit.cached), Date.now());
          if (verdict === 'drop') return metrics.drop('rate-limit', 'udp');
          if (verdict === 'slip') {
            send(slipReply(hit.reply), ctx);
            return metrics.query({ transport: 'udp', qtype: metricQtype(hit.cached.qtype), rcode: hit.cached.rcode, truncated: true, forwarded: false });
          }
        }
        send(hit.reply, ctx);
        return metrics.query(hit.cached.event);
      }
    }
    let outcome: Outcome;
    try {
      outcome = handleQuery(query, ctx, router, limits);
    } catch {
      // A bug on the query path answers SERVFAIL for this query instead of ending the process.
      const header = readHeader(query);
      if (header) send(headerOnlyReply(query, header, RCODE.SERVFAIL), ctx);
      metrics.query({ transport: ctx.transport, qtype: 'none', rcode: 'SERVFAIL', truncated: false, forwarded: false });
      return;
    }
    if (outcome.kind === 'drop') {
      metrics.drop(outcome.reason, ctx.transport);
      return;
    }
    if (outcome.kind === 'reply') {
      if (cacheKey !== undefined && outcome.qname !== undefined) remember(replyCache!, cacheKey, router, outcome, ctx);
      if (rrl && ctx.transport === 'udp') {
        const verdict = rrl.check(ctx.clientAddress, rrlKey(outcome), Date.now());
        if (verdict === 'drop') return metrics.drop('rate-limit', 'udp');
        if (verdict === 'slip') {
          send(slipReply(outcome.bytes), ctx);
          return metrics.query({ transport: 'udp', qtype: metricQtype(outcome.qtype), rcode: outcome.rcode, truncated: true, forwarded: false });
        }
      }
      send(outcome.bytes, ctx);
      metrics.query({ transport: ctx.transport, qtype: metricQtype(outcome.qtype), rcode: outcome.rcode, truncated: outcome.truncated, forwarded: false });
      return;
    }
    const { header, questionEnd, qtype } = outcome;
    const pending = forwarder ? forwarder.forward(query, questionEnd, ctx.transport) : Promise.resolve(undefined);
    void pending.then((reply) => {
      const bytes = reply ?? headerOnlyReply(query, header, RCODE.SERVFAIL, questionEnd);
      send(bytes, ctx);
      const rcode = RCODE_NAMES[(readHeader(bytes)?.qr ? bytes[3]! : 2) & 0xf] ?? 'other';
      metrics.query({ transport: ctx.transport, qtype: metricQtype(qtype), rcode, truncated: (bytes[2]! & 0x02) !== 0, forwarded: true });
    });
  };
}

/** Stores a zone's UDP reply in the cache (when the zone allows it for this asker). */
function remember(cache: ReplyCache, key: string, router: ZoneRouter, outcome: Extract<Outcome, { kind: 'reply' }>, ctx: QueryContext): void {
  const zone = router.find(outcome.qname!);
  if (!zone || zone.origin !== outcome.zone) return;
  const event = Object.freeze({ transport: 'udp' as const, qtype: metricQtype(outcome.qtype), rcode: outcome.rcode, truncated: outcome.truncated, forwarded: false });
  cache.store(key, zone, outcome.qname!, qtypeName(outcome.qtype), ctx, { bytes: outcome.bytes, rcode: outcome.rcode, qtype: outcome.qtype, qname: outcome.qname, zone: outcome.zone, event, rrlKey: rrlKey(outcome) });
}

/**
 * What a reply is accounted under, as BIND does: a positive answer or NODATA by name and type, every
 * NXDOMAIN of a zone together (random names must not each get a fresh allowance), errors together.
 */
function rrlKey(outcome: { rcode: string; qtype: number; qname?: string; zone?: string }): string {
  if (outcome.zone === undefined) return `error:${outcome.rcode}`;
  if (outcome.rcode === 'NXDOMAIN') return `nxdomain:${outcome.zone}`;
  return `${outcome.qname ?? ''}:${outcome.qtype}`;
}

/** The reply cut to its header and question with TC=1: a real client retries over TCP. */
function slipReply(reply: Buffer): Buffer {
  const header = readHeader(reply);
  if (!header) return reply;
  const out = headerOnlyReply(reply, header, 0, questionEndOf(reply));
  out.writeUInt16BE(out.readUInt16BE(2) | FLAG.TC, 2);
  return out;
}

/** End of the (single) question of a reply, or the header's end when there is none. */
function questionEndOf(reply: Buffer): number {
  if (reply.readUInt16BE(4) === 0) return 12;
  let i = 12;
  while (i < reply.length && reply[i] !== 0) i += (reply[i]! & 0xc0) === 0xc0 ? reply.length : reply[i]! + 1;
  return Math.min(reply.length, i + 5);
}

function metricQtype(qtype: number): string {
  return qtype < 0 ? 'none' : qtypeMetricLabel(qtype);
}
