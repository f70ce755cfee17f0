import { execFile } from 'node:child_process';
import dgram from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dispatch } from '../../src/dns/dispatch.js';
import { ReplyCache } from '../../src/dns/reply-cache.js';
import { DnsServer } from '../../src/dns/server.js';
import { StaticZone } from '../../src/dns/static-zone.js';
import type { DnsRecord } from '../../src/dns/types.js';
import { listenUdpNative, udpBatchAddon } from '../../src/dns/udp-native.js';
import type { UdpListener } from '../../src/dns/udp.js';
import { parseDnsIo } from '../../src/dns/workers-option.js';
import { waitFor } from '../../src/util/wait.js';

// No skip when the addon is missing: scripts/test.sh builds it, and a build that silently fell back
// to dgram would leave the native path untested.
const addon = udpBatchAddon();
const binding = addon.binding!;

const soa = { mname: 'ns1.example.test', rname: 'hostmaster.example.test', serial: 7, refresh: 60, retry: 30, expire: 3600, minimum: 5 };
const records: DnsRecord[] = [
  { name: 'ns1.example.test', type: 'A', ttl: 60, data: '127.0.0.1' },
  { name: 'web.example.test', type: 'A', ttl: 5, data: '10.0.0.1' },
  { name: 'web.example.test', type: 'AAAA', ttl: 5, data: 'fd00::1' },
  { name: '_http._tcp.web.example.test', type: 'SRV', ttl: 5, data: { priority: 0, weight: 5, port: 80, target: 'web.example.test' } },
  // 40 A records (~640 bytes of answers): over 512 without EDNS (TC), inside 1232 with it.
  ...Array.from({ length: 40 }, (_, i): DnsRecord => ({ name: 'many.example.test', type: 'A', ttl: 5, data: `10.1.0.${i + 1}` })),
  // 30 TXT records of 200 bytes: larger than any UDP reply allowed (TC even with EDNS 4096).
  ...Array.from({ length: 30 }, (_, i): DnsRecord => ({ name: 'huge.example.test', type: 'TXT', ttl: 5, data: [`${i}`.padEnd(200, 'x')] })),
];

/** Raw queries: answers, NODATA, NXDOMAIN, REFUSED, truncation with and without EDNS, ANY, and malformed bytes. */
function queries(): Buffer[] {
  const q = (id: number, name: string, type: string, edns?: number, flags = 0): Buffer => Buffer.from(dnsPacket.encode({
    type: 'query', id, flags, questions: [{ name, type: type as 'A' }],
    additionals: edns ? [{ type: 'OPT', name: '.', udpPayloadSize: edns, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] } as never] : [],
  }));
  return [
    q(1, 'web.example.test', 'A'), q(2, 'web.example.test', 'AAAA', 1232), q(3, 'web.example.test', 'TXT'),
    q(4, 'nope.example.test', 'A'), q(5, 'nope.example.test', 'A', 4096), q(6, 'www.elsewhere.test', 'A'),
    q(7, 'many.example.test', 'A'), q(8, 'many.example.test', 'A', 1232), q(9, 'huge.example.test', 'TXT', 4096),
    q(10, 'huge.example.test', 'TXT'), q(11, '_http._tcp.web.example.test', 'SRV', 1232), q(12, 'web.example.test', 'ANY'),
    q(13, 'web.example.test', 'A', 1232, dnsPacket.RECURSION_DESIRED), q(14, 'WEB.Example.TEST', 'A'),
    Buffer.from([0, 15, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 0x77]), // question cut short: FORMERR
    Buffer.from([0, 16, 1]), // shorter than a header: no reply
  ];
}

/** A client socket that keeps every datagram it gets. */
async function client(type: 'udp4' | 'udp6' = 'udp4', address = type === 'udp4' ? '127.0.0.1' : '::1'): Promise<{ socket: dgram.Socket; got: Buffer[]; port: number }> {
  const socket = dgram.createSocket(type);
  const got: Buffer[] = [];
  socket.on('message', (msg) => got.push(msg));
  await new Promise<void>((resolve) => socket.bind(0, address, resolve));
  return { socket, got, port: socket.address().port };
}

