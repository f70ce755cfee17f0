import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { query } from '../../src/traffic/dnsclient.js';
import type { TsigKey } from '../../src/traffic/tsig.js';
import { waitFor } from '../../src/util/wait.js';
import { freePort } from './envtest.js';

/** A real BIND9 primary started by a test on loopback, with one dynamic zone that a TSIG key may update. */
export interface BindServer {
  port: number;
  zone: string;
  key: TsigKey;
  pid: number;
  /** named's output so far, for diagnostics. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts `named -g` in a temp dir; the zone holds only SOA, NS and the name server's glue. */
export async function startBind(zone: string): Promise<BindServer> {
  const dir = await mkdtemp(join(tmpdir(), 'meridian-bind-'));
  const port = await freePort();
  const key: TsigKey = { name: 'meridian-edge', algorithm: 'hmac-sha256', secret: randomBytes(32) };
  await writeFile(join(dir, 'zone.db'), [
    '$TTL 30',
    `@ IN SOA ns1.${zone}. hostmaster.${zone}. 1 60 30 86400 30`,
    `@ IN NS ns1.${zone}.`,
    'ns1 IN A 127.0.0.1',
    '',
  ].join('\n'));
  await writeFile(join(dir, 'named.conf'), `
options {
  directory "${dir}";
  pid-file "${dir}/named.pid";
  session-keyfile "${dir}/session.key";
  listen-on port ${port} { 127.0.0.1; };
  listen-on-v6 { none; };
  recursion no;
  dnssec-validation no;
  allow-query { any; };
};
key "${key.name}" { algorithm hmac-sha256; secret "${key.secret.toString('base64')}"; };
controls { };
zone "${zone}" { type primary; file "${dir}/zone.db"; journal "${dir}/zone.jnl"; allow-update { key "${key.name}"; }; };
`);
  const child: ChildProcess = spawn('/usr/sbin/named', ['-g', '-n', '1', '-c', join(dir, 'named.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
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
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`named exited with ${child.exitCode}`);
      return (await query({ host: '127.0.0.1', port }, zone, 'SOA', { timeoutMs: 300 })).answers?.length;
    }, { timeoutMs: 20_000, intervalMs: 200, what: `named on 127.0.0.1:${port} serving ${zone}`, onTimeout: () => out.slice(-2000) });
  } catch (err) {
    await stop();
    throw err;
  }
  return { port, zone, key, pid: child.pid ?? 0, output: () => out, stop };
}
