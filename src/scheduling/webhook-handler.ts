import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NamespaceOffloading } from '../api/offloading.js';
import type { Pod } from './kinds.js';
import { electPatch, offloadPatch, type PatchOp } from './mutate.js';

const MAX_BODY = 3 * 1024 * 1024;

/** The NamespaceOffloading of a namespace in a source cluster (asked of the process holding the caches). */
export type OffloadingLookup = (cluster: string, namespace: string) => Promise<NamespaceOffloading | undefined>;

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
 * Answers one webhook request: `POST /elect/<cluster>` (Admiralty proxy pods) and
 * `POST /offload/<cluster>` (Liqo namespaces). A malformed review is answered 400 and an unknown
 * path 404; a pod is never rejected, only mutated (a lookup that fails admits it unchanged).
 */
export function handleAdmission(req: IncomingMessage, res: ServerResponse, lookup: OffloadingLookup, warn: (fields: Record<string, unknown>, msg: string) => void): void {
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
    const answer = (ops: PatchOp[]) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(admissionResponse(review, ops)));
    const admitUnchanged = (err: unknown) => {
      warn({ cluster: m[2], namespace, err: (err as Error).message }, 'webhook could not mutate pod; admitted unchanged');
      answer([]);
    };
    try {
      if (m[1] === 'elect') answer(electPatch(pod));
      else lookup(m[2], namespace).then((o) => answer(offloadPatch(pod, o)), admitUnchanged);
    } catch (err) {
      admitUnchanged(err);
    }
  });
}
