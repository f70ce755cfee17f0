import dnsPacket, { type DecodedPacket } from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { createDispatch } from '../../src/dns/dispatch.js';
import { handleQuery } from '../../src/dns/handler.js';
import { noDnsMetrics, type DnsDropReason } from '../../src/dns/metrics.js';
import { ReplyCache } from '../../src/dns/reply-cache.js';
import { ZoneRouter } from '../../src/dns/router.js';
import { ResponseRateLimiter, clientPrefix, rrlOptions } from '../../src/dns/rrl.js';
import { DnsServer } from '../../src/dns/server.js';
import { StaticZone } from '../../src/dns/static-zone.js';
import type { QueryContext } from '../../src/dns/types.js';
import { isLoopbackAddress } from '../../src/util/loopback.js';

const soa = { mname: 'ns1.example.test', rname: 'hostmaster.example.test', serial: 1, refresh: 60, retry: 30, expire: 3600, minimum: 5 };
const zone = new StaticZone({
  origin: 'example.test', soa, nameservers: ['ns1.example.test'],
  records: [
    { name: 'www.example.test', type: 'A', ttl: 30, data: '192.0.2.1' },
    { name: 'www.example.test', type: 'A', ttl: 30, data: '192.0.2.2' },
    { name: 'www.example.test', type: 'AAAA', ttl: 30, data: '2001:db8::1' },
    { name: 'www.example.test', type: 'TXT', ttl: 30, data: ['x'.repeat(200)] },
    { name: 'other.example.test', type: 'A', ttl: 30, data: '192.0.2.3' },
  ],
});
const router = new ZoneRouter([zone]);
const ctx = (clientAddress: string, transport: 'udp' | 'tcp' = 'udp'): QueryContext => ({ clientAddress, clientPort: 4000, localAddress: '192.0.2.53', localPort: 53, transport });
const query = (name: string, type = 'A'): Buffer => dnsPacket.encode({ type: 'query', id: 7, questions: [{ name, type: type as 'A' }] });

