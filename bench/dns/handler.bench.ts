// The query path without sockets: handleQuery over the dnsperf query mix, in process. Shows how
// much of a core the JavaScript work takes per query, to set against the socket-bound dnsperf figure.
//   npx tsx bench/dns/handler.bench.ts [--edns]   (--edns: every query carries an OPT record, as resolvers send)

import dnsPacket, { type OptAnswer } from 'dns-packet';
import { handleQuery } from '../../src/dns/handler.js';
import { ZoneRouter } from '../../src/dns/router.js';
import { StaticZone } from '../../src/dns/static-zone.js';
import type { QueryContext } from '../../src/dns/types.js';
import { benchSnapshot, queryFile } from './zone.js';

const router = new ZoneRouter([new StaticZone(benchSnapshot(1000))]);
const queries = queryFile(1000, 5000).trim().split('\n').map((line, i) => {
  const [name, type] = line.split(' ');
  const opt: OptAnswer = { type: 'OPT', name: '.', udpPayloadSize: 1232, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] };
  return dnsPacket.encode({ type: 'query', id: i, questions: [{ name: name!, type: type as 'A' }], additionals: process.argv.includes('--edns') ? [opt] : [] });
});
const ctx: QueryContext = { clientAddress: '127.0.0.1', clientPort: 1, localAddress: '127.0.0.1', localPort: 53, transport: 'udp' };
const limits = { maxUdpSize: 1232, forwarding: false };
for (let i = 0; i < 200_000; i++) handleQuery(queries[i % queries.length]!, ctx, router, limits);
const n = 1_000_000;
const start = process.hrtime.bigint();
for (let i = 0; i < n; i++) handleQuery(queries[i % queries.length]!, ctx, router, limits);
const ns = Number(process.hrtime.bigint() - start) / n;
console.log(`handleQuery${process.argv.includes('--edns') ? ' (EDNS)' : ''}: ${ns.toFixed(0)} ns per query, ${(1e9 / ns / 1000).toFixed(0)}k queries/s of JavaScript on one core (no sockets)`);
