import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startDetached, stopDetached } from '../../src/serve/detach.js';
import { freePort } from '../support/envtest.js';

// `meridian serve --detach` with --http-tls-cert waited on http:// and timed out although serve was
// up. The stand-in below is a "serve" that only answers /healthz over HTTPS with a self-signed pair.
const dir = mkdtempSync(join(tmpdir(), 'meridian-detach-tls-'));
const [cert, key] = [join(dir, 'tls.crt'), join(dir, 'tls.key')];
execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
const entry = join(dir, 'fake-meridian.mjs');
writeFileSync(entry, `import https from 'node:https';
import { readFileSync } from 'node:fs';
const port = Number(process.argv[process.argv.indexOf('--http-port') + 1]);
https.createServer({ cert: readFileSync(${JSON.stringify(cert)}), key: readFileSync(${JSON.stringify(key)}) }, (req, res) => res.writeHead(req.url === '/healthz' ? 200 : 404).end('ok')).listen(port, '127.0.0.1');
`);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('serve --detach over HTTPS', () => {
  it('waits for the https health URL of a serve with a self-signed certificate, then stops it', async () => {
    const port = await freePort();
    const pid = await startDetached(entry, ['--http-port', String(port)], join(dir, 'state'), `https://127.0.0.1:${port}/healthz`);
    expect(pid).toBeGreaterThan(0);
    expect(await stopDetached(join(dir, 'state'), 5000)).toBe(true);
  });
});
