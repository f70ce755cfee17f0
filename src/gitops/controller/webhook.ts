import type { FastifyInstance } from 'fastify';

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

/**
 * Registers `POST /api/v1/webhooks/git`: a push from a Git host refreshes the named repositories at
 * once instead of at the next poll. It only triggers a fetch; it changes nothing by itself.
 */
export function registerGitWebhook(http: FastifyInstance, onPush: (repoURLs: string[]) => number): void {
  http.post('/api/v1/webhooks/git', async (req, reply) => {
    const urls = webhookRepoUrls(req.body);
    if (!urls.length) return reply.code(400).send({ error: 'the payload names no repository (repository.clone_url, project.git_http_url or repoURL)' });
    const queued = onPush(urls);
    return reply.code(202).send({ repositories: urls, queued });
  });
}
