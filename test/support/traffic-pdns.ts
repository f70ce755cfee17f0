import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { query } from '../../src/traffic/dnsclient.js';
import type { TsigKey } from '../../src/traffic/tsig.js';
import { waitFor } from '../../src/util/wait.js';
import type { BindServer } from './traffic-bind.js';
import { freePort } from './envtest.js';

const run = promisify(execFile);
const SCHEMA = '/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql';

/**
 * Starts a real PowerDNS Authoritative (gsqlite3 backend) on loopback with one zone that a TSIG
 * key may update: `dnsupdate=yes`, `allow-dnsupdate-from` loopback, and the zone's
 * TSIG-ALLOW-DNSUPDATE metadata naming the key, as PowerDNS's docs require.
 */
export async function startPowerDns(zone: string): Promise<BindServer> {
  const dir = await mkdtemp(join(tmpdir(), 'meridian-pdns-'));
  const port = await freePort();
  const key: TsigKey = { name: 'meridian-edge', algorithm: 'hmac-sha256', secret: randomBytes(32) };
  const db = join(dir, 'pdns.sqlite3');
  const env = { PATH: '/usr/sbin:/usr/bin:/bin' };
  await run('sqlite3', ['-init', SCHEMA, db, '.quit'], { env });
  await writeFile(join(dir, 'pdns.conf'), [
    'launch=gsqlite3', `gsqlite3-database=${db}`, 'local-address=127.0.0.1', `local-port=${port}`,
    'dnsupdate=yes', 'allow-dnsupdate-from=127.0.0.0/8', `socket-dir=${dir}`, 'guardian=no', 'daemon=no',
    'disable-syslog=yes', 'webserver=no', 'api=no', 'loglevel=6', 'cache-ttl=0', 'negquery-cache-ttl=0', 'query-cache-ttl=0', '',
  ].join('\n'));
  await writeFile(join(dir, 'zone.db'), [
    `$ORIGIN ${zone}.`, '$TTL 30', `@ IN SOA ns1.${zone}. hostmaster.${zone}. 1 60 30 86400 30`, `@ IN NS ns1.${zone}.`, 'ns1 IN A 127.0.0.1', '',
  ].join('\n'));
  const pdnsutil = (...args: string[]) => run('pdnsutil', [`--config-dir=${dir}`, ...args], { env });
  await pdnsutil('load-zone', zone, join(dir, 'zone.db'));
  await pdnsutil('import-tsig-key', key.name, 'hmac-sha256', key.secret.toString('base64'));
  await pdnsutil('set-meta', zone, 'TSIG-ALLOW-DNSUPDATE', key.name);
  const child: ChildProcess = spawn('/usr/sbin/pdns_server', [`--config-dir=${dir}`], { stdio: ['ignore', 'pipe', 'pipe'], env });
  return superviseEdgeServer(child, { dir, port, zone, key, name: 'pdns_server' });
}

/** Waits until the server answers the zone's SOA; stops it (and removes dir) on failure or stop(). */
export async function superviseEdgeServer(child: ChildProcess, o: { dir: string; port: number; zone: string; key: TsigKey; name: string }): Promise<BindServer> {
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    await rm(o.dir, { recursive: true, force: true });
  };
  try {
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`${o.name} exited with ${child.exitCode}`);
      return (await query({ host: '127.0.0.1', port: o.port }, o.zone, 'SOA', { timeoutMs: 300 })).answers?.length;
    }, { timeoutMs: 20_000, intervalMs: 200, what: `${o.name} on 127.0.0.1:${o.port} serving ${o.zone}`, onTimeout: () => out.slice(-2000) });
  } catch (err) {
    await stop();
    throw err;
  }
  return { port: o.port, zone: o.zone, key: o.key, pid: child.pid ?? 0, output: () => out, stop };
}
