// Run by the native UDP I/O test with the addon hidden: starts a DnsServer asking for native UDP
// I/O and prints what it runs on, why, and the answer to one query over UDP.
import { DnsServer } from '../../src/dns/server.js';
import { StaticZone } from '../../src/dns/static-zone.js';
import { query } from '../../src/traffic/dnsclient.js';

const soa = { mname: 'ns1.example.test', rname: 'hostmaster.example.test', serial: 1, refresh: 60, retry: 30, expire: 3600, minimum: 5 };
const server = new DnsServer({ udpIo: 'native', zones: [new StaticZone({ origin: 'example.test', soa, nameservers: ['ns1.example.test'], records: [{ name: 'web.example.test', type: 'A', ttl: 5, data: '10.0.0.1' }] })] });
const { port } = await server.start();
const reply = await query({ host: '127.0.0.1', port }, 'web.example.test', 'A');
process.stdout.write(`${JSON.stringify({ udpIo: server.udpIo, fallback: server.udpIoFallback, rcode: reply.rcode })}\n`);
await server.stop();
