// Shard hand-over of `meridian serve --shards`, against a real kube-apiserver (envtest):
//   npx tsx bench/scale/shards.bench.ts [--replicas 3] [--members 48] [--drills 5] [--lease 6] [--renew 4] [--retry 1]
// Each drill cuts one replica off the API server (a TCP black hole, as a dead or partitioned host
// looks) and measures, on the one clock the replicas share here: when the victim stops acting (on
// its clock alone) and when every one of its members is held by the survivors bounded-load
// rendezvous hashing names. Then it heals the victim and measures how long until the group is back
// as hashing says. Also: a replica joining moves how many members, against its fair share, and the
// shard sizes after. Baselines printed beside
// the figures: the renew deadline and the lease duration, the bounds the design promises (a member
// of a dead replica cannot safely be taken before its Lease has been still for a lease duration).

import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { KubeClient } from '../../src/kube/client.js';
import { assignBounded } from '../../src/serve/hrw.js';
import { HUB_SHARD } from '../../src/serve/ownership.js';
import { ShardCoordinator } from '../../src/serve/shards.js';
import { silentLogger } from '../../src/util/log.js';
import { formatTable } from '../../src/util/table.js';
import { waitFor } from '../../src/util/wait.js';
import { startEnvtest, type Envtest } from '../../test/support/envtest.js';
import { tcpProxy, type Proxy } from '../../test/support/tcp-proxy.js';

const { values } = parseArgs({ options: {
  replicas: { type: 'string', default: '3' }, members: { type: 'string', default: '48' }, drills: { type: 'string', default: '5' },
  lease: { type: 'string', default: '6' }, renew: { type: 'string', default: '4' }, retry: { type: 'string', default: '1' },
} });
const LEASE_MS = Number(values.lease) * 1000;
const RENEW_MS = Number(values.renew) * 1000;
const RETRY_MS = Number(values.retry) * 1000;
const MEMBERS = Array.from({ length: Number(values.members) }, (_, i) => `member-${String(i).padStart(3, '0')}`);
const KEYS = [HUB_SHARD, ...MEMBERS];

interface Replica { id: string; proxy: Proxy; client: KubeClient; shards: ShardCoordinator }

const env: Envtest = await startEnvtest({ name: 'shards-bench', crds: [] });
const replicas: Replica[] = [];
let overlaps = 0;
const sampler = setInterval(() => {
  for (const k of KEYS) if (replicas.filter((r) => r.shards.owns(k)).length > 1) overlaps++;
}, 10);

async function startReplica(id: string): Promise<Replica> {
  const proxy = await tcpProxy(Number(new URL(env.server).port));
  const file = `${env.kubeconfig}.${id}`;
  await writeFile(file, (await readFile(env.kubeconfig, 'utf8')).replaceAll(new URL(env.server).host, `127.0.0.1:${proxy.port}`));
  const client = await KubeClient.fromFile(file, env.context, 2000);
  const shards = new ShardCoordinator(client, { namespace: 'meridian-system', group: 'bench-shards', identity: id, leaseDurationMs: LEASE_MS, renewDeadlineMs: RENEW_MS, retryPeriodMs: RETRY_MS, keys: () => MEMBERS }, silentLogger);
  await shards.start();
  const r = { id, proxy, client, shards };
  replicas.push(r);
  return r;
}

const holder = (k: string) => replicas.filter((r) => r.shards.owns(k)).map((r) => r.id);
const settled = (live: Replica[]) => {
  const owners = assignBounded(KEYS, live.map((r) => r.id));
  return KEYS.every((k) => {
    const h = holder(k);
    return h.length === 1 && h[0] === owners.get(k);
  });
};
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];

try {
  for (let i = 0; i < Number(values.replicas); i++) await startReplica(`replica-${i}`);
  await waitFor(() => settled(replicas), { timeoutMs: 120_000, intervalMs: 20, what: 'the group settled' });

  const stopActing: number[] = [];
  const takeover: number[] = [];
  const rejoin: number[] = [];
  for (let d = 0; d < Number(values.drills); d++) {
    const victim = replicas[d % replicas.length];
    const itsMembers = victim.shards.ownedKeys();
    const others = replicas.filter((r) => r !== victim);
    const cutAt = Date.now();
    victim.proxy.cut();
    await waitFor(() => victim.shards.ownedKeys().length === 0, { timeoutMs: 60_000, intervalMs: 10, what: 'the victim to stop acting' });
    stopActing.push(Date.now() - cutAt);
    await waitFor(() => settled(others), { timeoutMs: 120_000, intervalMs: 10, what: `the members of ${victim.id} taken over` });
    takeover.push(Date.now() - cutAt);
    process.stdout.write(`drill ${d + 1}: ${victim.id} held ${itsMembers.length} shards; stopped acting after ${stopActing.at(-1)} ms, all taken over after ${takeover.at(-1)} ms\n`);
    const healAt = Date.now();
    victim.proxy.heal();
    await waitFor(() => settled(replicas), { timeoutMs: 120_000, intervalMs: 10, what: 'the healed replica back with its share' });
    rejoin.push(Date.now() - healAt);
  }

  const before = new Map(KEYS.map((k) => [k, holder(k)[0]]));
  const joinAt = Date.now();
  const newcomer = await startReplica(`replica-${replicas.length}`);
  await waitFor(() => settled(replicas), { timeoutMs: 120_000, intervalMs: 10, what: 'the new replica holding its share' });
  const joinMs = Date.now() - joinAt;
  const moved = KEYS.filter((k) => holder(k)[0] !== before.get(k));
  const movedElsewhere = moved.filter((k) => holder(k)[0] !== newcomer.id).length;
  const sizes = replicas.map((r) => r.shards.ownedKeys().length).join('/');

  process.stdout.write(`\n${replicas.length - 1} replicas, ${MEMBERS.length} members + the hub shard; lease ${LEASE_MS} ms, renew deadline ${RENEW_MS} ms, retry ${RETRY_MS} ms; ${values.drills} drills\n\n`);
  process.stdout.write(formatTable(['measure', 'p50', 'max', 'baseline'], [
    ['victim stops acting (cut -> no shard held)', `${pct(stopActing, 50)} ms`, `${Math.max(...stopActing)} ms`, `renew deadline ${RENEW_MS} ms`],
    ['its members taken over (cut -> all held by survivors)', `${pct(takeover, 50)} ms`, `${Math.max(...takeover)} ms`, `lease ${LEASE_MS} ms (+ up to two retry periods to notice)`],
    ['healed replica back with its share', `${pct(rejoin, 50)} ms`, `${Math.max(...rejoin)} ms`, `retry period ${RETRY_MS} ms`],
  ]) + '\n');
  process.stdout.write(`\na replica joined: ${moved.length} of ${KEYS.length} shards moved (fair share ${(KEYS.length / replicas.length).toFixed(1)}), ${movedElsewhere} moved between the old replicas, shards ${sizes}, settled after ${joinMs} ms\n`);
  process.stdout.write(`samples with a shard held by two replicas at once: ${overlaps}\n`);
} finally {
  clearInterval(sampler);
  for (const r of replicas) {
    r.proxy.heal();
    await r.shards.stop().catch(() => undefined);
    r.client.close();
    r.proxy.close();
  }
  await env.stop();
}
