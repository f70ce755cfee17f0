import https from 'node:https';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { ClusterPki } from '../fleet/pki.js';
import type { NamespaceOffloading } from '../api/offloading.js';
import type { Logger } from '../util/log.js';
import type { Pod } from './kinds.js';
import { electPatch, offloadPatch, type PatchOp } from './mutate.js';

const MAX_BODY = 3 * 1024 * 1024;

/** What the webhook needs to know about a source cluster. */
export type OffloadingLookup = (cluster: string, namespace: string) => NamespaceOffloading | undefined;

/** A review answer for one AdmissionReview request. */
export function admissionResponse(review: { apiVersion?: string; request?: { uid?: string } }, ops: PatchOp[]): Record<string, unknown> {
  const response: Record<string, unknown> = { uid: review.request?.uid ?? '', allowed: true };
  if (ops.length) {
    response.patchType = 'JSONPatch';
    response.patch = Buffer.from(JSON.stringify(ops)).toString('base64');
  }
  return { apiVersion: review.apiVersion ?? 'admission.k8s.io/v1', kind: 'AdmissionReview', response };
}

/**
 * The mutating admission webhook of `meridian serve`: HTTPS on loopback with a certificate from
 * its own CA (openssl, as the fleet's PKI), `POST /elect/<cluster>` (Admiralty proxy pods) and
 * `POST /offload/<cluster>` (Liqo namespaces). A malformed review is answered 400; the webhook
 * never rejects a pod, it only mutates.
 */
export class WebhookServer {
  private server: https.Server | undefined;
  /** The CA that signed the serving certificate (the webhook configuration's caBundle). */
  caPem = '';
  /** A key directory this server made itself, removed on stop. */
  private ownDir: string | undefined;

  constructor(private readonly address: string, private readonly port: number, private readonly lookup: OffloadingLookup, private readonly log: Logger, private readonly dir?: string) {}

  /** Issues the certificate and listens; resolves with the base URL the API servers call. */
  async start(host: string): Promise<string> {
    if (!this.dir) this.ownDir = await mkdtemp(join(tmpdir(), 'meridian-webhook-'));
    const pki = new ClusterPki(this.dir ?? this.ownDir ?? '', 'scheduling-webhook');
    await pki.ensureCa();
    await pki.ensureCert({ name: 'webhook', commonName: 'meridian-scheduling-webhook', usage: ['server'], ips: ['127.0.0.1'], dnsNames: ['localhost'] });
    this.caPem = await readFile(pki.cert('ca'), 'utf8');
    const server = https.createServer({ cert: await readFile(pki.cert('webhook')), key: await readFile(pki.key('webhook')) }, (req, res) => this.handle(req, res));
    server.on('clientError', (_err, socket) => socket.destroy());
    // The API server's webhook client keeps idle connections for 90 s. Closing them sooner (Node's
    // default is 5 s) races a request sent on a connection as it closes: "connection reset by
    // peer", and with failurePolicy Fail the pod is refused (seen in the burst bench under load).
    server.keepAliveTimeout = 120_000;
    server.headersTimeout = 125_000;
    await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(this.port, this.address, resolve); });
    this.server = server;
    return `https://${host}:${(server.address() as AddressInfo).port}`;
  }

  /** Stops listening. */
  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    // Kept-alive connections (120 s) would hold close() open: cut them now.
    this.server?.closeAllConnections?.();
    await closed;
    if (this.ownDir) await rm(this.ownDir, { recursive: true, force: true });
  }

  private handle(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): void {
    // The API server appends `?timeout=5s`: match the path alone.
    const m = /^\/(elect|offload)\/([a-z0-9]([-a-z0-9.]*[a-z0-9])?)$/.exec((req.url ?? '').split('?')[0]);
    if (req.method !== 'POST' || !m) {
      res.writeHead(404).end();
      return;
    }
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) req.destroy();
      else chunks.push(c);
    });
    req.on('error', () => undefined);
    req.on('end', () => {
      let review: { apiVersion?: string; request?: { uid?: string; namespace?: string; object?: Pod } };
      try {
        review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof review;
        if (!review.request?.object) throw new Error('request.object missing');
      } catch (err) {
        res.writeHead(400, { 'Content-Type': 'text/plain' }).end(`bad AdmissionReview: ${(err as Error).message}`);
        return;
      }
      const pod = review.request.object as Pod;
      const namespace = review.request.namespace ?? pod.metadata?.namespace ?? '';
      let ops: PatchOp[] = [];
      try {
        ops = m[1] === 'elect' ? electPatch(pod) : offloadPatch(pod, this.lookup(m[2], namespace));
      } catch (err) {
        this.log.warn({ cluster: m[2], namespace, err: (err as Error).message }, 'webhook could not mutate pod; admitted unchanged');
      }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(admissionResponse(review, ops)));
    });
  }
}
