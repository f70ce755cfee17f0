import dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { compressRecords } from '../../src/dns/compress.js';
import { parseEcs } from '../../src/dns/edns.js';
import { encodeRecords, toPacketAnswer } from '../../src/dns/encode.js';
import { isAtOrBelow, normalizeName, presentationLabel } from '../../src/dns/names.js';
import { ZoneRouter } from '../../src/dns/router.js';
import { ZoneSnapshot } from '../../src/dns/snapshot.js';
import { StaticZone } from '../../src/dns/static-zone.js';
import type { DnsRecord } from '../../src/dns/types.js';
import { readQuestion } from '../../src/dns/wire.js';
import { renderZoneFile } from '../../src/dns/zonefile.js';

const soa = { mname: 'ns1.z.test', rname: 'admin.z.test', serial: 3, refresh: 60, retry: 30, expire: 3600, minimum: 5 };

describe('names', () => {
  it.each([
    ['Web.Example.', 'web.example'],
    ['a.b', 'a.b'],
    ['.', ''],
  ])('normalizes %s to %s', (raw, want) => expect(normalizeName(raw)).toBe(want));

  it.each([
    ['a.example', 'example', true],
    ['example', 'example', true],
    ['badexample', 'example', false],
    ['example.org', 'example', false],
    ['anything', '', true],
  ])('%s at or below %s: %s', (name, origin, want) => expect(isAtOrBelow(name, origin)).toBe(want));

  it('escapes dots and odd bytes in wire labels so they cannot alias other names', () => {
    const label = Buffer.from('A.b\\c\x00\xff', 'latin1');
    expect(presentationLabel(label, 0, label.length)).toBe('a\\.b\\\\c\\000\\255');
  });

  it('reads a question with a dotted label as one label', () => {
    const q = Buffer.from([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 0x61, 0x2e, 0x62, 4, 0x74, 0x65, 0x73, 0x74, 0, 0, 1, 0, 1]);
    expect(readQuestion(q)).toEqual({ qname: 'a\\.b.test', qtype: 1, qclass: 1, end: q.length });
    const router = new ZoneRouter([new StaticZone({ origin: 'b.test', soa, nameservers: [], records: [] })]);
    expect(router.find('a\\.b.test')).toBeUndefined();
    expect(router.find('a.b.test')?.origin).toBe('b.test');
  });
});

describe('parseEcs', () => {
  it.each([
    ['IPv4 /24', [0, 1, 24, 0, 10, 1, 2], { address: '10.1.2.0', sourcePrefix: 24, family: 1 }],
    ['IPv4 /0', [0, 1, 0, 0], { address: '0.0.0.0', sourcePrefix: 0 }],
    ['IPv6 /56', [0, 2, 56, 0, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0x12], { address: '2001:db8:0:1200:0:0:0:0', sourcePrefix: 56 }],
  ])('reads %s', (_name, bytes, want) => expect(parseEcs(Buffer.from(bytes))).toMatchObject(want));

  it.each([
    ['too short', [0, 1, 24]],
    ['unknown family', [0, 3, 8, 0, 1]],
    ['prefix longer than the family', [0, 1, 33, 0, 1, 2, 3, 4, 5]],
    ['too many address bytes', [0, 1, 8, 0, 10, 1]],
    ['bits set beyond the prefix', [0, 1, 20, 0, 10, 1, 0xff]],
    ['a scope prefix in a query', [0, 1, 24, 8, 10, 1, 2]],
  ])('rejects %s', (_name, bytes) => expect(parseEcs(Buffer.from(bytes))).toBeUndefined());
});

