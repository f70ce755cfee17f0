// A DNS worker's JavaScript per datagram without sockets: the UDP listener's call into dispatch with
// the reply cache and prom-client metrics, as src/dns/worker-main.ts wires them, over the dnsperf
// query mix (a fresh copy of each query stands in for the Buffer Node hands over). Set against the
// CPU per query that dnsperf.bench.ts measures, it shows how much of that is Meridian's own work.
// CPU time, so a busy machine disturbs it less than wall time; for exact counts run it under
// `valgrind --tool=callgrind` twice with different --queries and divide the difference.
//   npx tsx bench/dns/dispatch.bench.ts [--queries 2000000] [--no-metrics]

import { parseArgs } from 'node:util';
import dnsPacket from 'dns-packet';
import { Registry } from 'prom-client';
import { createDispatch } from '../../src/dns/dispatch.js';
import { noDnsMetrics, prometheusDnsMetrics } from '../../src/dns/metrics.js';
import { ReplyCache } from '../../src/dns/reply-cache.js';
import { ZoneRouter } from '../../src/dns/router.js';
import { StaticZone } from '../../src/dns/static-zone.js';
import type { QueryContext } from '../../src/dns/types.js';
import { benchSnapshot, queryFile } from './zone.js';

const { values } = parseArgs({ options: { queries: { type: 'string', default: '2000000' }, 'no-metrics': { type: 'boolean', default: false } } });
const router = new ZoneRouter([new StaticZone(benchSnapshot(1000))]);
const queries = queryFile(1000, 5000).trim().split('\n').map((line, i) => {
  const [name, type] = line.split(' ');
  return dnsPacket.encode({ type: 'query', id: i, questions: [{ name: name!, type: type as 'A' }] });
});
const metrics = values['no-metrics'] ? noDnsMetrics : prometheusDnsMetrics(new Registry());
const dispatch = createDispatch({ router, limits: { maxUdpSize: 1232, forwarding: false, minimalAny: false }, metrics, replyCache: new ReplyCache() });
let sent = 0;
const reply = (bytes: Buffer, ctx: QueryContext): void => { sent += bytes.length + ctx.clientPort; };
const run = (n: number): void => {
  for (let i = 0; i < n; i++) {
    const msg = Buffer.from(queries[i % queries.length]!);
    dispatch(msg, { clientAddress: '127.0.0.1', clientPort: 40000 + (i & 1023), localAddress: '127.0.0.1', localPort: 53, transport: 'udp' }, reply);
  }
};
run(300_000); // JIT and the reply cache warm
const n = Number(values.queries);
const before = process.cpuUsage();
run(n);
const used = process.cpuUsage(before);
console.log(`dispatch (reply cache${values['no-metrics'] ? '' : ', prom-client metrics'}): ${(((used.user + used.system) * 1000) / n).toFixed(0)} ns CPU per query, ${sent > 0 ? 'replies sent' : 'no reply'}`);
