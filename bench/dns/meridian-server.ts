// Meridian's DNS server serving the benchmark zone, as its own process: prints {"port":N} once
// listening and runs until killed. Usage: node --import tsx bench/dns/meridian-server.ts <services>

import { DnsServer } from '../../src/dns/server.js';
import { StaticZone } from '../../src/dns/static-zone.js';
import { benchSnapshot } from './zone.js';

const services = Number(process.argv[2] ?? 1000);
const server = new DnsServer({ zones: [new StaticZone(benchSnapshot(services))] });
const { port } = await server.start();
process.stdout.write(`${JSON.stringify({ port, pid: process.pid })}\n`);
process.on('SIGTERM', () => void server.stop().then(() => process.exit(0)));
