import { execFileSync, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitCache } from '../../src/gitops/git/cache.js';

// A real smart-HTTP Git server on loopback: git http-backend behind Basic authentication.
const USER = 'deploy';
const PASSWORD = 'correct-horse-battery-staple';
let work: string;
let server: Server;
let url: string;
let sha: string;

function serveGit(root: string): Server {
  return createServer((req, res) => {
    const auth = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
    if (auth !== `${USER}:${PASSWORD}`) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' }).end();
      return;
    }
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const cgi = spawn('git', ['http-backend'], { env: {
      ...process.env, GIT_PROJECT_ROOT: root, GIT_HTTP_EXPORT_ALL: '1', PATH_INFO: u.pathname, QUERY_STRING: u.search.slice(1),
      REQUEST_METHOD: req.method ?? 'GET', CONTENT_TYPE: req.headers['content-type'] ?? '', REMOTE_USER: USER, GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
    } });
    req.pipe(cgi.stdin);
    const chunks: Buffer[] = [];
    cgi.stdout.on('data', (c: Buffer) => chunks.push(c));
    cgi.on('close', () => {
      const out = Buffer.concat(chunks);
      const split = out.indexOf('\r\n\r\n');
      const headers: Record<string, string> = {};
      let status = 200;
      for (const line of out.subarray(0, split).toString().split('\r\n')) {
        const [k, ...v] = line.split(': ');
        if (k.toLowerCase() === 'status') status = Number(v.join(': ').split(' ')[0]);
        else if (k) headers[k] = v.join(': ');
      }
      res.writeHead(status, headers).end(out.subarray(split + 4));
    });
  });
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gitops-https-'));
  const origin = join(work, 'repos', 'apps.git');
  execFileSync('git', ['init', '-q', '-b', 'main', join(work, 'src')]);
  await writeFile(join(work, 'src', 'a.yaml'), 'x: 1\n');
  const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.test', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.test' };
  execFileSync('git', ['add', '-A'], { cwd: join(work, 'src') });
  execFileSync('git', ['commit', '-q', '-m', 'one'], { cwd: join(work, 'src'), env });
  execFileSync('git', ['clone', '-q', '--bare', join(work, 'src'), origin]);
  sha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: join(work, 'src'), encoding: 'utf8' }).trim();
  server = serveGit(join(work, 'repos'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/apps.git`;
});
afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await rm(work, { recursive: true, force: true });
});

describe('git over https-style smart HTTP with credentials', () => {
  it('fetches with the credentials the lookup returns, and never on the command line', async () => {
    const cache = new GitCache({ dir: join(work, 'c1'), pollIntervalMs: 60_000, credentials: async (u) => (u === url ? { username: USER, password: PASSWORD } : undefined) });
    expect(await cache.resolve(url, 'main')).toBe(sha);
  });

  it('fails without credentials or with wrong ones, and the error never contains the password', async () => {
    const anonymous = new GitCache({ dir: join(work, 'c2'), pollIntervalMs: 60_000 });
    await expect(anonymous.resolve(url, 'main')).rejects.toThrow(/git source http:\/\/127\.0\.0\.1:\d+\/apps\.git revision main/);
    const wrong = new GitCache({ dir: join(work, 'c3'), pollIntervalMs: 60_000, credentials: async () => ({ username: USER, password: 'hunter2-wrong' }) });
    const err = await wrong.resolve(url, 'main').then(() => undefined, (e: Error) => e);
    expect(err?.message).toMatch(/Authentication failed|401|could not read/i);
    expect(err?.message).not.toContain('hunter2-wrong');
  });
});
