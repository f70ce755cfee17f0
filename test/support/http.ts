import http from 'node:http';

/**
 * One HTTP request on its own connection (no keep-alive pool), for tests that call the CLI with
 * spawnSync between requests: a blocked event loop cannot notice that the server closed an idle
 * pooled socket, and fetch then sends on it and fails with "other side closed".
 * `until`, for a stream: settles, and closes the connection, as soon as the text read so far matches.
 */
export function httpOnce(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number; until?: RegExp } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? 'GET', headers: opts.headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
        if (opts.until?.test(body)) {
          resolve({ status: res.statusCode ?? 0, body });
          req.destroy();
        }
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.setTimeout(opts.timeoutMs ?? 30_000, () => req.destroy(new Error(`${opts.method ?? 'GET'} ${url}: no answer within ${opts.timeoutMs ?? 30_000} ms`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}
