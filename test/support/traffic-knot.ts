import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TsigKey } from '../../src/traffic/tsig.js';
import type { BindServer } from './traffic-bind.js';
import { freePort } from './envtest.js';
import { superviseEdgeServer } from './traffic-pdns.js';

/**
 * Starts a real Knot DNS (knotd) on loopback with one zone that a TSIG key may update: an ACL
 * with the key and `action: update` on the zone, as Knot's docs require.
 */
export async function startKnot(zone: string): Promise<BindServer> {
  const dir = await mkdtemp(join(tmpdir(), 'meridian-knot-'));
  const port = await freePort();
  await mkdir(join(dir, 'db')); // the journal lives here; knotd does not create it and DDNS fails with 'not exists'
  const key: TsigKey = { name: 'meridian-edge', algorithm: 'hmac-sha256', secret: randomBytes(32) };
  await writeFile(join(dir, `${zone}.zone`), [
    `$ORIGIN ${zone}.`, '$TTL 30', `@ IN SOA ns1.${zone}. hostmaster.${zone}. 1 60 30 86400 30`, `@ IN NS ns1.${zone}.`, 'ns1 IN A 127.0.0.1', '',
  ].join('\n'));
  await writeFile(join(dir, 'knot.conf'), `
server:
    listen: 127.0.0.1@${port}
    rundir: "${dir}"
database:
    storage: "${dir}/db"
log:
  - target: stderr
    any: info
key:
  - id: ${key.name}
    algorithm: hmac-sha256
    secret: ${key.secret.toString('base64')}
acl:
  - id: meridian-update
    key: ${key.name}
    action: update
template:
  - id: default
    storage: "${dir}"
    zonefile-sync: -1
    journal-content: changes
zone:
  - domain: ${zone}
    file: "${zone}.zone"
    acl: meridian-update
`);
  const child: ChildProcess = spawn('/usr/sbin/knotd', ['-c', join(dir, 'knot.conf')], { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: '/usr/sbin:/usr/bin:/bin' } });
  return superviseEdgeServer(child, { dir, port, zone, key, name: 'knotd' });
}
