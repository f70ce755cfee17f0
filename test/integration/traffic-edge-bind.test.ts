import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EdgeSync } from '../../src/traffic/edge.js';
import { exchange } from '../../src/traffic/dnsclient.js';
import { buildUpdate } from '../../src/traffic/update.js';
import { silentLogger } from '../../src/util/log.js';
import { waitFor } from '../../src/util/wait.js';
import { startBind, type BindServer } from '../support/traffic-bind.js';

const ZONE = 'global.example.test';

function dig(bind: BindServer, name: string, type = 'A'): string[] {
  const r = spawnSync('dig', [`@127.0.0.1`, '-p', String(bind.port), '+short', '+time=2', '+tries=1', name, type], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`dig failed (${r.status}): ${r.stdout}${r.stderr}`);
  return r.stdout.split('\n').filter(Boolean).sort();
}

describe('RFC 2136 updates signed with TSIG, against a real BIND9', () => {
  let bind: BindServer;
  let edge: EdgeSync;

  beforeAll(async () => {
    bind = await startBind(ZONE);
    edge = new EdgeSync({ server: { host: '127.0.0.1', port: bind.port }, zone: ZONE, key: bind.key }, silentLogger);
  });
  afterAll(async () => {
    edge?.stop();
    await bind?.stop();
  });

  it('pushes the records and dig @named shows them change on failover', async () => {
    expect(dig(bind, `web.${ZONE}`)).toEqual([]);
    const first = await edge.push([{ name: `web.${ZONE}`, ttl: 5, addresses: ['127.0.13.1'] }]);
    expect(first.updated).toEqual([`web.${ZONE}`]);
    expect(dig(bind, `web.${ZONE}`)).toEqual(['127.0.13.1']);
    // Failover: us-east's address is replaced by eu-west's.
    await edge.push([{ name: `web.${ZONE}`, ttl: 5, addresses: ['127.0.13.2'] }]);
    expect(dig(bind, `web.${ZONE}`)).toEqual(['127.0.13.2']);
    const again = await edge.push([{ name: `web.${ZONE}`, ttl: 5, addresses: ['127.0.13.2'] }]);
    expect(again).toEqual({ updated: [], inSync: [`web.${ZONE}`] });
  });

  it('repairs drift: a record changed behind Meridian\'s back is put back, names no longer wanted are deleted', async () => {
    await edge.push([{ name: `api.${ZONE}`, ttl: 5, addresses: ['127.0.13.1', '127.0.13.3'] }, { name: `web.${ZONE}`, ttl: 5, addresses: ['127.0.13.2'] }]);
    // Someone rewrites api by hand with the same key.
    await exchange({ host: '127.0.0.1', port: bind.port }, buildUpdate(ZONE, [{ name: `api.${ZONE}`, ttl: 5, addresses: ['127.0.13.9'] }]), { tsig: bind.key });
    expect(dig(bind, `api.${ZONE}`)).toEqual(['127.0.13.9']);
    edge.startRepair(200);
    const deadline = Date.now() + 5000;
    while (dig(bind, `api.${ZONE}`).join() !== '127.0.13.1,127.0.13.3' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(dig(bind, `api.${ZONE}`)).toEqual(['127.0.13.1', '127.0.13.3']);
    edge.stop();
    const r = await edge.push([{ name: `web.${ZONE}`, ttl: 5, addresses: ['127.0.13.2'] }]);
    expect(r.updated).toEqual([`api.${ZONE}`]);
    expect(dig(bind, `api.${ZONE}`)).toEqual([]);
  });

  it('is refused with a wrong key, and says why without printing the secret', async () => {
    const wrong = { ...bind.key, secret: Buffer.alloc(32, 7) };
    const bad = new EdgeSync({ server: { host: '127.0.0.1', port: bind.port }, zone: ZONE, key: wrong }, silentLogger);
    const err = await bad.push([{ name: `web.${ZONE}`, ttl: 5, addresses: ['127.0.13.7'] }]).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/NOTAUTH|TSIG|refused/);
    expect((err as Error).message).not.toContain(wrong.secret.toString('base64'));
    expect(dig(bind, `web.${ZONE}`)).toEqual(['127.0.13.2']);
    // named writes its log a moment after it answers.
    const refusedInLog = /update.*(denied|failed|BADSIG)|tsig verify failure|signature failed to verify/i;
    await waitFor(() => refusedInLog.test(bind.output()), { timeoutMs: 5000, intervalMs: 50, what: 'named to log the refused update', onTimeout: () => bind.output().slice(-1500) });
  });
});