describe('compressRecords', () => {
  const records: DnsRecord[] = [
    ...Array.from({ length: 40 }, (_, i): DnsRecord => ({ name: 'mid.z.test', type: 'A', ttl: 5, data: `10.0.0.${i}` })),
    { name: 'z.test', type: 'SOA', ttl: 5, data: soa },
    { name: 'z.test', type: 'NS', ttl: 5, data: 'ns1.z.test' },
    { name: '_h._tcp.z.test', type: 'SRV', ttl: 5, data: { priority: 1, weight: 2, port: 80, target: 'mid.z.test' } },
    { name: 'MiD.z.test', type: 'TXT', ttl: 5, data: ['x'] },
  ];
  it('shrinks repeated names and decodes to the same records', () => {
    const plain = encodeRecords(records.map(toPacketAnswer));
    const header = dnsPacket.encode({ type: 'response', id: 1, answers: records.map(toPacketAnswer) }).subarray(0, 12);
    const compressed = compressRecords(plain, records.length, 12);
    expect(compressed.length).toBeLessThan(plain.length * 0.7);
    // Compression is case-insensitive: the mixed-case owner becomes a pointer to the lower-case one.
    const lower = (buf: Buffer) => dnsPacket.decode(Buffer.concat([header, buf])).answers?.map((a) => ({ ...a, name: a.name.toLowerCase() }));
    expect(lower(compressed)).toEqual(lower(plain));
  });

  it('writes SRV targets whole but lets later names point into them', () => {
    const srv: DnsRecord[] = [
      { name: '_h._tcp.z.test', type: 'SRV', ttl: 5, data: { priority: 1, weight: 2, port: 80, target: 'db-0.east.z.test' } },
      { name: 'db-0.east.z.test', type: 'A', ttl: 5, data: '10.0.0.1' },
    ];
    const compressed = compressRecords(encodeRecords(srv.map(toPacketAnswer)), 2, 12);
    // Owner (16) + fixed fields (10) + priority, weight, port (6): the target starts at 12 + 32.
    const target = 12 + 32;
    expect(compressed.toString('latin1', 32, 32 + 18)).toBe('\x04db-0\x04east\x01z\x04test\x00');
    expect(compressed.readUInt16BE(32 + 18)).toBe(0xc000 | target);
  });
});

describe('renderZoneFile', () => {
  it('writes every record with absolute names, SOA first', () => {
    const snapshot = new ZoneSnapshot({ origin: 'z.test', soa, apexTtl: 60, nameservers: ['ns1.z.test'], records: [
      { name: 'a.z.test', type: 'A', ttl: 5, data: '10.0.0.1' },
      { name: 't.z.test', type: 'TXT', ttl: 5, data: ['say "hi"', 'two'] },
      { name: '_h._tcp.z.test', type: 'SRV', ttl: 5, data: { priority: 1, weight: 2, port: 80, target: 'a.z.test' } },
    ] });
    expect(renderZoneFile(snapshot).split('\n')).toEqual([
      '$ORIGIN z.test.',
      'z.test. 60 IN SOA ns1.z.test. admin.z.test. 3 60 30 3600 5',
      'z.test. 60 IN NS ns1.z.test.',
      'a.z.test. 5 IN A 10.0.0.1',
      't.z.test. 5 IN TXT "say \\"hi\\"" "two"',
      '_h._tcp.z.test. 5 IN SRV 1 2 80 a.z.test.',
      '',
    ]);
  });
});

describe('prometheusDnsMetrics', () => {
  it('creates its counters once per registry, so several servers can share one', async () => {
    const { Registry } = await import('prom-client');
    const { prometheusDnsMetrics } = await import('../../src/dns/metrics.js');
    const registry = new Registry();
    const a = prometheusDnsMetrics(registry);
    const b = prometheusDnsMetrics(registry);
    a.query({ transport: 'udp', qtype: 'A', rcode: 'NOERROR', truncated: true, forwarded: false });
    b.drop('short', 'udp');
    const text = await registry.metrics();
    expect(text).toMatch(/meridian_dns_queries_total\{transport="udp",qtype="A",rcode="NOERROR",forwarded="false"\} 1/);
    expect(text).toMatch(/meridian_dns_truncated_total 1/);
    expect(text).toMatch(/meridian_dns_dropped_total\{reason="short",transport="udp"\} 1/);
  });
});

