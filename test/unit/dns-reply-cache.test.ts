import { describe, expect, it } from 'vitest';
import { ReplyCache } from '../../src/dns/reply-cache.js';
import type { QueryContext, ZoneAuthority } from '../../src/dns/types.js';

const ctx = (clientAddress: string): QueryContext => ({ clientAddress, clientPort: 5300, localAddress: '127.0.0.1', localPort: 53, transport: 'udp' });
const event = Object.freeze({ transport: 'udp' as const, qtype: 'A', rcode: 'NOERROR', truncated: false, forwarded: false });
const reply = (tag: number) => ({ bytes: Buffer.from([0, 0, tag]), rcode: 'NOERROR' as const, qtype: 1, qname: 'a.example', zone: 'example', event });
const query = (id: number) => Buffer.from([id >> 8, id & 0xff, 1, 2, 3]);

describe('ReplyCache', () => {
  it('returns a stored reply with the new query ID, per zone cache key', () => {
    const byView: ZoneAuthority = { origin: 'example', answer: () => ({ rcode: 'NOERROR', answers: [], authority: [] }), cacheKey: (_q, _t, c) => (c.clientAddress.endsWith('.1') ? 'east' : 'west') };
    const cache = new ReplyCache();
    const key = ReplyCache.keyOf(query(1));
    cache.store(key, byView, 'a.example', 'A', ctx('10.0.0.1'), reply(7));
    const hit = cache.lookup(key, query(0xabcd), ctx('10.9.0.1'));
    expect(hit?.reply).toEqual(Buffer.from([0xab, 0xcd, 7]));
    expect(hit?.cached.event).toBe(event);
    expect(cache.lookup(key, query(2), ctx('10.0.0.2'))).toBeUndefined();
    cache.store(key, byView, 'a.example', 'A', ctx('10.0.0.2'), reply(8));
    expect(cache.lookup(key, query(3), ctx('10.0.0.2'))?.reply).toEqual(Buffer.from([0, 3, 8]));
    expect(cache.size).toBe(2);
    cache.clear();
    expect(cache.lookup(key, query(4), ctx('10.0.0.1'))).toBeUndefined();
  });

  it('replaces a reply stored again under the same key, and starts the question over when another zone answers it', () => {
    const byView: ZoneAuthority = { origin: 'example', answer: () => ({ rcode: 'NOERROR', answers: [], authority: [] }), cacheKey: (_q, _t, c) => c.clientAddress };
    const cache = new ReplyCache();
    const key = ReplyCache.keyOf(query(1));
    for (const [client, tag] of [['10.0.0.1', 1], ['10.0.0.2', 2], ['10.0.0.3', 3], ['10.0.0.1', 4], ['10.0.0.3', 5]] as const) cache.store(key, byView, 'a.example', 'A', ctx(client), reply(tag));
    expect(cache.size).toBe(3);
    expect(['10.0.0.1', '10.0.0.2', '10.0.0.3'].map((c) => cache.lookup(key, query(9), ctx(c))?.reply[2])).toEqual([4, 2, 5]);
    const other: ZoneAuthority = { ...byView, origin: 'a.example' };
    cache.store(key, other, 'a.example', 'A', ctx('10.0.0.2'), reply(6));
    expect(cache.lookup(key, query(9), ctx('10.0.0.2'))?.reply[2]).toBe(6);
    expect(cache.lookup(key, query(9), ctx('10.0.0.1'))).toBeUndefined();
  });

  it('never keeps answers of zones without a cache key or that refuse one, and starts over when full', () => {
    const rotating: ZoneAuthority = { origin: 'example', answer: () => ({ rcode: 'NOERROR', answers: [], authority: [] }), cacheKey: () => undefined };
    const plain: ZoneAuthority = { origin: 'example', answer: () => ({ rcode: 'NOERROR', answers: [], authority: [] }) };
    const cache = new ReplyCache(2);
    const key = ReplyCache.keyOf(query(1));
    cache.store(key, rotating, 'a.example', 'A', ctx('10.0.0.1'), reply(1));
    cache.store(key, plain, 'a.example', 'A', ctx('10.0.0.1'), reply(1));
    expect(cache.size).toBe(0);
    const fixed: ZoneAuthority = { ...plain, cacheKey: () => '' };
    for (let i = 0; i < 3; i++) cache.store(ReplyCache.keyOf(Buffer.from([0, 0, i])), fixed, 'a.example', 'A', ctx('10.0.0.1'), reply(i));
    expect(cache.size).toBe(1);
    expect(cache.lookup(ReplyCache.keyOf(Buffer.from([0, 0, 2])), Buffer.from([0, 9, 2]), ctx('x'))?.reply).toEqual(Buffer.from([0, 9, 2]));
  });
});
