// Entry of the scheduling webhook's own process (forked by WebhookServer): the API servers' admission
// calls are answered here, on an event loop that nothing else uses, so a pod's create never waits
// behind the controllers' work in `meridian serve`. Elect answers need nothing but the pod; offload
// answers ask the parent for the namespace's NamespaceOffloading (its caches live there).

import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { NamespaceOffloading } from '../api/offloading.js';
import { handleAdmission } from './webhook-handler.js';
import type { FromWebhook, ToWebhook } from './webhook-protocol.js';

const send = (msg: FromWebhook): void => void process.send?.(msg);
const pending = new Map<number, (o: NamespaceOffloading | undefined) => void>();
let nextId = 1;
let server: https.Server | undefined;

/** Asks the parent, with a deadline: an unanswered lookup admits the pod unchanged. */
function lookup(cluster: string, namespace: string): Promise<NamespaceOffloading | undefined> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { pending.delete(id); reject(new Error(`no NamespaceOffloading answer for ${cluster}/${namespace} within 3 s`)); }, 3000);
    pending.set(id, (o) => { clearTimeout(timer); resolve(o); });
    send({ type: 'lookup', id, cluster, namespace });
  });
}

process.on('message', (msg: ToWebhook) => {
  if (msg.type === 'offloading') {
    pending.get(msg.id)?.(msg.offloading);
    pending.delete(msg.id);
  } else if (msg.type === 'start' && !server) {
    const s = https.createServer({ cert: msg.cert, key: msg.key }, (req, res) => handleAdmission(req, res, lookup, (fields, text) => send({ type: 'warn', fields, msg: text })));
    s.on('clientError', (_err, socket) => socket.destroy());
    // The API server's webhook client keeps idle connections for 90 s. Closing them sooner (Node's
    // default is 5 s) races a request sent on a connection as it closes: "connection reset by
    // peer", and with failurePolicy Fail the pod is refused (seen in the burst bench under load).
    s.keepAliveTimeout = 120_000;
    s.headersTimeout = 125_000;
    s.once('error', (err) => send({ type: 'failed', error: err.message }));
    s.listen(msg.port, msg.address, () => send({ type: 'listening', port: (s.address() as AddressInfo).port }));
    server = s;
  }
});
// The parent gone (stopped, or killed): nothing is left to answer for.
process.on('disconnect', () => process.exit(0));
