// Meridian's DNS server serving the benchmark zone, as its own process: prints one JSON line
// ({"port":N,...}) once listening and runs until killed.
//   node --import tsx bench/dns/meridian-server.ts <services> [workers] [changes] [native|node]
// workers 0 (the default) is the in-process single-thread server; N > 0 forks N cluster workers
// sharing the port (src/dns/workers.ts), the controller process publishing the snapshot. With
// workers, `changes` snapshot changes (a new serial) are published first and each is timed until
// every worker acknowledged it (the propagation time); the last one restores the original zone.
// The last argument picks the UDP I/O path (src/dns/udp-native.ts; default native); the JSON line
// says which one the server really uses (native falls back to node when the addon is missing).

import { DnsServer } from '../../src/dns/server.js';
import type { UdpIo } from '../../src/dns/udp-native.js';
import { StaticZone } from '../../src/dns/static-zone.js';
import { DnsWorkerPool } from '../../src/dns/workers.js';
import { benchSnapshotInput } from './zone.js';

const services = Number(process.argv[2] ?? 1000);
const workers = Number(process.argv[3] ?? 0);
const changes = Number(process.argv[4] ?? 20);
const udpIo: UdpIo = process.argv[5] === 'node' ? 'node' : 'native';
if (workers > 0) {
  const pool = new DnsWorkerPool({ workers, udpIo });
  const input = benchSnapshotInput(services);
  const { port } = await pool.start([input]);
  const propagationMs: number[] = [];
  for (let i = 1; i <= changes; i++) {
    const changed = i === changes ? input : { ...input, soa: { ...input.soa, serial: input.soa.serial + i } };
    const begun = performance.now();
    await pool.publish([changed]);
    propagationMs.push(performance.now() - begun);
  }
  process.stdout.write(`${JSON.stringify({ port, pid: process.pid, workers, propagationMs, ...pool.udpIo })}\n`);
  process.on('SIGTERM', () => void pool.stop().then(() => process.exit(0)));
} else {
  const server = new DnsServer({ zones: [new StaticZone(benchSnapshotInput(services))], udpIo });
  const { port } = await server.start();
  process.stdout.write(`${JSON.stringify({ port, pid: process.pid, udpIo: server.udpIo, udpIoFallback: server.udpIoFallback })}\n`);
  process.on('SIGTERM', () => void server.stop().then(() => process.exit(0)));
}