/** Sends each query and waits for its reply (or `quiet` ms of silence); the replies in order. */
async function ask(port: number, packets: Buffer[], quiet = 300): Promise<Array<string | undefined>> {
  const c = await client();
  try {
    const out: Array<string | undefined> = [];
    for (const p of packets) {
      const before = c.got.length;
      c.socket.send(p, port, '127.0.0.1');
      const started = Date.now();
      while (c.got.length === before && Date.now() - started < quiet) await new Promise((r) => setTimeout(r, 5));
      out.push(c.got[before]?.toString('hex'));
    }
    return out;
  } finally {
    c.socket.close();
  }
}

describe('native UDP I/O (native/udp-batch)', () => {
  it('is built and loads (scripts/test.sh builds it with npm install)', () => {
    expect(addon.error).toBeUndefined();
    expect(binding.BATCH).toBeGreaterThan(1);
  });

  describe('a DnsServer on the addon answers byte for byte as one on dgram', () => {
    const servers: DnsServer[] = [];
    let nodePort = 0;
    let nativePort = 0;
    beforeAll(async () => {
      for (const udpIo of ['node', 'native'] as const) {
        // Each with a reply cache, as the workers run: the second ask of a query is a cache hit.
        const server = new DnsServer({ zones: [new StaticZone({ origin: 'example.test', soa, nameservers: ['ns1.example.test'], records })], udpIo, replyCache: new ReplyCache() });
        const { port } = await server.start();
        expect(server.udpIo).toBe(udpIo);
        servers.push(server);
        if (udpIo === 'node') nodePort = port;
        else nativePort = port;
      }
    });
    afterAll(async () => {
      await Promise.all(servers.map((s) => s.stop()));
    });

    it('for answers, NODATA, NXDOMAIN, REFUSED, TC with and without EDNS, ANY and FORMERR, cached or not', async () => {
      const packets = [...queries(), ...queries()];
      const [viaNode, viaNative] = [await ask(nodePort, packets), await ask(nativePort, packets)];
      expect(viaNative).toEqual(viaNode);
      // The table means something: real answers, TC set where the reply did not fit, no reply to 3 bytes.
      const decode = (hex: string | undefined) => dnsPacket.decode(Buffer.from(hex!, 'hex')) as ReturnType<typeof dnsPacket.decode> & { rcode?: string };
      const decoded = viaNative.slice(0, 14).map(decode);
      expect(decoded.map((d) => d.rcode)).toEqual(['NOERROR', 'NOERROR', 'NOERROR', 'NXDOMAIN', 'NXDOMAIN', 'REFUSED', 'NOERROR', 'NOERROR', 'NOERROR', 'NOERROR', 'NOERROR', 'NOERROR', 'NOERROR', 'NOERROR']);
      expect(decoded.map((d) => d.flag_tc)).toEqual([false, false, false, false, false, false, true, false, true, true, false, false, false, false]);
      expect(decoded[7]!.answers).toHaveLength(40);
      expect(decode(viaNative[14]).rcode).toBe('FORMERR');
      expect(viaNative[15]).toBeUndefined();
    });
  });

  it('--dns-io takes native or node, and nothing else', () => {
    expect([parseDnsIo(undefined), parseDnsIo('native'), parseDnsIo('node')]).toEqual([undefined, 'native', 'node']);
    expect(() => parseDnsIo('fast')).toThrow(/--dns-io: expected native or node/);
  });

  it('asked for node, a DnsServer reads with dgram and reports no fallback', async () => {
    const server = new DnsServer({ udpIo: 'node' });
    await server.start();
    try {
      expect([server.udpIo, server.udpIoFallback]).toEqual(['node', undefined]);
    } finally {
      await server.stop();
    }
  });

  it('falls back to dgram, saying why, when the addon cannot load', async () => {
    const support = (f: string) => fileURLToPath(new URL(`../support/${f}`, import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', support('hide-udp-batch.mjs'), '--import', 'tsx', support('dns-udp-fallback-child.ts')], { timeout: 60_000 });
    const seen = JSON.parse(stdout.trim()) as { udpIo: string; fallback?: string; rcode: string };
    expect(seen).toEqual({ udpIo: 'node', fallback: expect.stringMatching(/^UDP I\/O addon not loaded \(Cannot find module '@meridian\/udp-batch'.*\); using Node's dgram$/), rcode: 'NOERROR' });
  });

  describe('listener', () => {
    const open: UdpListener[] = [];
    const sockets: dgram.Socket[] = [];
    afterAll(async () => {
      for (const s of sockets) s.close();
      await Promise.all(open.map((l) => l.close()));
    });
    const echo = (tag: string): Dispatch => (query, ctx, send) => send(Buffer.concat([Buffer.from(`${tag} ${ctx.clientAddress}:${ctx.clientPort} `), query]), ctx);
    const listen = (address: string, port: number, reusePort: boolean, dispatch: Dispatch): UdpListener => {
      const l = listenUdpNative(binding, address, port, reusePort, dispatch, () => undefined);
      open.push(l);
      return l;
    };

    it('shares one port between SO_REUSEPORT sockets, the kernel spreading clients over them', async () => {
      const a = listen('127.0.0.1', 0, true, echo('a'));
      listen('127.0.0.1', a.port, true, echo('b'));
      const clients = await Promise.all(Array.from({ length: 24 }, () => client()));
      sockets.push(...clients.map((c) => c.socket));
      for (const c of clients) c.socket.send('q', a.port, '127.0.0.1');
      await waitFor(() => clients.every((c) => c.got.length === 1), { timeoutMs: 10_000, intervalMs: 10, what: 'a reply to every client' });
      const tags = new Set(clients.map((c) => c.got[0]!.toString().split(' ')[0]));
      // 24 source ports hashed over two sockets: both answer (all on one: 2^-23).
      expect(tags).toEqual(new Set(['a', 'b']));
      for (const c of clients) expect(c.got[0]!.toString()).toMatch(new RegExp(`^[ab] 127\\.0\\.0\\.1:${c.port} q$`));
    });

    it('binds exclusively without reusePort: a taken port fails EADDRINUSE, as dgram', async () => {
      const first = listen('127.0.0.1', 0, false, echo('x'));
      expect(() => listen('127.0.0.1', first.port, false, echo('y'))).toThrow(/EADDRINUSE|in use/i);
      expect(() => listen('127.0.0.1', first.port, true, echo('y'))).toThrow(/in use/i);
    });

    it('closes, and the port can be bound again at once', async () => {
      const first = listen('127.0.0.1', 0, false, echo('old'));
      const port = first.port;
      await first.close();
      await first.close(); // idempotent
      const again = listen('127.0.0.1', port, false, echo('new'));
      expect(again.port).toBe(port);
      const c = await client();
      sockets.push(c.socket);
      c.socket.send('q', port, '127.0.0.1');
      await waitFor(() => c.got.length === 1, { timeoutMs: 10_000, intervalMs: 10, what: 'the reopened socket to answer' });
      expect(c.got[0]!.toString()).toBe(`new 127.0.0.1:${c.port} q`);
    });

    it('serves IPv6 with the address as Node prints it', async () => {
      const l = listen('::1', 0, false, echo('v6'));
      const c = await client('udp6');
      sockets.push(c.socket);
      c.socket.send('q', l.port, '::1');
      await waitFor(() => c.got.length === 1, { timeoutMs: 10_000, intervalMs: 10, what: 'the IPv6 reply' });
      expect(c.got[0]!.toString()).toBe(`v6 ::1:${c.port} q`);
    });

    it('drops a datagram larger than a slot, sends replies larger than a slot and replies sent after the batch', async () => {
      const l = listen('127.0.0.1', 0, false, (query, ctx, send) => {
        if (query.toString() === 'big') return send(Buffer.alloc(binding.SEND_SLOT + 1000, 0x61), ctx);
        if (query.toString() === 'later') return void setTimeout(() => send(Buffer.from('late'), ctx), 20);
        send(Buffer.from(`len ${query.length}`), ctx);
      });
      const c = await client();
      sockets.push(c.socket);
      c.socket.send(Buffer.alloc(binding.SLOT + 1, 1), l.port, '127.0.0.1'); // truncated by the kernel: dropped
      c.socket.send(Buffer.alloc(binding.SLOT, 2), l.port, '127.0.0.1'); // exactly a slot: handled
      c.socket.send('big', l.port, '127.0.0.1');
      c.socket.send('later', l.port, '127.0.0.1');
      await waitFor(() => c.got.length === 3, { timeoutMs: 10_000, intervalMs: 10, what: 'three replies', onTimeout: () => c.got.map((g) => g.length).join(',') });
      // The large reply leaves at once, the batch's replies after the batch: UDP promises no order.
      expect(c.got.map((g) => (g.length > 100 ? `${g.length} bytes` : g.toString())).sort()).toEqual([`${binding.SEND_SLOT + 1000} bytes`, 'late', `len ${binding.SLOT}`]);
    });
  });
});
