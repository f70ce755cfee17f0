import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PUBLIC_ROUTE } from '../../serve/http.js';
import { verifyWebhook } from '../git/webhook-signature.js';

/** The repository URLs a Git host's push payload names (GitHub, Gitea, GitLab, Bitbucket, or `{ "repoURL": ... }`). */
export function webhookRepoUrls(body: unknown): string[] {
  if (!body || typeof body !== 'object') return [];
  const b = body as Record<string, Record<string, unknown> | string | undefined>;
  const repo = (typeof b.repository === 'object' ? b.repository : {}) as Record<string, unknown>;
  const project = (typeof b.project === 'object' ? b.project : {}) as Record<string, unknown>;
  const links = ((repo.links as { html?: { href?: unknown } } | undefined)?.html?.href);
  const candidates = [b.repoURL, repo.clone_url, repo.html_url, repo.ssh_url, repo.git_url, repo.url, project.git_http_url, project.git_ssh_url, project.web_url, links];
  return [...new Set(candidates.filter((c): c is string => typeof c === 'string' && c.length > 0))];
}

/** Parses a raw delivery: JSON, or GitHub's form encoding (`payload=<json>`); undefined when neither. */
export function parseDelivery(raw: Buffer, contentType: string | undefined): unknown {
  try {
    const text = raw.toString('utf8');
    if ((contentType ?? '').startsWith('application/x-www-form-urlencoded')) return JSON.parse(new URLSearchParams(text).get('payload') ?? '');
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Where the webhook finds its secret (undefined: none configured, deliveries are accepted unsigned). */
export type SecretReader = () => Promise<string | undefined>;

/**
 * Registers `POST /api/v1/webhooks/git`: a push from a Git host refreshes the named repositories at
 * once instead of at the next poll. It only triggers a fetch; it changes nothing by itself. When a
 * secret is configured, a delivery must carry a valid GitHub/Gitea HMAC-SHA256 signature or GitLab
 * token (401 otherwise, nothing triggered); without a secret only loopback deliveries are taken
 * (the local demo). The route reads its body raw (the HMAC covers the bytes),
 * through a content-type parser scoped to this route alone.
 */
export function registerGitWebhook(http: FastifyInstance, onPush: (repoURLs: string[]) => number, secret: SecretReader = async () => undefined): void {
  void http.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 1024 * 1024 }, (_req, body, done) => done(null, body));
    // The route authenticates deliveries itself (a Git host cannot send the API's bearer token).
    scope.post('/api/v1/webhooks/git', { config: PUBLIC_ROUTE }, async (req: FastifyRequest, reply: FastifyReply) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      let key: string | undefined;
      try {
        key = await secret();
      } catch (err) {
        req.log.warn({ err: (err as Error).message }, 'git webhook: the secret cannot be read; refusing deliveries');
        return reply.code(503).send({ error: 'the webhook secret cannot be read' });
      }
      if (key) {
        const verdict = verifyWebhook(key, req.headers, raw);
        if (!verdict.ok) return reply.code(401).send({ error: verdict.reason });
      } else if (!isLoopback(req.socket.remoteAddress)) {
        return reply.code(401).send({ error: 'no webhook secret is configured: unsigned deliveries are accepted from loopback only' });
      }
      const urls = webhookRepoUrls(parseDelivery(raw, req.headers['content-type']));
      if (!urls.length) return reply.code(400).send({ error: 'the payload names no repository (repository.clone_url, project.git_http_url or repoURL)' });
      const queued = onPush(urls);
      return reply.code(202).send({ repositories: urls, queued });
    });
  });
}

/** True for a loopback peer (127.0.0.0/8, ::1, IPv4-mapped 127.x). */
export function isLoopback(address: string | undefined): boolean {
  return Boolean(address) && (address === '::1' || /^(::ffff:)?127\./.test(address ?? ''));
}
