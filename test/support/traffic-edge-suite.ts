import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EdgeSync } from '../../src/traffic/edge.js';
import { exchange } from '../../src/traffic/dnsclient.js';
import { buildUpdate } from '../../src/traffic/update.js';
import { silentLogger } from '../../src/util/log.js';
import { waitFor } from '../../src/util/wait.js';
import type { BindServer } from './traffic-bind.js';

const ZONE = 'global.example.test';

function dig(server: BindServer, name: string, type = 'A'): string[] {
  const r = spawnSync('dig', ['@127.0.0.1', '-p', String(server.port), '+short', '+time=2', '+tries=1', name, type], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`dig failed (${r.status}): ${r.stdout}${r.stderr}`);
  return r.stdout.split('\n').filter(Boolean).sort();
}

/**
 * The RFC 2136 + TSIG contract against a real primary (PowerDNS, Knot): push, change, read back
 * with dig, repair drift, delete names no longer wanted, and be refused with a wrong key.
 */
export function edgeServerSuite(product: string, start: (zone: string) => Promise<BindServer>): void {
  describe(`RFC 2136 updates signed with TSIG, against a real ${product}`, () => {
    let server: BindServer;
    let edge: EdgeSync;

    beforeAll(async () => {
      server = await start(ZONE);
      edge = new EdgeSync({ server: { host: '127.0.0.1', port: server.port }, zone: ZONE, key: server.key }, silentLogger);
    });
    afterAll(async () => {
      edge?.stop();
      await server?.stop();
    });

    it('pushes A and AAAA records, dig shows them change on failover, a second push is a no-op', async () => {
      expect(dig(server, `web.${ZONE}`)).toEqual([]);
      const first = await edge.push([{ name: `web.${ZONE}`, ttl: 5, addresses: ['127.0.13.1', 'fd00::13:1'] }]);
      expect(first.updated).toEqual([`web.${ZONE}`]);
      expect(dig(server, `web.${ZONE}`)).toEqual(['127.0.13.1']);
      expect(dig(server, `web.${ZONE}`, 'AAAA')).toEqual(['fd00::13:1']);
      await edge.push([{ name: `web.${ZONE}`, ttl: 5, addresses: ['127.0.13.2'] }]);
      expect(dig(server, `web.${ZONE}`)).toEqual(['127.0.13.2']);
      expect(dig(server, `web.${ZONE}`, 'AAAA')).toEqual([]);
      expect(await edge.push([{ name: `web.${ZONE}`, ttl: 5, addresses: ['127.0.13.2'] }])).toEqual({ updated: [], inSync: [`web.${ZONE}`] });
    });

    it('repairs drift and deletes names no longer wanted', async () => {
      await edge.push([{ name: `api.${ZONE}`, ttl: 5, addresses: ['127.0.13.1', '127.0.13.3'] }, { name: `web.${ZONE}`, ttl: 5, addresses: ['127.0.13.2'] }]);
      const hand = await exchange({ host: '127.0.0.1', port: server.port }, buildUpdate(ZONE, [{ name: `api.${ZONE}`, ttl: 5, addresses: ['127.0.13.9'] }]), { tsig: server.key, tcp: true });
      expect(hand.rcode).toBe('NOERROR');
      expect(dig(server, `api.${ZONE}`)).toEqual(['127.0.13.9']);
      edge.startRepair(200);
      await waitFor(() => dig(server, `api.${ZONE}`).join() === '127.0.13.1,127.0.13.3', { timeoutMs: 15_000, intervalMs: 100, what: 'drift repaired', onTimeout: () => dig(server, `api.${ZONE}`).join() });
      edge.stop();
      const r = await edge.push([{ name: `web.${ZONE}`, ttl: 5, addresses: ['127.0.13.2'] }]);
      // A repair pass queued before stop() runs first with the new desired state and may delete the name itself.
      expect([[`api.${ZONE}`], []]).toContainEqual(r.updated);
      expect(dig(server, `api.${ZONE}`)).toEqual([]);
      expect(dig(server, `web.${ZONE}`)).toEqual(['127.0.13.2']);
    });

    it('is refused with a wrong key, and says why without printing the secret', async () => {
      const wrong = { ...server.key, secret: Buffer.alloc(32, 7) };
      const bad = new EdgeSync({ server: { host: '127.0.0.1', port: server.port }, zone: ZONE, key: wrong }, silentLogger);
      const err = await bad.push([{ name: `web.${ZONE}`, ttl: 5, addresses: ['127.0.13.7'] }]).catch((e: Error) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toMatch(/NOTAUTH|REFUSED|TSIG|refused/);
      expect((err as Error).message).not.toContain(wrong.secret.toString('base64'));
      expect(dig(server, `web.${ZONE}`)).toEqual(['127.0.13.2']);
    });
  });
}
