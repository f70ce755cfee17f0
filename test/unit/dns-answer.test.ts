import { describe, expect, it } from 'vitest';
import { StaticZone } from '../../src/dns/static-zone.js';
import { ZoneSnapshot, type ZoneSnapshotInput } from '../../src/dns/snapshot.js';
import type { DnsRecord, QueryContext } from '../../src/dns/types.js';

const soa = { mname: 'ns1.clusterset.local', rname: 'hostmaster.clusterset.local', serial: 7, refresh: 60, retry: 30, expire: 3600, minimum: 5 };
const records: DnsRecord[] = [
  { name: 'web.prod.svc.clusterset.local', type: 'A', ttl: 5, data: '10.0.0.1' },
  { name: 'web.prod.svc.clusterset.local', type: 'A', ttl: 5, data: '10.0.0.2' },
  { name: 'web.prod.svc.clusterset.local', type: 'AAAA', ttl: 5, data: 'fd00::1' },
  { name: '_http._tcp.web.prod.svc.clusterset.local', type: 'SRV', ttl: 5, data: { priority: 0, weight: 50, port: 80, target: 'web.prod.svc.clusterset.local' } },
  { name: 'dns-version.clusterset.local', type: 'TXT', ttl: 5, data: ['1.1.0'] },
  { name: 'alias.clusterset.local', type: 'CNAME', ttl: 5, data: 'Web.Prod.svc.clusterset.local.' },
  { name: 'dangling.clusterset.local', type: 'CNAME', ttl: 5, data: 'gone.clusterset.local' },
  { name: 'outside.clusterset.local', type: 'CNAME', ttl: 5, data: 'www.example.com' },
  { name: 'loop1.clusterset.local', type: 'CNAME', ttl: 5, data: 'loop2.clusterset.local' },
  { name: 'loop2.clusterset.local', type: 'CNAME', ttl: 5, data: 'loop1.clusterset.local' },
  ...Array.from({ length: 12 }, (_, i): DnsRecord => ({ name: `c${i}.chain.clusterset.local`, type: 'CNAME', ttl: 5, data: i === 11 ? 'web.prod.svc.clusterset.local' : `c${i + 1}.chain.clusterset.local` })),
  { name: '1.0.0.10.in-addr.clusterset.local', type: 'PTR', ttl: 5, data: 'web.prod.svc.clusterset.local' },
  { name: 'ns1.clusterset.local', type: 'A', ttl: 60, data: '127.0.0.1' },
];
const input: ZoneSnapshotInput = { origin: 'ClusterSet.Local.', soa, apexTtl: 60, nameservers: ['ns1.clusterset.local'], records };
const ctx: QueryContext = { clientAddress: '127.0.0.1', clientPort: 5000, localAddress: '127.0.0.1', localPort: 53, transport: 'udp' };

interface Case {
  name: string;
  qname: string;
  qtype: string;
  rcode: 'NOERROR' | 'NXDOMAIN' | 'SERVFAIL';
  answers: string[];
  authority: string[];
  additionals?: string[];
}

const show = (r: DnsRecord): string => `${r.name} ${r.type} ${typeof r.data === 'string' ? r.data : JSON.stringify(r.data)}`;
const SOA = 'clusterset.local SOA';
/** The CNAMEs of the test chain from c<from> to its end, as show() prints them. */
const chain = (from: number): string[] => Array.from({ length: 12 - from }, (_, k) => from + k).map((i) => `c${i}.chain.clusterset.local CNAME ${i === 11 ? 'web.prod.svc.clusterset.local' : `c${i + 1}.chain.clusterset.local`}`);