describe('response-rate limiter', () => {
  it('groups clients by /24 and /56 prefix', () => {
    const o = rrlOptions();
    expect(clientPrefix('192.0.2.77', o)).toBe('192.0.2.0/24');
    expect(clientPrefix('::ffff:192.0.2.77', o)).toBe('192.0.2.0/24');
    expect(clientPrefix('2001:db8:1:2ff:1::5', o)).toBe(clientPrefix('2001:db8:1:200::1', o));
    expect(clientPrefix('2001:db8:1:2ff::1', o)).not.toBe(clientPrefix('2001:db8:1:300::1', o));
  });

  it('sends the allowance, then drops and slips every Nth, per prefix and per answer', () => {
    const rrl = new ResponseRateLimiter({ responsesPerSecond: 5, windowSeconds: 2, slip: 2 });
    const verdicts = Array.from({ length: 10 }, () => rrl.check('198.51.100.9', 'www:1', 0));
    expect(verdicts).toEqual(['send', 'send', 'send', 'send', 'send', 'drop', 'slip', 'drop', 'slip', 'drop']);
    expect(rrl.check('198.51.100.200', 'www:1', 0), 'same /24 shares the account').not.toBe('send');
    expect(rrl.check('198.51.101.9', 'www:1', 0), 'another /24 has its own').toBe('send');
    expect(rrl.check('198.51.100.9', 'other:1', 0), 'another answer has its own').toBe('send');
    // Credit returns at the rate: the debt (capped at one window) is repaid after the window.
    expect(rrl.check('198.51.100.9', 'www:1', 1000)).not.toBe('send');
    expect(rrl.check('198.51.100.9', 'www:1', 2000 + 1000)).toBe('send');
  });

  it('never slips with slip 0 and refuses bad settings naming the field', () => {
    const rrl = new ResponseRateLimiter({ responsesPerSecond: 1, slip: 0 });
    expect(Array.from({ length: 5 }, () => rrl.check('10.0.0.1', 'k', 0))).toEqual(['send', 'drop', 'drop', 'drop', 'drop']);
    expect(() => rrlOptions({ responsesPerSecond: 0 })).toThrow(/responsesPerSecond/);
    expect(() => rrlOptions({ ipv6PrefixLength: 200 })).toThrow(/ipv6PrefixLength/);
  });

  it('forgets the least recently used accounts past maxEntries', () => {
    const rrl = new ResponseRateLimiter({ maxEntries: 3 });
    for (let i = 0; i < 10; i++) rrl.check(`10.0.${i}.1`, 'k', 0);
    expect(rrl.size).toBe(3);
  });

  it('keeps an account in its place in the eviction order for a second after it moved (no map delete and set per reply)', () => {
    const rrl = new ResponseRateLimiter({ maxEntries: 2, responsesPerSecond: 100 });
    rrl.check('10.0.1.1', 'a', 0);
    rrl.check('10.0.2.1', 'b', 0);
    rrl.check('10.0.1.1', 'a', 999); // within the second: "a" stays first in line
    rrl.check('10.0.3.1', 'c', 999); // so the newcomer evicts "a", not "b"
    // "a" starts over with a full allowance of 100 (had it been kept, it would have 99 left).
    expect(Array.from({ length: 100 }, () => rrl.check('10.0.1.1', 'a', 999))).toEqual(Array(100).fill('send'));

    // After a second an account used again moves to the back: the newcomer evicts the other one.
    const slow = new ResponseRateLimiter({ maxEntries: 2, responsesPerSecond: 1, slip: 0 });
    for (let i = 0; i < 10; i++) slow.check('10.0.1.1', 'x', 0); // "x" deep in debt
    slow.check('10.0.2.1', 'y', 0);
    slow.check('10.0.1.1', 'x', 1000);
    slow.check('10.0.3.1', 'z', 1000); // evicts "y"
    expect(slow.check('10.0.1.1', 'x', 1000)).toBe('drop');
    expect(slow.check('10.0.2.1', 'y', 1000)).toBe('send');
  });

  it('works out the prefix of a client address once, remembering a bounded number of addresses', () => {
    const rrl = new ResponseRateLimiter({ responsesPerSecond: 1, slip: 0 });
    for (let i = 0; i < 5000; i++) rrl.check(`10.${i >> 8}.${i & 255}.1`, 'k', 0);
    expect(rrl.prefixesHeld).toBeGreaterThan(0);
    expect(rrl.prefixesHeld).toBeLessThanOrEqual(4096);
    // Same verdicts as without the memo: one /24 account per address block.
    expect(rrl.check('10.0.5.77', 'k', 0)).toBe('drop');
    expect(rrl.check('::ffff:10.19.135.9', 'k', 0)).toBe('drop');
    expect(rrl.check('10.200.0.1', 'k', 0)).toBe('send');
  });
});

