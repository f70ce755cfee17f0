import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createHttp } from '../../src/serve/http.js';
import { loadHttpSecurity, parseDnsRrl } from '../../src/serve/exposure.js';
import { parseServeOptions } from '../../src/serve/options.js';

const dir = mkdtempSync(join(tmpdir(), 'meridian-exposure-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const TOKEN = 's3cret-token-0123456789abcdef';
const tokenFile = join(dir, 'token');
writeFileSync(tokenFile, `${TOKEN}\n`);
const cert = join(dir, 'tls.crt');
const key = join(dir, 'tls.key');
execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
const state = { registry: () => undefined, isLeader: () => true, identity: 'test' };

describe('serve exposure flags', () => {
  it('refuses a non-loopback HTTP address without TLS and a token, naming what is missing', () => {
    expect(() => parseServeOptions({ httpAddress: '0.0.0.0' }, {}, 'h')).toThrow(/--http-address 0\.0\.0\.0 is not a loopback address.*--http-tls-cert and --http-tls-key and --http-token-file/);
    expect(() => parseServeOptions({ httpAddress: '::', httpTlsCert: cert, httpTlsKey: key }, {}, 'h')).toThrow(/requires --http-token-file/);
    expect(() => parseServeOptions({ httpAddress: '192.0.2.1', httpTokenFile: tokenFile }, {}, 'h')).toThrow(/requires --http-tls-cert/);
    expect(() => parseServeOptions({ httpTlsCert: cert }, {}, 'h')).toThrow(/must be given together/);
    expect(parseServeOptions({ httpAddress: '0.0.0.0', httpTlsCert: cert, httpTlsKey: key, httpTokenFile: tokenFile }, {}, 'h').httpExposure.httpTokenFile).toBe(tokenFile);
    expect(parseServeOptions({ httpAddress: '127.0.0.1' }, {}, 'h').httpExposure).toEqual({});
  });

  it('reads the token without ever putting it in an error', () => {
    const weak = join(dir, 'weak');
    writeFileSync(weak, 'short');
    expect(() => loadHttpSecurity({ httpTokenFile: weak })).toThrow(/at least 16/);
    try {
      loadHttpSecurity({ httpTokenFile: weak });
    } catch (err) {
      expect((err as Error).message).not.toContain('short');
    }
    expect(() => loadHttpSecurity({ httpTokenFile: join(dir, 'missing') })).toThrow(/--http-token-file .*missing: cannot read it \(ENOENT\)/);
    expect(loadHttpSecurity({ httpTokenFile: tokenFile }).token).toBe(TOKEN);
  });

  it('parses and checks the DNS RRL flags', () => {
    expect(parseDnsRrl({})).toBeUndefined();
    expect(parseDnsRrl({ dnsRrl: false })).toBe(false);
    expect(parseDnsRrl({ dnsRrlRate: '10', dnsRrlSlip: '0' })).toEqual({ responsesPerSecond: 10, slip: 0 });
    expect(() => parseDnsRrl({ dnsRrlIpv4Prefix: '40' })).toThrow(/ipv4PrefixLength/);
    expect(() => parseServeOptions({ dnsRrlRate: 'many' }, {}, 'h')).toThrow(/--dns-rrl-rate/);
  });
});

describe('HTTP API with a bearer token', () => {
  it('leaves health probes open and refuses the API without the right token', async () => {
    const { http } = createHttp(state, { token: TOKEN });
    http.get('/api/v1/webhook-like', { config: { public: true } }, async () => ({ ok: true }));
    const get = (url: string, authorization?: string) => http.inject({ method: 'GET', url, headers: authorization ? { authorization } : {} });
    expect((await get('/healthz')).statusCode).toBe(200);
    expect((await get('/readyz')).statusCode).toBe(503); // open: not ready (no registry), not 401
    expect((await get('/api/v1/webhook-like')).statusCode).toBe(200);
    expect((await get('/api/v1/leader')).statusCode).toBe(401);
    expect((await get('/metrics')).statusCode).toBe(401);
    expect((await get('/api/v1/leader', `Bearer ${TOKEN}x`)).statusCode).toBe(401);
    expect((await get('/api/v1/leader', `Basic ${TOKEN}`)).statusCode).toBe(401);
    const denied = await get('/api/v1/leader?x=/healthz', 'Bearer wrong');
    expect(denied.statusCode).toBe(401);
    expect(denied.body).not.toContain(TOKEN);
    expect((await get('/api/v1/leader', `Bearer ${TOKEN}`)).json()).toEqual({ identity: 'test', leader: true });
    await http.close();
  });

  it('serves HTTPS with the given certificate', async () => {
    const { http } = createHttp(state, loadHttpSecurity({ httpTlsCertFile: cert, httpTlsKeyFile: key, httpTokenFile: tokenFile }));
    await http.listen({ host: '127.0.0.1', port: 0 });
    const port = (http.server.address() as { port: number }).port;
    const status = (path: string, token?: string) => new Promise<number>((resolve, reject) => {
      https.get({ host: '127.0.0.1', port, path, ca: execFileSync('cat', [cert]), headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject);
    });
    try {
      expect(await status('/healthz')).toBe(200);
      expect(await status('/api/v1/leader')).toBe(401);
      expect(await status('/api/v1/leader', TOKEN)).toBe(200);
    } finally {
      await http.close();
    }
  });
});
