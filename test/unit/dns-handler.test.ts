import dnsPacket, { type DecodedPacket, type Packet } from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { handleQuery, type HandlerLimits, type Outcome } from '../../src/dns/handler.js';
import { ZoneRouter } from '../../src/dns/router.js';
import { StaticZone } from '../../src/dns/static-zone.js';
import type { DnsRecord, QueryContext, ZoneAuthority } from '../../src/dns/types.js';

const soa = { mname: 'ns1.clusterset.local', rname: 'hostmaster.clusterset.local', serial: 1, refresh: 60, retry: 30, expire: 3600, minimum: 5 };
const big: DnsRecord[] = Array.from({ length: 100 }, (_, i) => ({ name: 'big.clusterset.local', type: 'A', ttl: 5, data: `10.1.0.${i}` }));
const mid: DnsRecord[] = Array.from({ length: 40 }, (_, i) => ({ name: 'mid.clusterset.local', type: 'A', ttl: 5, data: `10.2.0.${i}` }));
const clusterset = new StaticZone({
  origin: 'clusterset.local', soa, nameservers: ['ns1.clusterset.local'],
  records: [{ name: 'web.prod.svc.clusterset.local', type: 'A', ttl: 5, data: '10.0.0.1' }, ...big, ...mid],
});
const inner = new StaticZone({ origin: 'east.clusterset.local', soa, nameservers: ['ns1.clusterset.local'], records: [{ name: 'web.east.clusterset.local', type: 'A', ttl: 5, data: '10.9.9.9' }] });
/** A zone whose answer depends on the client subnet, as GSLB geo answers do. */
const geo: ZoneAuthority = {
  origin: 'global.example.test',
  answer: (qname, _qtype, c) => ({
    rcode: 'NOERROR',
    answers: [{ name: qname, type: 'A', ttl: 30, data: c.ecsSubnet?.address.startsWith('10.') ? '192.0.2.10' : '192.0.2.20' }],
    authority: [],
    ecsScope: c.ecsSubnet ? 16 : undefined,
  }),
};
const broken: ZoneAuthority = { origin: 'broken.test', answer: () => { throw new Error('zone bug'); } };
const router = new ZoneRouter([clusterset, inner, geo, broken]);
const limits: HandlerLimits = { maxUdpSize: 1232, forwarding: false };
const udp: QueryContext = { clientAddress: '127.0.0.1', clientPort: 5000, localAddress: '127.0.0.1', localPort: 53, transport: 'udp' };
const tcp: QueryContext = { ...udp, transport: 'tcp' };

function query(name: string, type: string, extra: Partial<Packet> = {}): Buffer {
  return dnsPacket.encode({ type: 'query', id: 4242, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type: type as 'A' }], ...extra });
}
/** A query without additionals with its question type set to a number dns-packet has no name for. */
function withQtype(packet: Buffer, qtype: number): Buffer {
  packet.writeUInt16BE(qtype, packet.length - 4);
  return packet;
}
const edns = (udpPayloadSize = 4096, options: object[] = [], ednsVersion = 0): Partial<Packet> => ({ additionals: [{ type: 'OPT', name: '.', udpPayloadSize, extendedRcode: 0, ednsVersion, flags: 0, flag_do: false, options } as never] });
function reply(outcome: Outcome): DecodedPacket & { rcode?: string } {
  if (outcome.kind !== 'reply') throw new Error(`expected a reply, got ${outcome.kind}`);
  return dnsPacket.decode(outcome.bytes) as DecodedPacket & { rcode?: string };
}

