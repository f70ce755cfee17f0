import { describe, expect, it } from 'vitest';
import type { QueryContext } from '../../src/dns/types.js';
import { compileHost } from '../../src/traffic/snapshot.js';
import { GslbZone, nextSerial } from '../../src/traffic/zone.js';
import { readTsig, signMessage, wireName } from '../../src/traffic/tsig.js';
import { encodeUpdate } from '../../src/traffic/update.js';

const ORIGIN = 'global.example.test';
const ctx = (clientAddress = '127.0.0.1', ecs?: QueryContext['ecsSubnet']): QueryContext => ({ clientAddress, clientPort: 5000, localAddress: '127.0.0.1', localPort: 53, transport: 'udp', ecsSubnet: ecs });

function zone() {
  const z = new GslbZone(ORIGIN, { nameservers: [{ name: `ns1.${ORIGIN}`, addresses: ['127.0.0.1'] }] });
  const web = compileHost({ hostname: `web.${ORIGIN}`, ttl: 5, failClosed: false, policy: { type: 'geo', geo: { rules: [{ cidrs: ['198.51.100.0/24'], regions: ['eu-west'] }], defaultRegions: ['us-east'] } }, backends: [
    { cluster: 'us-east', region: 'us-east', address: '127.0.13.1', healthy: true },
    { cluster: 'eu-west', region: 'eu-west', address: '127.0.13.2', healthy: true },
    { cluster: 'v6', region: 'us-east', address: 'fd00::1', healthy: true },
  ] });
  const closed = compileHost({ hostname: `a.b.${ORIGIN}`, ttl: 5, failClosed: true, policy: { type: 'roundRobin' }, backends: [{ cluster: 'x', region: 'x', address: '127.0.13.9', healthy: false }] });
  z.setSnapshot({ ...z.snapshot(), serial: 42, hosts: new Map([[web.hostname, web], [closed.hostname, closed]]) });
  return z;
}

describe('GSLB zone answers', () => {
  it('answers SOA and NS at the apex, with glue', () => {
    const soa = zone().answer(ORIGIN, 'SOA', ctx());
    expect(soa.answers[0]).toMatchObject({ type: 'SOA', data: { serial: 42, mname: `ns1.${ORIGIN}` } });
    expect(soa.authority).toEqual([]);
    const ns = zone().answer(ORIGIN, 'NS', ctx());
    expect(ns.answers).toEqual([{ name: ORIGIN, type: 'NS', ttl: 30, data: `ns1.${ORIGIN}` }]);
    expect(ns.additionals).toEqual([{ name: `ns1.${ORIGIN}`, type: 'A', ttl: 30, data: '127.0.0.1' }]);
    expect(zone().answer(`ns1.${ORIGIN}`, 'A', ctx()).answers).toHaveLength(1);
  });

  it('answers A and AAAA per policy and client subnet, with the ECS scope', () => {
    const z = zone();
    expect(z.answer(`web.${ORIGIN}`, 'A', ctx()).answers).toEqual([{ name: `web.${ORIGIN}`, type: 'A', ttl: 5, data: '127.0.13.1' }]);
    const eu = z.answer(`web.${ORIGIN}`, 'A', ctx('127.0.0.1', { address: '198.51.100.0', sourcePrefix: 24 }));
    expect(eu.answers.map((a) => a.data)).toEqual(['127.0.13.2']);
    expect(eu.ecsScope).toBe(24);
    expect(z.answer(`web.${ORIGIN}`, 'AAAA', ctx()).answers.map((a) => a.data)).toEqual(['fd00::1']);
  });

  it('gives NODATA with the SOA for other types and for empty non-terminals, NXDOMAIN for unknown names', () => {
    const z = zone();
    const mx = z.answer(`web.${ORIGIN}`, 'MX', ctx());
    expect(mx).toMatchObject({ rcode: 'NOERROR', answers: [] });
    expect(mx.authority[0].type).toBe('SOA');
    expect(z.answer(`b.${ORIGIN}`, 'A', ctx())).toMatchObject({ rcode: 'NOERROR', answers: [] });
    const nx = z.answer(`nope.${ORIGIN}`, 'A', ctx());
    expect(nx.rcode).toBe('NXDOMAIN');
    expect(nx.authority[0]).toMatchObject({ type: 'SOA', data: { serial: 42 } });
  });

  it('fails closed with NODATA when asked to', () => {
    expect(zone().answer(`a.b.${ORIGIN}`, 'A', ctx())).toMatchObject({ rcode: 'NOERROR', answers: [] });
  });

  it('bumps the serial past both the previous one and the clock', () => {
    expect(nextSerial(5, 1_000_000)).toBe(1000);
    expect(nextSerial(5000, 1_000_000)).toBe(5001);
  });
});

describe('RFC 2136 and TSIG encoding', () => {
  it('encodes an UPDATE: opcode 5, zone section, delete-RRset records with RDLENGTH 0', () => {
    const msg = encodeUpdate(ORIGIN, [{ name: `web.${ORIGIN}`, ttl: 5, addresses: ['127.0.13.1'] }], 7);
    expect((msg.readUInt16BE(2) >> 11) & 0xf).toBe(5);
    expect([msg.readUInt16BE(4), msg.readUInt16BE(6), msg.readUInt16BE(8), msg.readUInt16BE(10)]).toEqual([1, 0, 3, 0]);
    const zoneEnd = 12 + wireName(ORIGIN).length + 4;
    const del = zoneEnd + wireName(`web.${ORIGIN}`).length;
    expect([msg.readUInt16BE(del), msg.readUInt16BE(del + 2), msg.readUInt32BE(del + 4), msg.readUInt16BE(del + 8)]).toEqual([1, 255, 0, 0]);
  });

  it('appends a TSIG record that reads back with the MAC it returned', () => {
    const msg = encodeUpdate(ORIGIN, [], 99);
    const key = { name: 'meridian-edge', algorithm: 'hmac-sha256' as const, secret: Buffer.alloc(32, 1) };
    const signed = signMessage(msg, key, 1_700_000_000_000);
    expect(signed.message.readUInt16BE(10)).toBe(1);
    const t = readTsig(signed.message);
    expect(t).toMatchObject({ keyName: 'meridian-edge', algorithm: 'hmac-sha256', timeSigned: 1_700_000_000, fudge: 300, originalId: 99, error: 0, start: msg.length });
    expect(t?.mac.equals(signed.mac)).toBe(true);
    expect(signed.mac).toHaveLength(32);
  });
});
