import { execFile } from 'node:child_process';
import dgram from 'node:dgram';
import net from 'node:net';
import { promisify } from 'node:util';
import dnsPacket from 'dns-packet';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DnsServer } from '../../src/dns/server.js';
import { ZoneSnapshot } from '../../src/dns/snapshot.js';
import { StaticZone } from '../../src/dns/static-zone.js';
import type { DnsRecord, ZoneAuthority } from '../../src/dns/types.js';
import { waitFor } from '../../src/util/wait.js';

const run = promisify(execFile);
const soa = (origin: string) => ({ mname: `ns1.${origin}`, rname: `hostmaster.${origin}`, serial: 1, refresh: 60, retry: 30, expire: 3600, minimum: 5 });
const many = (name: string, n: number, net3: number): DnsRecord[] => Array.from({ length: n }, (_, i) => ({ name, type: 'A', ttl: 5, data: `10.${net3}.${i >> 8}.${i & 255}` }));
const clusterset = new StaticZone({
  origin: 'clusterset.local', soa: soa('clusterset.local'), nameservers: ['ns1.clusterset.local'],
  records: [
    { name: 'web.prod.svc.clusterset.local', type: 'A', ttl: 5, data: '10.0.0.1' },
    { name: 'web.prod.svc.clusterset.local', type: 'A', ttl: 5, data: '10.0.0.2' },
    { name: '_http._tcp.web.prod.svc.clusterset.local', type: 'SRV', ttl: 5, data: { priority: 0, weight: 50, port: 80, target: 'web.prod.svc.clusterset.local' } },
    ...many('mid.clusterset.local', 40, 2),
    ...many('big.clusterset.local', 300, 3),
  ],
});
/** Answers by client subnet, as a GSLB geo policy does. */
const geo: ZoneAuthority = {
  origin: 'global.example.test',
  answer: (qname, qtype, c) => qtype !== 'A'
    ? { rcode: 'NOERROR', answers: [], authority: [] }
    : { rcode: 'NOERROR', answers: [{ name: qname, type: 'A', ttl: 30, data: c.ecsSubnet?.address.startsWith('10.') ? '192.0.2.10' : '192.0.2.20' }], authority: [], ecsScope: c.ecsSubnet ? 16 : undefined },
};
const upstreamZone = new StaticZone({ origin: 'upstream.test', soa: soa('upstream.test'), nameservers: ['ns1.upstream.test'], records: [{ name: 'www.upstream.test', type: 'A', ttl: 60, data: '192.0.2.99' }] });

const registry = new Registry();
const server = new DnsServer({ zones: [clusterset, geo], registry, tcpIdleTimeoutMs: 500 });
const upstream = new DnsServer({ zones: [upstreamZone] });
let forwarding: DnsServer;
let port = 0;

async function dig(args: string[], target = port): Promise<{ status: string; flags: string[]; answers: string[]; authority: string[]; text: string }> {
  const { stdout } = await run('/usr/bin/dig', ['@127.0.0.1', '-p', String(target), '+tries=1', '+time=2', ...args]);
  const status = /status: ([A-Z]+)/.exec(stdout)?.[1] ?? 'none';
  const flags = (/;; flags: ([a-z ]+);/.exec(stdout)?.[1] ?? '').trim().split(' ');
  const section = (title: string) => (stdout.split(`;; ${title} SECTION:\n`)[1] ?? '').split('\n\n')[0]!.split('\n').filter(Boolean);
  return { status, flags, answers: section('ANSWER'), authority: section('AUTHORITY'), text: stdout };
}

beforeAll(async () => {
  port = (await server.start()).port;
  const up = await upstream.start();
  forwarding = new DnsServer({ zones: [clusterset], upstream: { address: '127.0.0.1', port: up.port, timeoutMs: 1000 } });
  await forwarding.start();
});
afterAll(async () => {
  await Promise.all([server.stop(), upstream.stop(), forwarding?.stop()]);
});

