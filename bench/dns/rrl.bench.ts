// Response-rate limiting per reply, in process: what one ResponseRateLimiter.check costs when a few
// resolvers ask for a few hundred names (8 client prefixes x 256 answers at 30k replies a second),
// the traffic an exposed DNS worker accounts on every UDP reply. CPU time, so a busy machine
// disturbs it less than wall time.
//   npx tsx bench/dns/rrl.bench.ts

import { ResponseRateLimiter } from '../../src/dns/rrl.js';

const rrl = new ResponseRateLimiter({ responsesPerSecond: 1e9 });
const clients = Array.from({ length: 8 }, (_, i) => `192.0.${i}.${(i * 7) & 255}`);
const answers = Array.from({ length: 256 }, (_, i) => `svc-${i}.ns-${i % 20}.svc.clusterset.local:1`);
const run = (n: number, from: number): void => {
  for (let i = from; i < from + n; i++) rrl.check(clients[i & 7]!, answers[(i >> 3) & 255]!, i / 30);
};
run(300_000, 0);
const n = 2_000_000;
const before = process.cpuUsage();
run(n, 300_000);
const used = process.cpuUsage(before);
console.log(`ResponseRateLimiter.check: ${(((used.user + used.system) * 1000) / n).toFixed(0)} ns CPU per reply (8 prefixes x 256 answers, 30k replies/s)`);
