// The DNS server under fuzzing, in its own process (run with --expose-gc): reports its port, then
// answers heap requests with heapUsed after a full collection, and stops when told to.

import { DnsServer } from '../../src/dns/server.js';
import { StaticZone } from '../../src/dns/static-zone.js';
import type { DnsRecord, ZoneAuthority } from '../../src/dns/types.js';

const soa = { mname: 'ns1.clusterset.local', rname: 'hostmaster.clusterset.local', serial: 1, refresh: 60, retry: 30, expire: 3600, minimum: 5 };
const records: DnsRecord[] = [
  { name: 'web.prod.svc.clusterset.local', type: 'A', ttl: 5, data: '10.0.0.1' },
  { name: 'web.prod.svc.clusterset.local', type: 'AAAA', ttl: 5, data: 'fd00::1' },
  { name: '_http._tcp.web.prod.svc.clusterset.local', type: 'SRV', ttl: 5, data: { priority: 0, weight: 50, port: 80, target: 'web.prod.svc.clusterset.local' } },
  { name: 'dns-version.clusterset.local', type: 'TXT', ttl: 5, data: ['1.1.0'] },
  { name: 'alias.clusterset.local', type: 'CNAME', ttl: 5, data: 'web.prod.svc.clusterset.local' },
  { name: 'ns1.clusterset.local', type: 'A', ttl: 5, data: '127.0.0.1' },
  ...Array.from({ length: 200 }, (_, i): DnsRecord => ({ name: 'big.clusterset.local', type: 'A', ttl: 5, data: `10.3.0.${i}` })),
];
const geo: ZoneAuthority = {
  origin: 'global.example.test',
  answer: (qname, _qtype, c) => ({ rcode: 'NOERROR', answers: [{ name: qname.length < 200 ? qname : 'global.example.test', type: 'A', ttl: 30, data: c.ecsSubnet ? '192.0.2.10' : '192.0.2.20' }], authority: [], ecsScope: c.ecsSubnet ? 24 : undefined }),
};
const server = new DnsServer({ zones: [new StaticZone({ origin: 'clusterset.local', soa, nameservers: ['ns1.clusterset.local'], records }), geo], tcpIdleTimeoutMs: 2000 });
const { port } = await server.start();
const gc = (globalThis as { gc?: () => void }).gc;
process.send?.({ port });
process.on('message', (msg: { kind: string }) => {
  if (msg.kind === 'heap') {
    gc?.();
    gc?.();
    process.send?.({ heapUsed: process.memoryUsage().heapUsed, gc: gc !== undefined });
  } else if (msg.kind === 'stop') {
    void server.stop().then(() => process.exit(0));
  }
});