describe('dispatch with RRL', () => {
  function run(rrl: ResponseRateLimiter | undefined, packets: Array<[Buffer, QueryContext]>, replyCache?: ReplyCache): { sent: DecodedPacket[]; drops: DnsDropReason[] } {
    const sent: DecodedPacket[] = [];
    const drops: DnsDropReason[] = [];
    const dispatch = createDispatch({ router, rrl, replyCache, limits: { maxUdpSize: 1232, forwarding: false }, metrics: { ...noDnsMetrics, drop: (r) => drops.push(r) } });
    for (const [p, c] of packets) dispatch(p, c, (bytes) => sent.push(dnsPacket.decode(bytes)));
    return { sent, drops };
  }

  it('limits a flood of one answer to a spoofed /24 over UDP and slips TC=1 replies', () => {
    const flood = Array.from({ length: 40 }, (_, i): [Buffer, QueryContext] => [query('www.example.test'), ctx(`203.0.113.${i}`)]);
    const { sent, drops } = run(new ResponseRateLimiter({ responsesPerSecond: 5, slip: 2 }), flood);
    const full = sent.filter((p) => !p.flag_tc);
    const slipped = sent.filter((p) => p.flag_tc);
    expect(full).toHaveLength(5);
    expect(slipped.length).toBeGreaterThan(0);
    expect(slipped.every((p) => (p.answers ?? []).length === 0 && p.questions?.[0]?.name === 'www.example.test')).toBe(true);
    expect(drops.filter((r) => r === 'rate-limit').length + sent.length).toBe(40);
  });

  it('counts every NXDOMAIN of a zone together (random names get no fresh allowance)', () => {
    const flood = Array.from({ length: 20 }, (_, i): [Buffer, QueryContext] => [query(`r${i}.example.test`), ctx('203.0.113.5')]);
    expect(run(new ResponseRateLimiter({ responsesPerSecond: 5, slip: 0 }), flood).sent).toHaveLength(5);
  });

  it('accounts replies from the reply cache under the same keys as answered ones', () => {
    const flood = Array.from({ length: 40 }, (_, i): [Buffer, QueryContext] => [query('www.example.test'), ctx(`203.0.113.${i}`)]);
    const limiter = () => new ResponseRateLimiter({ responsesPerSecond: 5, slip: 2 });
    const tc = (r: { sent: DecodedPacket[] }) => r.sent.map((p) => p.flag_tc);
    const cache = new ReplyCache();
    expect(tc(run(limiter(), flood, cache))).toEqual(tc(run(limiter(), flood)));
    expect(cache.size).toBe(1);
    // Four NXDOMAIN names asked five times each: the hits still share the zone's one NXDOMAIN account.
    const nx = Array.from({ length: 20 }, (_, i): [Buffer, QueryContext] => [query(`r${i % 4}.example.test`), ctx('203.0.113.5')]);
    const nxCache = new ReplyCache();
    expect(run(new ResponseRateLimiter({ responsesPerSecond: 5, slip: 0 }), nx, nxCache).sent).toHaveLength(5);
    expect(nxCache.size).toBe(4);
  });

  it('leaves TCP and an unlimited server alone', () => {
    const tcp = Array.from({ length: 20 }, (): [Buffer, QueryContext] => [query('www.example.test'), ctx('203.0.113.5', 'tcp')]);
    expect(run(new ResponseRateLimiter({ responsesPerSecond: 5 }), tcp).sent).toHaveLength(20);
    const udp = Array.from({ length: 20 }, (): [Buffer, QueryContext] => [query('www.example.test'), ctx('203.0.113.5')]);
    expect(run(undefined, udp).sent).toHaveLength(20);
  });
});

describe('minimal ANY (RFC 8482)', () => {
  const answers = (minimalAny: boolean, transport: 'udp' | 'tcp'): DecodedPacket => {
    const out = handleQuery(query('www.example.test', 'ANY'), ctx('203.0.113.5', transport), router, { maxUdpSize: 1232, forwarding: false, minimalAny });
    if (out.kind !== 'reply') throw new Error(out.kind);
    return dnsPacket.decode(out.bytes);
  };

  it('answers ANY over UDP with one RRset when minimal, in full otherwise and over TCP', () => {
    const minimal = answers(true, 'udp');
    expect(new Set((minimal.answers ?? []).map((a) => a.type)).size).toBe(1);
    expect((minimal.answers ?? []).length).toBeGreaterThan(0);
    expect(new Set((answers(false, 'udp').answers ?? []).map((a) => a.type))).toEqual(new Set(['A', 'AAAA', 'TXT']));
    expect(new Set((answers(true, 'tcp').answers ?? []).map((a) => a.type))).toEqual(new Set(['A', 'AAAA', 'TXT']));
  });
});

describe('exposure defaults', () => {
  it('tells loopback from exposed addresses', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', 'localhost', '::ffff:127.0.0.1', '[::1]']) expect(isLoopbackAddress(a), a).toBe(true);
    for (const a of ['0.0.0.0', '::', '192.0.2.1', '10.0.0.1', '2001:db8::1', '::ffff:10.0.0.1', 'example.com']) expect(isLoopbackAddress(a), a).toBe(false);
  });

  it('turns RRL and minimal ANY on for a public DNS address, off on loopback, tunable', () => {
    expect(new DnsServer({ address: '0.0.0.0' }).protections).toEqual({ rrl: true, minimalAny: true });
    expect(new DnsServer({ address: '127.0.0.1' }).protections).toEqual({ rrl: false, minimalAny: false });
    expect(new DnsServer({ address: '127.0.0.1', rrl: {}, minimalAny: true }).protections).toEqual({ rrl: true, minimalAny: true });
    expect(() => new DnsServer({ address: '0.0.0.0', rrl: { slip: -1 } })).toThrow(/slip/);
  });
});
