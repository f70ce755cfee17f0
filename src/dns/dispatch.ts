// From a handler outcome to bytes on the wire: replies go straight back, forwarded queries wait for
// the upstream (SERVFAIL when it fails), drops are counted. Shared by the UDP and TCP transports.

import type { UpstreamForwarder } from './forwarder.js';
import { handleQuery, type HandlerLimits, type Outcome } from './handler.js';
import type { DnsMetrics } from './metrics.js';
import { qtypeMetricLabel } from './qtypes.js';
import type { ZoneRouter } from './router.js';
import type { QueryContext } from './types.js';
import { RCODE, headerOnlyReply, readHeader } from './wire.js';

/** Sends one reply back to the client the query came from. */
export type SendReply = (bytes: Buffer) => void;

/** Handles a packet and calls `send` with the reply, now or (forwarded) later, or not at all. */
export type Dispatch = (query: Buffer, ctx: QueryContext, send: SendReply) => void;

/** What the dispatcher works with. */
export interface DispatchDeps {
  router: ZoneRouter;
  limits: HandlerLimits;
  metrics: DnsMetrics;
  forwarder?: UpstreamForwarder;
}

const RCODE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(RCODE).map(([name, code]) => [code, name]));

/** Builds the dispatcher the transports call for every packet. */
export function createDispatch(deps: DispatchDeps): Dispatch {
  const { router, limits, metrics, forwarder } = deps;
  return (query, ctx, send) => {
    let outcome: Outcome;
    try {
      outcome = handleQuery(query, ctx, router, limits);
    } catch {
      // A bug on the query path answers SERVFAIL for this query instead of ending the process.
      const header = readHeader(query);
      if (header) send(headerOnlyReply(query, header, RCODE.SERVFAIL));
      metrics.query({ transport: ctx.transport, qtype: 'none', rcode: 'SERVFAIL', truncated: false, forwarded: false });
      return;
    }
    if (outcome.kind === 'drop') {
      metrics.drop(outcome.reason, ctx.transport);
      return;
    }
    if (outcome.kind === 'reply') {
      send(outcome.bytes);
      metrics.query({ transport: ctx.transport, qtype: metricQtype(outcome.qtype), rcode: outcome.rcode, truncated: outcome.truncated, forwarded: false });
      return;
    }
    const { header, questionEnd, qtype } = outcome;
    const pending = forwarder ? forwarder.forward(query, questionEnd, ctx.transport) : Promise.resolve(undefined);
    void pending.then((reply) => {
      const bytes = reply ?? headerOnlyReply(query, header, RCODE.SERVFAIL, questionEnd);
      send(bytes);
      const rcode = RCODE_NAMES[(readHeader(bytes)?.qr ? bytes[3]! : 2) & 0xf] ?? 'other';
      metrics.query({ transport: ctx.transport, qtype: metricQtype(qtype), rcode, truncated: (bytes[2]! & 0x02) !== 0, forwarded: true });
    });
  };
}

function metricQtype(qtype: number): string {
  return qtype < 0 ? 'none' : qtypeMetricLabel(qtype);
}
