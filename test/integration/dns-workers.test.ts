import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ZoneSnapshotInput } from '../../src/dns/snapshot.js';
import { DnsWorkerPool, type WorkerStats } from '../../src/dns/workers.js';
import { addressesOf, query } from '../../src/traffic/dnsclient.js';
import { waitFor } from '../../src/util/wait.js';

const ORIGIN = 'clusterset.local';
const NAME = `web.demo.svc.${ORIGIN}`;
const zone = (addresses: string[], serial: number): ZoneSnapshotInput => ({
  origin: ORIGIN,
  soa: { mname: `ns1.${ORIGIN}`, rname: `hostmaster.${ORIGIN}`, serial, refresh: 60, retry: 30, expire: 3600, minimum: 5 },
  nameservers: [`ns1.${ORIGIN}`],
  records: addresses.map((data) => ({ name: NAME, type: 'A' as const, ttl: 5, data })),
});

/** Sends `n` queries at once, each from its own socket, and returns the sorted answers and SOA serials. */
async function burst(port: number, n: number, tcp = false): Promise<string[]> {
  const replies = await Promise.all(Array.from({ length: n }, async () => {
    const [a, soa] = await Promise.all([query({ host: '127.0.0.1', port }, NAME, 'A', { timeoutMs: 5000, tcp }), query({ host: '127.0.0.1', port }, ORIGIN, 'SOA', { timeoutMs: 5000, tcp })]);
    const serial = (soa.answers?.[0] as { data?: { serial?: number } } | undefined)?.data?.serial;
    return `${a.rcode} ${addressesOf(a, NAME).addresses.sort().join(',')} serial=${serial}`;
  }));
  return replies;
}

describe('DNS worker pool: several processes on one port, one snapshot version', () => {
  const pool = new DnsWorkerPool({ workers: 2 });
  let port = 0;
  beforeAll(async () => {
    port = (await pool.start([zone(['10.1.0.1', '10.2.0.1'], 1)])).port;
  });
  afterAll(async () => {
    await pool.stop();
  });

  /** Queries in bursts until every worker has answered some since `before`; returns every answer seen. */
  async function untilEveryWorkerAnswered(before: WorkerStats[], tcp = false): Promise<Set<string>> {
    const seen = new Set<string>();
    let stats: WorkerStats[] = before;
    await waitFor(async () => {
      for (const answer of await burst(port, 50, tcp)) seen.add(answer);
      stats = await pool.workerStats();
      return stats.every((s, i) => s.queries > (before[i]?.queries ?? 0));
    }, { timeoutMs: 60_000, intervalMs: 10, what: 'every worker to answer', onTimeout: () => JSON.stringify(stats) });
    return seen;
  }

  it('answers identically from every worker, over UDP and TCP', async () => {
    const start = await pool.workerStats();
    expect(start).toHaveLength(2);
    expect(new Set(start.map((s) => s.pid)).size).toBe(2);
    // Each worker reads its own SO_REUSEPORT socket through the addon (scripts/test.sh builds it).
    expect(pool.udpIo).toEqual({ udpIo: 'native' });
    expect(await untilEveryWorkerAnswered(start)).toEqual(new Set(['NOERROR 10.1.0.1,10.2.0.1 serial=1']));
    expect(await untilEveryWorkerAnswered(await pool.workerStats(), true)).toEqual(new Set(['NOERROR 10.1.0.1,10.2.0.1 serial=1']));
  });

  it('a published snapshot reaches every worker before publish resolves', async () => {
    const version = await pool.publish([zone(['10.3.0.1'], 2)]);
    const stats = await pool.workerStats();
    expect(stats.map((s) => s.version)).toEqual([version, version]);
    // From the moment publish resolved, no worker may answer from the old snapshot.
    expect(await untilEveryWorkerAnswered(stats)).toEqual(new Set(['NOERROR 10.3.0.1 serial=2']));
  });

  it('keeps serving the last good version when a snapshot is invalid', async () => {
    const bad = zone(['10.4.0.1'], 3);
    const invalid = { ...bad, records: [...bad.records, { name: 'outside.example.com', type: 'A' as const, ttl: 5, data: '10.9.9.9' }] };
    await expect(pool.publish([invalid])).rejects.toThrow(/outside\.example\.com/);
    expect(await burst(port, 5)).toEqual(Array(5).fill('NOERROR 10.3.0.1 serial=2'));
  });
});
