import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

/** Where `npm run build` puts the page's bundle, relative to the package root. */
export const BUNDLE_DIR = join('dist', 'web');

/** The package root: the nearest directory above this module that holds package.json. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Meridian</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/assets/app.css"></head>
<body><div id="app"><p class="loading">Loading the fleet…</p></div><script type="module" src="/assets/app.js"></script></body></html>
`;

const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/**
 * Serves the page and its two bundled files (no path from the request reaches the file system:
 * only these names are served). Without a bundle the page says how to build it.
 */
export function registerAssets(http: FastifyInstance, root = packageRoot()): void {
  const files: Record<string, string> = { 'app.js': 'text/javascript; charset=utf-8', 'app.css': 'text/css; charset=utf-8' };
  const cache = new Map<string, Buffer>();
  const read = (name: string): Buffer | undefined => {
    const hit = cache.get(name);
    if (hit) return hit;
    const path = join(root, BUNDLE_DIR, name);
    if (!existsSync(path)) return undefined;
    const body = readFileSync(path);
    cache.set(name, body);
    return body;
  };
  http.get('/', async (_req, reply) => {
    const built = read('app.js') !== undefined;
    return reply.headers(SECURITY_HEADERS).type('text/html; charset=utf-8')
      .send(built ? PAGE : '<!doctype html><title>Meridian</title><p>The dashboard bundle is missing: run <code>npm run build</code>.</p>');
  });
  http.get<{ Params: { file: string } }>('/assets/:file', async (req, reply) => {
    const type = Object.hasOwn(files, req.params.file) ? files[req.params.file] : undefined;
    const body = type ? read(req.params.file) : undefined;
    if (!type || !body) return reply.code(404).send({ error: 'not found' });
    return reply.headers(SECURITY_HEADERS).header('cache-control', 'no-cache').type(type).send(body);
  });
}