describe('DnsServer answering dig', () => {
  it('listens on an ephemeral port for UDP and TCP', () => {
    expect(port).toBeGreaterThan(0);
    expect(server.port).toBe(port);
  });

  it('answers authoritatively over UDP, case-insensitively', async () => {
    const r = await dig(['WEB.Prod.svc.clusterset.local', 'A']);
    expect(r.status).toBe('NOERROR');
    expect(r.flags).toContain('aa');
    expect(r.answers.map((l) => l.split(/\s+/).pop())).toEqual(['10.0.0.1', '10.0.0.2']);
  });

  it('answers over TCP', async () => {
    const r = await dig(['+tcp', '_http._tcp.web.prod.svc.clusterset.local', 'SRV']);
    expect([r.status, r.answers.length]).toEqual(['NOERROR', 1]);
    expect(r.text).toMatch(/ADDITIONAL: 3/); // two A records for the target plus OPT
  });

  it('answers NXDOMAIN and NODATA with the SOA', async () => {
    const nx = await dig(['nope.prod.svc.clusterset.local', 'A']);
    expect([nx.status, nx.answers.length]).toEqual(['NXDOMAIN', 0]);
    expect(nx.authority.join()).toMatch(/clusterset\.local\.\s+5\s+IN\s+SOA/);
    const nodata = await dig(['prod.svc.clusterset.local', 'A']);
    expect([nodata.status, nodata.answers.length]).toEqual(['NOERROR', 0]);
    expect(nodata.authority.join()).toMatch(/SOA/);
  });

  it('refuses names outside its zones', async () => {
    const r = await dig(['www.example.com', 'A']);
    expect(r.status).toBe('REFUSED');
    expect(r.flags).not.toContain('aa');
  });

  it('sets TC when a UDP answer is too large, and dig gets it whole over TCP', async () => {
    const truncated = await dig(['+ignore', '+bufsize=512', 'mid.clusterset.local', 'A']);
    expect(truncated.flags).toContain('tc');
    expect(truncated.answers).toHaveLength(0);
    const fits = await dig(['+ignore', '+bufsize=1232', 'mid.clusterset.local', 'A']);
    expect(fits.flags).not.toContain('tc');
    expect(fits.answers).toHaveLength(40);
    const retried = await dig(['+bufsize=4096', 'big.clusterset.local', 'A']);
    expect(retried.text).toMatch(/Truncated, retrying in TCP mode/);
    expect(retried.answers).toHaveLength(300);
  });

  it('echoes the client subnet with the zone scope and answers by it', async () => {
    const inside = await dig(['+subnet=10.20.30.0/24', 'www.global.example.test', 'A']);
    expect(inside.text).toMatch(/CLIENT-SUBNET: 10\.20\.30\.0\/24\/16/);
    expect(inside.answers.join()).toMatch(/192\.0\.2\.10/);
    const outside = await dig(['+subnet=172.16.0.0/16', 'www.global.example.test', 'A']);
    expect(outside.answers.join()).toMatch(/192\.0\.2\.20/);
  });

  it('answers FORMERR, NOTIMP and BADVERS deliberately', async () => {
    expect((await dig(['+header-only'])).status).toBe('FORMERR');
    expect((await dig(['+opcode=notify', 'clusterset.local', 'SOA'])).status).toBe('NOTIMP');
    expect((await dig(['+edns=1', '+noednsnegotiation', 'clusterset.local', 'SOA'])).status).toBe('BADVERS');
    const reply = await udpExchange(Buffer.concat([dnsPacket.encode({ type: 'query', id: 77, questions: [{ name: 'clusterset.local', type: 'A' }] }), Buffer.from([0xde, 0xad])]));
    expect([reply.readUInt16BE(0), reply[3]! & 0xf]).toEqual([77, 1]);
  });

  it('forwards other names to a loopback upstream, and relays its refusals', async () => {
    const port2 = forwarding.port;
    const fwd = await dig(['www.upstream.test', 'A'], port2);
    expect([fwd.status, fwd.answers.join()]).toEqual(['NOERROR', expect.stringMatching(/192\.0\.2\.99/)]);
    expect((await dig(['+tcp', 'www.upstream.test', 'A'], port2)).answers.join()).toMatch(/192\.0\.2\.99/);
    expect((await dig(['www.example.com', 'A'], port2)).status).toBe('REFUSED');
    expect((await dig(['web.prod.svc.clusterset.local', 'A'], port2)).flags).toContain('aa');
  });

  it('answers SERVFAIL when the upstream does not answer in time', async () => {
    const silent = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    const dead = new DnsServer({ upstream: { address: '127.0.0.1', port: silent.address().port, timeoutMs: 300 } });
    const { port: deadPort } = await dead.start();
    try {
      const started = Date.now();
      expect((await dig(['www.example.com', 'A'], deadPort)).status).toBe('SERVFAIL');
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    } finally {
      await dead.stop();
      silent.close();
    }
    expect(() => new DnsServer({ upstream: { address: '8.8.8.8', port: 53 } })).toThrow(/127\.0\.0\.0\/8/);
  });

  it('shares one zone table between listeners', async () => {
    const second = new DnsServer({ router: server.router });
    const { port: port2 } = await second.start();
    try {
      expect((await dig(['+short', 'web.prod.svc.clusterset.local', 'A'], port2)).text.trim().split('\n')).toEqual(['10.0.0.1', '10.0.0.2']);
    } finally {
      await second.stop();
    }
  });

  it('serves a new snapshot as soon as it is swapped in', async () => {
    const before = clusterset.snapshot();
    clusterset.setSnapshot(new ZoneSnapshot({ origin: 'clusterset.local', soa: { ...soa('clusterset.local'), serial: 2 }, nameservers: ['ns1.clusterset.local'], records: [{ name: 'web.prod.svc.clusterset.local', type: 'A', ttl: 5, data: '10.0.0.77' }] }));
    try {
      expect((await dig(['+short', 'web.prod.svc.clusterset.local', 'A'])).text.trim()).toBe('10.0.0.77');
      expect((await dig(['+short', 'clusterset.local', 'SOA'])).text).toMatch(/ 2 60 30 3600 5/);
    } finally {
      clusterset.setSnapshot(before);
    }
    expect((await dig(['web.prod.svc.clusterset.local', 'A'])).answers).toHaveLength(2);
  });

  it('answers several pipelined queries on one TCP connection and closes it when idle', async () => {
    const conn = net.connect(port, '127.0.0.1');
    const replies: number[] = [];
    let buffered = Buffer.alloc(0);
    conn.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        replies.push(buffered.readUInt16BE(2));
        buffered = buffered.subarray(2 + buffered.readUInt16BE(0));
      }
    });
    let closed = false;
    conn.on('close', () => { closed = true; });
    conn.on('error', () => undefined);
    const frames = [1, 2, 3].map((id) => dnsPacket.streamEncode({ type: 'query', id, questions: [{ name: `n${id}.clusterset.local`, type: 'A' }] }));
    conn.write(Buffer.concat(frames));
    await waitFor(() => replies.length === 3, { timeoutMs: 3000, what: '3 TCP replies', onTimeout: () => `got ${JSON.stringify(replies)}` });
    expect(replies).toEqual([1, 2, 3]);
    await waitFor(() => closed, { timeoutMs: 3000, what: 'idle TCP connection closed by the server' });
  });

  it('counts queries by rcode and qtype in the registry', async () => {
    const text = await registry.metrics();
    expect(text).toMatch(/meridian_dns_queries_total\{transport="udp",qtype="A",rcode="NXDOMAIN",forwarded="false"\} [1-9]/);
    expect(text).toMatch(/meridian_dns_queries_total\{transport="tcp",qtype="SRV",rcode="NOERROR",forwarded="false"\} 1/);
    expect(text).toMatch(/meridian_dns_truncated_total [1-9]/);
  });
});

function udpExchange(packet: Buffer): Promise<Buffer> {
  const socket = dgram.createSocket('udp4');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { socket.close(); reject(new Error('no UDP reply within 2 s')); }, 2000);
    socket.on('message', (msg) => { clearTimeout(timer); socket.close(); resolve(msg); });
    socket.send(packet, port, '127.0.0.1');
  });
}