describe('readTrailingOpt', () => {
  const ecs = (bytes: number[]) => ({ code: 8, data: Buffer.from(bytes) });
  const variants: Array<[string, number, object[]]> = [
    ['no options', 0, []],
    ['a valid ECS', 0, [ecs([0, 1, 24, 0, 10, 1, 2])]],
    ['a cookie and a valid ECS', 0, [{ code: 10, data: Buffer.alloc(8, 7) }, ecs([0, 2, 0, 0])]],
    ['a malformed ECS', 0, [ecs([0, 1, 20, 0, 10, 1, 0xff])]],
    ['two ECS options', 0, [ecs([0, 1, 0, 0]), ecs([0, 1, 0, 0])]],
    ['EDNS version 1', 1, []],
    ['EDNS version 1 with a malformed ECS', 1, [ecs([0, 9, 0, 0])]],
    ['a client cookie, and one with a server cookie', 0, [{ code: 10, data: Buffer.alloc(8, 1) }, { code: 10, data: Buffer.alloc(24, 2) }]],
    ['a cookie of 10 bytes', 0, [{ code: 10, data: Buffer.alloc(10, 1) }]],
    ['a cookie of 41 bytes', 0, [{ code: 10, data: Buffer.alloc(41, 1) }]],
  ];
  it.each(variants)('reads %s as dns-packet and readEdns do', async (_name, ednsVersion, options) => {
    const { readEdns, readTrailingOpt } = await import('../../src/dns/edns.js');
    for (const flags of [0, 0x8000]) {
      const packet = dnsPacket.encode({ type: 'query', id: 1, questions: [{ name: 'a.test', type: 'A' }], additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1400, extendedRcode: 0, ednsVersion, flags, options } as never] });
      const fast = readTrailingOpt(packet, 12 + 8 + 4);
      expect(fast).toEqual(readEdns(dnsPacket.decode(packet).additionals ?? []));
      expect(fast?.kind === 'edns' ? fast.edns.dnssecOk : fast?.kind === 'error' ? fast.opt?.dnssecOk : undefined).toBe(flags !== 0);
    }
  });

  it('keeps the first ECS, refuses a second, and reports a malformed option before the version', async () => {
    const { readTrailingOpt } = await import('../../src/dns/edns.js');
    const read = (ednsVersion: number, options: object[]) => readTrailingOpt(dnsPacket.encode({ type: 'query', id: 1, questions: [{ name: 'a.test', type: 'A' }], additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1400, extendedRcode: 0, ednsVersion, flags: 0, options } as never] }), 24);
    expect(read(0, [ecs([0, 1, 24, 0, 10, 1, 2])])).toMatchObject({ kind: 'edns', edns: { ecs: { address: '10.1.2.0', sourcePrefix: 24 } } });
    expect(read(0, [ecs([0, 1, 0, 0]), ecs([0, 1, 0, 0])])).toEqual({ kind: 'error', rcode: 'FORMERR', opt: { dnssecOk: false } });
    expect(read(1, [{ code: 10, data: Buffer.alloc(9) }])).toEqual({ kind: 'error', rcode: 'FORMERR', opt: { dnssecOk: false } });
    expect(read(1, [{ code: 10, data: Buffer.alloc(8) }])).toEqual({ kind: 'error', rcode: 'BADVERS', opt: { dnssecOk: false } });
  });

  it('leaves anything but one trailing OPT record to dns-packet', async () => {
    const { readTrailingOpt } = await import('../../src/dns/edns.js');
    const withTsig = dnsPacket.encode({ type: 'query', id: 1, questions: [{ name: 'a.test', type: 'A' }], additionals: [{ type: 'TXT', name: 'k.test', data: ['x'] }] });
    expect(readTrailingOpt(withTsig, 24)).toBeUndefined();
    const opt = dnsPacket.encode({ type: 'query', id: 1, questions: [{ name: 'a.test', type: 'A' }], additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1400, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] } as never] });
    expect(readTrailingOpt(Buffer.concat([opt, Buffer.from([0])]), 24)).toBeUndefined();
    expect(readTrailingOpt(opt.subarray(0, opt.length - 1), 24)).toBeUndefined();
  });
});
