import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DashboardStore } from './store.js';

const HEARTBEAT_MS = 15_000;
/** Most concurrent streams one server keeps open (each is one long-lived HTTP response). */
export const MAX_STREAMS = 64;
let open = 0;

/**
 * Serves one server-sent-events stream: `snapshot` with the whole state at once, then `delta` with
 * the changed sections as they change, and a comment every 15 s so proxies keep it open. The
 * browser's EventSource reconnects by itself and gets a fresh snapshot.
 */
export function serveStream(store: DashboardStore, req: FastifyRequest, reply: FastifyReply): void {
  if (open >= MAX_STREAMS) {
    void reply.code(503).send({ error: 'too many dashboard streams' });
    return;
  }
  open++;
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-content-type-options': 'nosniff' });
  const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  const state = store.current();
  if (state) send('snapshot', state);
  const unsubscribe = store.subscribe((delta) => send('delta', delta));
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS).unref();
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    unsubscribe();
    open--;
  };
  req.raw.once('close', close);
  res.on('error', () => undefined);
}