interface Case { name: string; packet: Buffer; ctx?: QueryContext; rcode: string; aa?: boolean; tc?: boolean; answers?: number; authority?: number; opt?: boolean }
const cases: Case[] = [
  { name: 'authoritative answer', packet: query('web.prod.svc.clusterset.local', 'A'), rcode: 'NOERROR', aa: true, answers: 1, authority: 0, opt: false },
  { name: 'NODATA with SOA', packet: query('web.prod.svc.clusterset.local', 'MX'), rcode: 'NOERROR', aa: true, answers: 0, authority: 1 },
  { name: 'NXDOMAIN with SOA', packet: query('nope.clusterset.local', 'A'), rcode: 'NXDOMAIN', aa: true, answers: 0, authority: 1 },
  { name: 'longest origin wins', packet: query('web.east.clusterset.local', 'A'), rcode: 'NOERROR', aa: true, answers: 1 },
  { name: 'REFUSED outside our zones', packet: query('www.example.com', 'A'), rcode: 'REFUSED', aa: false, answers: 0 },
  { name: 'REFUSED for a zone suffix lookalike', packet: query('evilclusterset.local', 'A'), rcode: 'REFUSED', aa: false },
  { name: 'REFUSED for class CH', packet: query('version.bind', 'TXT', { questions: [{ name: 'version.bind', type: 'TXT', class: 'CH' }] }), rcode: 'REFUSED' },
  { name: 'FORMERR for class NONE', packet: Buffer.concat([query('clusterset.local', 'SOA').subarray(0, -2), Buffer.from([0, 254])]), rcode: 'FORMERR' },
  { name: 'FORMERR for class ANY', packet: query('web.prod.svc.clusterset.local', 'A', { questions: [{ name: 'web.prod.svc.clusterset.local', type: 'A', class: 'ANY' }] }), rcode: 'FORMERR' },
  { name: 'REFUSED for class HS', packet: query('clusterset.local', 'SOA', { questions: [{ name: 'clusterset.local', type: 'SOA', class: 'HS' }] }), rcode: 'REFUSED' },
  { name: 'NOTIMP for an unknown class', packet: Buffer.concat([query('clusterset.local', 'SOA').subarray(0, -2), Buffer.from([0, 9])]), rcode: 'NOTIMP' },
  { name: 'FORMERR for class 0', packet: Buffer.concat([query('clusterset.local', 'SOA').subarray(0, -2), Buffer.from([0, 0])]), rcode: 'FORMERR' },
  { name: 'NODATA for qtype 0, a reserved type but no meta type', packet: withQtype(query('web.prod.svc.clusterset.local', 'A'), 0), rcode: 'NOERROR', aa: true, answers: 0, authority: 1 },
  { name: 'FORMERR for an unknown meta type (128)', packet: withQtype(query('web.prod.svc.clusterset.local', 'A'), 128), rcode: 'FORMERR', aa: false },
  { name: 'FORMERR for an unknown meta type outside our zones', packet: withQtype(query('www.example.com', 'A'), 248), rcode: 'FORMERR' },
  { name: 'NOTIMP for AXFR', packet: query('clusterset.local', 'AXFR'), rcode: 'NOTIMP' },
  { name: 'FORMERR for qtype OPT', packet: query('clusterset.local', 'OPT'), rcode: 'FORMERR' },
  { name: 'FORMERR for two questions', packet: query('a.clusterset.local', 'A', { questions: [{ name: 'a.clusterset.local', type: 'A' }, { name: 'b.clusterset.local', type: 'A' }] }), rcode: 'FORMERR' },
  { name: 'FORMERR for no question', packet: dnsPacket.encode({ type: 'query', id: 1, flags: dnsPacket.RECURSION_DESIRED, questions: [] }), rcode: 'FORMERR' },
  { name: 'FORMERR for trailing bytes', packet: Buffer.concat([query('web.prod.svc.clusterset.local', 'A'), Buffer.from([1, 2, 3])]), rcode: 'FORMERR' },
  { name: 'FORMERR for a cut question', packet: query('web.prod.svc.clusterset.local', 'A').subarray(0, 20), rcode: 'FORMERR' },
  { name: 'FORMERR for two OPT records', packet: query('web.prod.svc.clusterset.local', 'A', { additionals: [...edns().additionals!, ...edns().additionals!] }), rcode: 'FORMERR' },
  { name: 'BADVERS for EDNS version 1', packet: query('web.prod.svc.clusterset.local', 'A', edns(4096, [], 1)), rcode: 'BADVERS', opt: true },
  { name: 'SERVFAIL when a zone throws', packet: query('x.broken.test', 'A'), rcode: 'SERVFAIL', aa: false },
  { name: 'TC without EDNS over 512 bytes', packet: query('mid.clusterset.local', 'A'), rcode: 'NOERROR', tc: true, answers: 0 },
  { name: 'no TC with EDNS 1232 for a 1 KB answer', packet: query('mid.clusterset.local', 'A', edns(4096)), rcode: 'NOERROR', tc: false, answers: 40, opt: true },
  { name: 'TC with EDNS 4096 capped at our 1232', packet: query('big.clusterset.local', 'A', edns(4096)), rcode: 'NOERROR', tc: true, answers: 0, opt: true },
  { name: 'client size under 512 counts as 512', packet: query('mid.clusterset.local', 'A', edns(100)), rcode: 'NOERROR', tc: true },
  { name: 'TCP carries what UDP cannot', packet: query('big.clusterset.local', 'A'), ctx: tcp, rcode: 'NOERROR', tc: false, answers: 100 },
];

