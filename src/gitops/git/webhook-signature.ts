import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { KubeClient } from '../../kube/client.js';
import type { KubeObject } from '../../kube/types.js';

/** Hub Secret (in the system namespace) whose `secret` key holds the Git webhook secret. */
export const WEBHOOK_SECRET_NAME = 'meridian-git-webhook';

/** Headers a Git host signs a push with, lower-case as Node gives them. */
export type WebhookHeaders = Record<string, string | string[] | undefined>;

/** The verdict on one delivery: ok, or why not (never containing the secret or the signature). */
export type SignatureVerdict = { ok: true; scheme: string } | { ok: false; reason: string };

/** Constant-time equality of two strings of any length (both hashed first, so lengths leak nothing). */
export function constantTimeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

const header = (h: WebhookHeaders, name: string) => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * Verifies a delivery against the configured secret: GitHub `X-Hub-Signature-256: sha256=<hmac>`,
 * Gitea/Gogs `X-Gitea-Signature: <hmac>` (HMAC-SHA256 of the raw body), GitLab `X-Gitlab-Token:
 * <secret>`; every comparison in constant time. A delivery with none of them is refused.
 */
export function verifyWebhook(secret: string, headers: WebhookHeaders, rawBody: Buffer): SignatureVerdict {
  const hmac = () => createHmac('sha256', secret).update(rawBody).digest('hex');
  const github = header(headers, 'x-hub-signature-256');
  if (github !== undefined) {
    const m = /^sha256=([0-9a-fA-F]{64})$/.exec(github.trim());
    return m && constantTimeEqual(m[1].toLowerCase(), hmac()) ? { ok: true, scheme: 'github' } : { ok: false, reason: 'X-Hub-Signature-256 does not match the body' };
  }
  const gitea = header(headers, 'x-gitea-signature') ?? header(headers, 'x-gogs-signature');
  if (gitea !== undefined) {
    return constantTimeEqual(gitea.trim().toLowerCase(), hmac()) ? { ok: true, scheme: 'gitea' } : { ok: false, reason: 'X-Gitea-Signature does not match the body' };
  }
  const gitlab = header(headers, 'x-gitlab-token');
  if (gitlab !== undefined) return constantTimeEqual(gitlab, secret) ? { ok: true, scheme: 'gitlab' } : { ok: false, reason: 'X-Gitlab-Token does not match' };
  return { ok: false, reason: 'the delivery is not signed (X-Hub-Signature-256, X-Gitea-Signature or X-Gitlab-Token)' };
}

/** Where the webhook secret comes from: a file (serve flag), else a hub Secret; undefined: none configured. */
export interface WebhookSecretSource {
  file?: string;
  hub?: KubeClient;
  namespace?: string;
  /** While given and not aborted, the hub Secret is re-read in the background every five seconds, so a delivery finds it cached. */
  keepFresh?: AbortSignal;
}

/** How long a hub Secret read is used as it is, and how long it may still answer while a fresh read runs. */
const SECRET_FRESH_MS = 10_000;
const SECRET_STALE_MS = 60_000;

/**
 * A reader of the webhook secret: the file is read at each call (rotation without a restart); the
 * hub Secret is cached for ten seconds, and for up to a minute it answers at once while a fresh read
 * runs in the background (one at a time): a delivery does not wait on the hub, which on a loaded
 * machine took seconds, and a rotation takes effect within a minute. With `keepFresh` the Secret is
 * read ahead of deliveries (every five seconds), so even the first delivery finds it. A file that cannot be read is
 * an error (fail closed); so is a hub read when nothing recent enough is cached.
 */
export function webhookSecret(src: WebhookSecretSource): () => Promise<string | undefined> {
  let cached: { at: number; value: string | undefined } | undefined;
  let reading: Promise<string | undefined> | undefined;
  const read = (hub: KubeClient, namespace: string) => {
    reading ??= hub.get<KubeObject & { data?: Record<string, string> }>('v1', 'Secret', WEBHOOK_SECRET_NAME, namespace).then((s) => {
      const value = s?.data?.secret ? Buffer.from(s.data.secret, 'base64').toString('utf8').trim() || undefined : undefined;
      cached = { at: Date.now(), value };
      return value;
    }).finally(() => { reading = undefined; });
    return reading;
  };
  if (src.hub && src.namespace && !src.file && src.keepFresh && !src.keepFresh.aborted) {
    const { hub, namespace } = src;
    const timer = setInterval(() => read(hub, namespace).catch(() => undefined), SECRET_FRESH_MS / 2).unref();
    src.keepFresh.addEventListener('abort', () => clearInterval(timer), { once: true });
    read(hub, namespace).catch(() => undefined);
  }
  return async () => {
    if (src.file) {
      const text = (await readFile(src.file, 'utf8').catch((e: Error) => { throw new Error(`webhook secret file ${src.file}: ${(e as NodeJS.ErrnoException).code ?? e.message}`); })).trim();
      if (!text) throw new Error(`webhook secret file ${src.file} is empty`);
      return text;
    }
    if (!src.hub || !src.namespace) return undefined;
    const age = cached ? Date.now() - cached.at : Infinity;
    if (cached && age < SECRET_FRESH_MS) return cached.value;
    if (cached && age < SECRET_STALE_MS) {
      read(src.hub, src.namespace).catch(() => undefined); // a failed refresh is retried by the next delivery
      return cached.value;
    }
    return read(src.hub, src.namespace);
  };
}