const cases: Case[] = [
  { name: 'A records', qname: 'web.prod.svc.clusterset.local', qtype: 'A', rcode: 'NOERROR', answers: ['web.prod.svc.clusterset.local A 10.0.0.1', 'web.prod.svc.clusterset.local A 10.0.0.2'], authority: [] },
  { name: 'case-insensitive name', qname: 'WEB.Prod.SVC.clusterset.LOCAL.', qtype: 'AAAA', rcode: 'NOERROR', answers: ['web.prod.svc.clusterset.local AAAA fd00::1'], authority: [] },
  { name: 'NODATA for a type the name lacks', qname: 'web.prod.svc.clusterset.local', qtype: 'TXT', rcode: 'NOERROR', answers: [], authority: [SOA] },
  { name: 'NODATA for an unknown type', qname: 'web.prod.svc.clusterset.local', qtype: 'TYPE65280', rcode: 'NOERROR', answers: [], authority: [SOA] },
  { name: 'NODATA for an empty non-terminal', qname: 'prod.svc.clusterset.local', qtype: 'A', rcode: 'NOERROR', answers: [], authority: [SOA] },
  { name: 'NODATA for the SRV parent', qname: '_tcp.web.prod.svc.clusterset.local', qtype: 'SRV', rcode: 'NOERROR', answers: [], authority: [SOA] },
  { name: 'NXDOMAIN below a real name', qname: 'x.web.prod.svc.clusterset.local', qtype: 'A', rcode: 'NXDOMAIN', answers: [], authority: [SOA] },
  { name: 'NXDOMAIN for an unknown service', qname: 'db.prod.svc.clusterset.local', qtype: 'A', rcode: 'NXDOMAIN', answers: [], authority: [SOA] },
  { name: 'SRV with target addresses in additionals', qname: '_http._tcp.web.prod.svc.clusterset.local', qtype: 'SRV', rcode: 'NOERROR', answers: ['_http._tcp.web.prod.svc.clusterset.local SRV {"priority":0,"weight":50,"port":80,"target":"web.prod.svc.clusterset.local"}'], authority: [], additionals: ['web.prod.svc.clusterset.local A 10.0.0.1', 'web.prod.svc.clusterset.local A 10.0.0.2', 'web.prod.svc.clusterset.local AAAA fd00::1'] },
  { name: 'TXT', qname: 'dns-version.clusterset.local', qtype: 'TXT', rcode: 'NOERROR', answers: ['dns-version.clusterset.local TXT ["1.1.0"]'], authority: [] },
  { name: 'PTR', qname: '1.0.0.10.in-addr.clusterset.local', qtype: 'PTR', rcode: 'NOERROR', answers: ['1.0.0.10.in-addr.clusterset.local PTR web.prod.svc.clusterset.local'], authority: [] },
  { name: 'SOA at the apex', qname: 'clusterset.local', qtype: 'SOA', rcode: 'NOERROR', answers: ['clusterset.local SOA {"mname":"ns1.clusterset.local","rname":"hostmaster.clusterset.local","serial":7,"refresh":60,"retry":30,"expire":3600,"minimum":5}'], authority: [] },
  { name: 'NS at the apex with glue', qname: 'clusterset.local', qtype: 'NS', rcode: 'NOERROR', answers: ['clusterset.local NS ns1.clusterset.local'], authority: [], additionals: ['ns1.clusterset.local A 127.0.0.1'] },
  { name: 'CNAME followed inside the zone', qname: 'alias.clusterset.local', qtype: 'A', rcode: 'NOERROR', answers: ['alias.clusterset.local CNAME web.prod.svc.clusterset.local', 'web.prod.svc.clusterset.local A 10.0.0.1', 'web.prod.svc.clusterset.local A 10.0.0.2'], authority: [] },
  { name: 'CNAME asked for itself', qname: 'alias.clusterset.local', qtype: 'CNAME', rcode: 'NOERROR', answers: ['alias.clusterset.local CNAME web.prod.svc.clusterset.local'], authority: [] },
  { name: 'CNAME to a type the target lacks', qname: 'alias.clusterset.local', qtype: 'TXT', rcode: 'NOERROR', answers: ['alias.clusterset.local CNAME web.prod.svc.clusterset.local'], authority: [SOA] },
  { name: 'CNAME to a missing in-zone name', qname: 'dangling.clusterset.local', qtype: 'A', rcode: 'NXDOMAIN', answers: ['dangling.clusterset.local CNAME gone.clusterset.local'], authority: [SOA] },
  { name: 'CNAME out of the zone', qname: 'outside.clusterset.local', qtype: 'A', rcode: 'NOERROR', answers: ['outside.clusterset.local CNAME www.example.com'], authority: [] },
  { name: 'CNAME loop: SERVFAIL with the chain, as BIND', qname: 'loop1.clusterset.local', qtype: 'A', rcode: 'SERVFAIL', answers: ['loop1.clusterset.local CNAME loop2.clusterset.local', 'loop2.clusterset.local CNAME loop1.clusterset.local'], authority: [] },
  { name: 'a chain of 11 CNAMEs is followed', qname: 'c1.chain.clusterset.local', qtype: 'A', rcode: 'NOERROR', answers: [...chain(1), 'web.prod.svc.clusterset.local A 10.0.0.1', 'web.prod.svc.clusterset.local A 10.0.0.2'], authority: [] },
  { name: 'a chain of 12: SERVFAIL after 12 CNAMEs, as BIND', qname: 'c0.chain.clusterset.local', qtype: 'A', rcode: 'SERVFAIL', answers: chain(0), authority: [] },
];

