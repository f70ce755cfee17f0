import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClient } from '../../src/kube/client.js';
import { assignBounded } from '../../src/serve/hrw.js';
import { HUB_SHARD } from '../../src/serve/ownership.js';
import { ShardCoordinator } from '../../src/serve/shards.js';
import { silentLogger } from '../../src/util/log.js';
import { waitFor } from '../../src/util/wait.js';
import { startEnvtest, type Envtest } from '../support/envtest.js';
import { tcpProxy, type Proxy } from '../support/tcp-proxy.js';

// Replicas of the shard coordinator against a real API server, each through its own TCP proxy so
// that it can be cut off. A sampler checks every 20 ms, on the one clock all replicas share here,
// that no member is ever acted on by two replicas at once, through joins, a clean stop, a partition
// and a heal. Who holds what is checked against bounded-load rendezvous hashing over the live replicas.

const LEASE_MS = 3000;
const RENEW_MS = 2000;
const RETRY_MS = 300;
const MEMBERS = Array.from({ length: 12 }, (_, i) => `member-${String(i).padStart(2, '0')}`);
const KEYS = [HUB_SHARD, ...MEMBERS];

interface Replica { id: string; proxy: Proxy; client: KubeClient; shards: ShardCoordinator; stopped: boolean }

let env: Envtest;
const replicas: Replica[] = [];
const overlaps: string[] = [];
let sampler: NodeJS.Timeout;

async function startReplica(id: string): Promise<Replica> {
  const proxy = await tcpProxy(Number(new URL(env.server).port));
  const file = `${env.kubeconfig}.${id}`;
  await writeFile(file, (await readFile(env.kubeconfig, 'utf8')).replaceAll(new URL(env.server).host, `127.0.0.1:${proxy.port}`));
  const client = await KubeClient.fromFile(file, env.context, 1500);
  const shards = new ShardCoordinator(client, { namespace: 'meridian-system', group: 'test-shards', identity: id, leaseDurationMs: LEASE_MS, renewDeadlineMs: RENEW_MS, retryPeriodMs: RETRY_MS, keys: () => MEMBERS }, silentLogger);
  await shards.start();
  const r = { id, proxy, client, shards, stopped: false };
  replicas.push(r);
  return r;
}

const active = () => replicas.filter((r) => !r.stopped);
const holders = (key: string) => replicas.filter((r) => r.shards.owns(key)).map((r) => r.id);

/** True when every key is held by exactly the replica bounded-load hashing names among `live`. */
function settled(live: Replica[]): boolean {
  const owners = assignBounded(KEYS, live.map((r) => r.id));
  return KEYS.every((k) => {
    const h = holders(k);
    return h.length === 1 && h[0] === owners.get(k);
  });
}

beforeAll(async () => {
  env = await startEnvtest({ name: 'shards', crds: [] });
  sampler = setInterval(() => {
    for (const k of KEYS) {
      const h = holders(k);
      if (h.length > 1) overlaps.push(`${new Date().toISOString()} ${k}: ${h.join(', ')}`);
    }
  }, 20);
});

afterAll(async () => {
  clearInterval(sampler);
  for (const r of replicas) {
    r.proxy.heal();
    if (!r.stopped) await r.shards.stop().catch(() => undefined);
    r.client.close();
    r.proxy.close();
  }
  await env?.stop();
});

describe('shards: members split between replicas by Leases and bounded-load rendezvous hashing', () => {
  it('three replicas split the members as hashing says, each member held once', async () => {
    for (const id of ['replica-a', 'replica-b', 'replica-c']) await startReplica(id);
    await waitFor(() => settled(active()), { timeoutMs: 60_000, intervalMs: 100, what: 'every member held by its hashing owner', onTimeout: () => KEYS.map((k) => `${k}: ${holders(k).join(',')}`).join('\n') });
    const leases = (await env.client.list<{ spec?: { holderIdentity?: string }; metadata?: { labels?: Record<string, string> } }>('coordination.k8s.io/v1', 'Lease', { namespace: 'meridian-system', labelSelector: 'meridian.dev/shard-group=test-shards,meridian.dev/shard-role=member' })).items;
    expect(leases.length).toBe(KEYS.length);
    expect(overlaps).toEqual([]);
  });

  it('a fourth replica takes its share, and only the members bounded-load hashing moves change hands', async () => {
    const before = new Map(KEYS.map((k) => [k, holders(k)[0]]));
    await startReplica('replica-d');
    await waitFor(() => settled(active()), { timeoutMs: 60_000, intervalMs: 100, what: 'the new replica holding its share' });
    const moved = KEYS.filter((k) => holders(k)[0] !== before.get(k));
    // 5/4/4 becomes 4/3/3/3: three members go to replica-d and member-10 from replica-b to replica-c.
    const was = assignBounded(KEYS, ['replica-a', 'replica-b', 'replica-c']);
    const now = assignBounded(KEYS, ['replica-a', 'replica-b', 'replica-c', 'replica-d']);
    expect(moved).toEqual(KEYS.filter((k) => was.get(k) !== now.get(k)));
    expect(moved.filter((k) => holders(k)[0] !== 'replica-d').length).toBeLessThanOrEqual(1);
    expect(overlaps).toEqual([]);
  });

  it('a replica that stops hands its members over and the others take them', async () => {
    const d = replicas.find((r) => r.id === 'replica-d') as Replica;
    d.stopped = true;
    await d.shards.stop();
    expect(d.shards.ownedKeys()).toEqual([]);
    await waitFor(() => settled(active()), { timeoutMs: 60_000, intervalMs: 100, what: 'members of the stopped replica taken over' });
    expect(overlaps).toEqual([]);
  });

  it('a replica cut off stops acting on the clock; the others take over its members; after the heal it gets its share back', async () => {
    const a = replicas.find((r) => r.id === 'replica-a') as Replica;
    const itsKeys = a.shards.ownedKeys();
    expect(itsKeys).toContain(HUB_SHARD); // bounded-load hashing gives replica-a the hub shard among these names
    a.proxy.cut();
    await waitFor(() => a.shards.ownedKeys().length === 0, { timeoutMs: 30_000, intervalMs: 50, what: 'the cut-off replica to stop acting' });
    const others = active().filter((r) => r !== a);
    await waitFor(() => settled(others), { timeoutMs: 60_000, intervalMs: 100, what: 'the cut-off replica\'s members taken over', onTimeout: () => KEYS.map((k) => `${k}: ${holders(k).join(',')}`).join('\n') });
    a.proxy.heal();
    await waitFor(() => settled(active()), { timeoutMs: 60_000, intervalMs: 100, what: 'the healed replica back with its share' });
    expect(overlaps).toEqual([]);
  });
});