describe('handleQuery', () => {
  it.each(cases)('$name', (c) => {
    const r = reply(handleQuery(c.packet, c.ctx ?? udp, router, limits));
    expect(r.id).toBe(c.packet.readUInt16BE(0));
    expect(r.flag_qr).toBe(true);
    expect(r.flag_rd).toBe(true);
    expect(r.flag_ra).toBe(false);
    const rcode = ((r.flags ?? 0) & 0xf) === 0 && r.additionals?.some((a) => a.type === 'OPT' && a.extendedRcode === 1) ? 'BADVERS' : r.rcode;
    expect(rcode).toBe(c.rcode);
    if (c.aa !== undefined) expect(r.flag_aa).toBe(c.aa);
    if (c.tc !== undefined) expect(r.flag_tc).toBe(c.tc);
    if (c.answers !== undefined) expect(r.answers).toHaveLength(c.answers);
    if (c.authority !== undefined) expect(r.authorities).toHaveLength(c.authority);
    if (c.opt !== undefined) expect(r.additionals?.some((a) => a.type === 'OPT')).toBe(c.opt);
  });

  it('echoes the question exactly as sent, mixed case included', () => {
    const packet = query('WeB.PrOd.svc.ClusterSet.Local', 'A');
    const r = reply(handleQuery(packet, udp, router, limits));
    expect(r.questions?.[0]?.name).toBe('WeB.PrOd.svc.ClusterSet.Local');
    expect(r.answers?.[0]).toMatchObject({ name: 'web.prod.svc.clusterset.local', data: '10.0.0.1' });
  });

  it('compresses names against the question, its exact bytes only, as BIND does', () => {
    const bytes = (outcome: Outcome) => (outcome.kind === 'reply' ? outcome.bytes : Buffer.alloc(0));
    const plain = query('web.prod.svc.clusterset.local', 'A');
    // 12 header + 35 question + one A record whose owner is a pointer to the question (2 + 10 + 4).
    expect(bytes(handleQuery(plain, udp, router, limits)).subarray(47)).toEqual(Buffer.from('c00c000100010000000500040a000001', 'hex'));
    // A mixed-case question is echoed as sent; the owner keeps the zone's case and only points to
    // the lower-case suffix the two share ("svc.clusterset.local").
    const mixed = bytes(handleQuery(query('WEB.Prod.svc.clusterset.local', 'A'), udp, router, limits));
    expect(mixed.subarray(47, 58)).toEqual(Buffer.from('03776562' + '0470726f64' + 'c015', 'hex'));
    expect(dnsPacket.decode(mixed).answers?.[0]).toMatchObject({ name: 'web.prod.svc.clusterset.local' });
  });

  it('serves one NXDOMAIN answer to questions of one length that share different suffixes with its SOA', () => {
    // Same length: the first shares "ns1.clusterset.local" with the SOA's MNAME, the second only the origin.
    for (const name of ['x.ns1.clusterset.local', 'xxxxx.clusterset.local', 'x.ns1.clusterset.local']) {
      const r = reply(handleQuery(query(name, 'A'), udp, router, limits));
      expect(r.rcode).toBe('NXDOMAIN');
      expect(r.authorities?.[0]).toMatchObject({ name: 'clusterset.local', type: 'SOA', data: { mname: 'ns1.clusterset.local', rname: 'hostmaster.clusterset.local' } });
    }
  });

  it('answers ANY without the additional section, over UDP and TCP, as BIND does', () => {
    const glued = new ZoneRouter([new StaticZone({
      origin: 'g.test', soa, nameservers: ['ns1.g.test'],
      records: [{ name: 'ns1.g.test', type: 'A', ttl: 5, data: '192.0.2.53' }, { name: '_h._tcp.g.test', type: 'SRV', ttl: 5, data: { priority: 0, weight: 1, port: 80, target: 'ns1.g.test' } }],
    })]);
    for (const [name, type] of [['g.test', 'NS'], ['_h._tcp.g.test', 'SRV']]) expect(reply(handleQuery(query(name!, type!), udp, glued, limits)).additionals).toHaveLength(1);
    for (const ctx of [udp, tcp]) {
      for (const name of ['g.test', '_h._tcp.g.test']) {
        const r = reply(handleQuery(query(name, 'ANY'), ctx, glued, limits));
        expect([r.answers!.length > 0, r.additionals]).toEqual([true, []]);
      }
    }
  });

  it('drops packets shorter than a header and responses', () => {
    expect(handleQuery(Buffer.alloc(11), udp, router, limits)).toEqual({ kind: 'drop', reason: 'short' });
    const response = dnsPacket.encode({ type: 'response', id: 1, questions: [{ name: 'a.clusterset.local', type: 'A' }] });
    expect(handleQuery(response, udp, router, limits)).toEqual({ kind: 'drop', reason: 'response' });
  });

  it('answers NOTIMP for other opcodes, FORMERR for an unreadable body', () => {
    const withOpcode = (packet: Buffer, opcode: number) => { packet.writeUInt16BE((opcode << 11) | 0x0110, 2); return packet; };
    const notify = reply(handleQuery(withOpcode(query('clusterset.local', 'SOA'), 4), udp, router, limits));
    // NOTIFY and UPDATE echo their question but not RD or CD (RFC 1996 section 3.7, RFC 2136 section 2.2).
    expect([notify.rcode, (notify.flags ?? 0) >> 11, notify.questions?.length, notify.flag_rd, notify.flag_cd]).toEqual(['NOTIMP', 4, 1, false, false]);
    // Another opcode's body is not read: no question in the reply, even when it is unreadable.
    const status = reply(handleQuery(withOpcode(query('clusterset.local', 'SOA'), 2), udp, router, limits));
    expect([status.rcode, status.questions?.length, status.flag_rd]).toEqual(['NOTIMP', 0, false]);
    const garbage = Buffer.concat([Buffer.from([0, 7, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]), Buffer.from([0xc0, 0x0c, 0, 1, 0, 1])]);
    const r = reply(handleQuery(garbage, udp, router, limits));
    expect([r.id, r.rcode, r.questions?.length]).toEqual([7, 'FORMERR', 0]);
    expect(reply(handleQuery(withOpcode(Buffer.from(garbage), 4), udp, router, limits)).rcode).toBe('FORMERR');
    expect(reply(handleQuery(withOpcode(Buffer.from(garbage), 2), udp, router, limits)).rcode).toBe('NOTIMP');
    // An EDNS version we do not speak is answered first, as BIND does.
    const badvers = reply(handleQuery(withOpcode(query('clusterset.local', 'SOA', edns(1232, [], 1)), 2), udp, router, limits));
    expect([badvers.rcode, badvers.additionals?.[0]]).toEqual(['NOERROR', expect.objectContaining({ type: 'OPT', extendedRcode: 1 })]);
  });

  it('echoes the DO bit in every reply with an OPT record (RFC 3225), BADVERS and FORMERR included', () => {
    const withDo = (udpPayloadSize = 1232, options: object[] = [], ednsVersion = 0): Partial<Packet> => ({ additionals: [{ type: 'OPT', name: '.', udpPayloadSize, extendedRcode: 0, ednsVersion, flags: 0x8000, options } as never] });
    const optOf = (r: DecodedPacket) => r.additionals?.find((a) => a.type === 'OPT') as { flags?: number; extendedRcode?: number } | undefined;
    for (const [name, extra, rcode] of [
      ['web.prod.svc.clusterset.local', withDo(), 'NOERROR'], ['nope.clusterset.local', withDo(), 'NXDOMAIN'], ['www.example.com', withDo(), 'REFUSED'],
      ['web.prod.svc.clusterset.local', withDo(1232, [], 1), 'NOERROR'], ['web.prod.svc.clusterset.local', withDo(1232, [{ code: 10, data: Buffer.alloc(12) }]), 'FORMERR'],
    ] as const) {
      const r = reply(handleQuery(query(name, 'A', extra), udp, router, limits));
      expect([r.rcode, optOf(r)?.flags]).toEqual([rcode, 0x8000]);
    }
    expect(optOf(reply(handleQuery(query('web.prod.svc.clusterset.local', 'A', withDo(1232, [], 1)), udp, router, limits)))?.extendedRcode).toBe(1);
    expect(optOf(reply(handleQuery(query('web.prod.svc.clusterset.local', 'A', edns()), udp, router, limits)))?.flags).toBe(0);
  });

  it('answers FORMERR with an OPT record for a bad option in a good OPT record, without one for a bad OPT record', () => {
    const badEcs = reply(handleQuery(query('www.global.example.test', 'A', edns(1232, [{ code: 8, data: Buffer.from([0, 1, 20, 0, 10, 20, 0x3f]) }])), udp, router, limits));
    expect([badEcs.rcode, badEcs.additionals?.map((a) => a.type)]).toEqual(['FORMERR', ['OPT']]);
    const twoOpts = reply(handleQuery(query('web.prod.svc.clusterset.local', 'A', { additionals: [...edns().additionals!, ...edns().additionals!] }), udp, router, limits));
    expect([twoOpts.rcode, twoOpts.additionals]).toEqual(['FORMERR', []]);
  });

  it('passes the client subnet to the zone and echoes it with the zone scope', () => {
    const ecs = { code: 'CLIENT_SUBNET', family: 1, sourcePrefixLength: 24, scopePrefixLength: 0, ip: '10.20.30.0' };
    const r = reply(handleQuery(query('www.global.example.test', 'A', edns(1232, [ecs])), udp, router, limits));
    expect(r.answers?.[0]).toMatchObject({ data: '192.0.2.10' });
    const opt = r.additionals?.find((a) => a.type === 'OPT');
    expect(opt && 'options' in opt ? opt.options[0] : undefined).toMatchObject({ code: 8, sourcePrefixLength: 24, scopePrefixLength: 16, ip: '10.20.30.0' });
    const other = reply(handleQuery(query('www.global.example.test', 'A', edns(1232, [{ ...ecs, ip: '172.16.1.0' }])), udp, router, limits));
    expect(other.answers?.[0]).toMatchObject({ data: '192.0.2.20' });
  });

  it('answers FORMERR for a client subnet with bits beyond its prefix', () => {
    const data = Buffer.from([0, 1, 20, 0, 10, 20, 0x3f]);
    expect(reply(handleQuery(query('www.global.example.test', 'A', edns(1232, [{ code: 8, data }])), udp, router, limits)).rcode).toBe('FORMERR');
  });

  it('forwards names outside our zones when an upstream is configured', () => {
    const outcome = handleQuery(query('www.example.com', 'A'), udp, router, { ...limits, forwarding: true });
    expect(outcome.kind).toBe('forward');
    expect(handleQuery(query('web.prod.svc.clusterset.local', 'A'), udp, router, { ...limits, forwarding: true }).kind).toBe('reply');
  });

  it('keeps TCP replies whole and never sets TC on them', () => {
    const outcome = handleQuery(query('big.clusterset.local', 'A', edns(512)), tcp, router, limits);
    expect(outcome.kind === 'reply' && outcome.truncated).toBe(false);
  });
});

describe('createDispatch', () => {
  it('answers SERVFAIL instead of throwing when the query path fails', async () => {
    const { createDispatch } = await import('../../src/dns/dispatch.js');
    const malformed: ZoneAuthority = { origin: 'bad.test', answer: () => ({ rcode: 'NOERROR', answers: undefined as never, authority: [] }) };
    const events: string[] = [];
    const dispatch = createDispatch({ router: new ZoneRouter([malformed]), limits, metrics: { query: (e) => events.push(e.rcode), drop: (r) => events.push(r) } });
    const sent: Buffer[] = [];
    dispatch(query('x.bad.test', 'A'), udp, (b) => sent.push(b));
    dispatch(Buffer.alloc(5), udp, (b) => sent.push(b));
    expect(sent.map((b) => b[3]! & 0xf)).toEqual([2]); // SERVFAIL
    expect(events).toEqual(['SERVFAIL', 'short']);
  });
});