describe('StaticZone answers', () => {
  const zone = new StaticZone(input);
  it.each(cases)('$name', (c) => {
    const answer = zone.answer(c.qname, c.qtype, ctx);
    expect(answer.rcode).toBe(c.rcode);
    expect(answer.answers.map(show)).toEqual(c.answers);
    expect(answer.authority.map((r) => (r.type === 'SOA' ? `${r.name} SOA` : show(r)))).toEqual(c.authority);
    expect((answer.additionals ?? []).map(show)).toEqual(c.additionals ?? []);
  });

  it('negative answers carry the SOA with TTL min(SOA TTL, minimum)', () => {
    expect(zone.answer('nope.clusterset.local', 'A', ctx).authority[0]!.ttl).toBe(5);
    expect(zone.answer('clusterset.local', 'SOA', ctx).answers[0]!.ttl).toBe(60);
  });

  it('memoizes answers per snapshot and drops them on setSnapshot', () => {
    const first = zone.answer('web.prod.svc.clusterset.local', 'A', ctx);
    expect(zone.answer('WEB.prod.svc.clusterset.local', 'A', ctx)).toBe(first);
    expect(Object.isFrozen(first.answers)).toBe(true);
    const next = new ZoneSnapshot({ ...input, soa: { ...soa, serial: 8 }, records: [{ name: 'web.prod.svc.clusterset.local', type: 'A', ttl: 5, data: '10.0.0.9' }] });
    zone.setSnapshot(next);
    expect(zone.answer('web.prod.svc.clusterset.local', 'A', ctx).answers.map(show)).toEqual(['web.prod.svc.clusterset.local A 10.0.0.9']);
    expect(zone.answer('dns-version.clusterset.local', 'TXT', ctx).rcode).toBe('NXDOMAIN');
    expect(first.answers.map(show)).toEqual(['web.prod.svc.clusterset.local A 10.0.0.1', 'web.prod.svc.clusterset.local A 10.0.0.2']);
    zone.setSnapshot(new ZoneSnapshot(input));
  });

  it('refuses a snapshot of another zone', () => {
    expect(() => zone.setSnapshot(new ZoneSnapshot({ ...input, origin: 'other.test', records: [] }))).toThrow(/other.test/);
  });
});

describe('ZoneSnapshot validation', () => {
  const bad: Array<[string, DnsRecord]> = [
    ['a name outside the zone', { name: 'web.example.com', type: 'A', ttl: 5, data: '10.0.0.1' }],
    ['a CNAME beside other data', { name: 'web.prod.svc.clusterset.local', type: 'CNAME', ttl: 5, data: 'x.clusterset.local' }],
    ['a label over 63 bytes', { name: `${'a'.repeat(64)}.clusterset.local`, type: 'A', ttl: 5, data: '10.0.0.1' }],
    ['an empty label', { name: 'a..clusterset.local', type: 'A', ttl: 5, data: '10.0.0.1' }],
    ['a TXT string over 255 bytes', { name: 't.clusterset.local', type: 'TXT', ttl: 5, data: ['x'.repeat(256)] }],
    ['a negative TTL', { name: 't.clusterset.local', type: 'A', ttl: -1, data: '10.0.0.1' }],
  ];
  it.each(bad)('rejects %s', (_what, record) => {
    expect(() => new ZoneSnapshot({ ...input, records: [...records, record] })).toThrow();
  });

  it('deduplicates identical records and counts the rest', () => {
    const snapshot = new ZoneSnapshot({ ...input, records: [...records, records[0]!] });
    expect(snapshot.lookup('web.prod.svc.clusterset.local', 'A')).toHaveLength(2);
    expect([...snapshot.records()]).toHaveLength(records.length + 2);
  });
});
