import net from 'node:net';
import type { GlobalService } from '../api/globalservice.js';
import { API_VERSION } from '../api/schema.js';
import type { KubeClient } from '../kube/client.js';
import { killCluster, startSupervisor, waitReady } from '../fleet/fleet.js';
import { setIngressDown } from '../fleet/ingress.js';
import type { FleetSpec } from '../fleet/layout.js';
import { sleep } from '../util/wait.js';
import { addressesOf, query, type DnsEndpoint } from './dnsclient.js';

/** What a drill does and where it looks. */
export interface DrillOptions {
  spec: FleetSpec;
  /** The member cluster to take down. */
  cluster: string;
  hostname: string;
  dns: DnsEndpoint;
  /** Kill the whole cluster, or only take its ingress off the network. */
  mode: 'cluster' | 'ingress';
  /** The hub, to read when Meridian marked the backend Unhealthy; without it detection is not reported. */
  hub?: KubeClient;
  pollMs?: number;
  timeoutMs?: number;
  onProgress?: (message: string) => void;
}

/** Measured times, in milliseconds from the moment the region was killed (failback: from the restore). */
export interface DrillReport {
  cluster: string;
  mode: 'cluster' | 'ingress';
  hostname: string;
  ttlSeconds: number;
  answerBefore: string[];
  answerDuring: string[];
  timeToDetectMs?: number;
  timeToAnswerChangeMs: number;
  timeToClientMoveMs: number;
  regionBackMs: number;
  timeToFailBackMs: number;
}

/** A client that caches the answer for its TTL, as stub resolvers and browsers do. */
class TtlClient {
  answer: string[] = [];
  ttl = 0;
  private expires = 0;
  constructor(private readonly dns: DnsEndpoint, private readonly hostname: string) {}
  async tick(now = Date.now()): Promise<string[]> {
    if (now < this.expires) return this.answer;
    const r = addressesOf(await query(this.dns, this.hostname, 'A', { timeoutMs: 1000 }), this.hostname);
    this.answer = r.addresses.sort();
    this.ttl = r.ttl;
    this.expires = Date.now() + r.ttl * 1000;
    return this.answer;
  }
}

async function fresh(o: DrillOptions): Promise<string[]> {
  return addressesOf(await query(o.dns, o.hostname, 'A', { timeoutMs: 1000 }), o.hostname).addresses.sort();
}

/**
 * Runs an outage drill on the local fleet: kills a region (or its ingress), watches the DNS answer
 * both fresh and through a TTL-honouring client, restores the region, and waits for fail-back.
 * The region's address must be in the answer before the kill, or there is nothing to measure.
 */
export async function runDrill(o: DrillOptions): Promise<DrillReport> {
  const poll = o.pollMs ?? 100;
  const timeout = o.timeoutMs ?? 180_000;
  const c = o.spec.clusters.find((x) => x.name === o.cluster);
  if (!c || c.role !== 'member') throw new Error(`no member cluster "${o.cluster}" in the fleet (members: ${o.spec.clusters.filter((x) => x.role === 'member').map((x) => x.name).join(', ')})`);
  const dead = c.ingressAddress;
  const client = new TtlClient(o.dns, o.hostname);
  const answerBefore = await client.tick();
  if (!answerBefore.includes(dead)) throw new Error(`${o.hostname} answers [${answerBefore.join(', ')}] from ${o.dns.host}:${o.dns.port}; ${o.cluster}'s ingress ${dead} is not in it, so killing it would move nothing`);
  o.onProgress?.(`${o.hostname} -> ${answerBefore.join(', ')} (TTL ${client.ttl}s); killing ${o.mode === 'cluster' ? o.cluster : `${o.cluster}'s ingress`}`);
  const killedAt = Date.now();
  if (o.mode === 'cluster') await killCluster(o.spec, o.cluster);
  else await setIngressDown(o.spec, o.cluster, true);
  let restored = false;
  try {
    const moved = await watchMove(o, client, dead, killedAt, poll, timeout);
    o.onProgress?.(`answer changed after ${(moved.answerChangedMs / 1000).toFixed(2)}s, client moved after ${(moved.clientMovedMs / 1000).toFixed(2)}s; restoring`);
    const detectedMs = o.hub ? await detection(o, dead, killedAt) : undefined;
    const restoreAt = Date.now();
    await restore(o);
    restored = true;
    const regionBackMs = await until(() => tcpOpen(dead, c.ingressPort), poll, timeout, 'the region ingress to accept connections again') - restoreAt;
    const failback = await until(async () => (await fresh(o)).includes(dead), poll, timeout, `${o.hostname} to answer ${dead} again`);
    return {
      cluster: o.cluster, mode: o.mode, hostname: o.hostname, ttlSeconds: client.ttl, answerBefore, answerDuring: moved.answer,
      timeToDetectMs: detectedMs, timeToAnswerChangeMs: moved.answerChangedMs, timeToClientMoveMs: moved.clientMovedMs, regionBackMs, timeToFailBackMs: failback - restoreAt,
    };
  } finally {
    if (!restored) await restore(o).catch(() => undefined);
  }
}

async function watchMove(o: DrillOptions, client: TtlClient, dead: string, killedAt: number, poll: number, timeout: number) {
  let answerChangedMs: number | undefined;
  let answer: string[] = [];
  const deadline = killedAt + timeout;
  while (Date.now() < deadline) {
    const now = Date.now();
    if (answerChangedMs === undefined) {
      const a = await fresh(o).catch(() => undefined);
      if (a && a.length > 0 && !a.includes(dead)) [answerChangedMs, answer] = [now - killedAt, a];
    }
    const seen = await client.tick().catch(() => client.answer);
    if (answerChangedMs !== undefined && seen.length > 0 && !seen.includes(dead)) return { answerChangedMs, clientMovedMs: Date.now() - killedAt, answer };
    await sleep(poll);
  }
  throw new Error(`within ${timeout} ms of the kill, ${o.hostname} still answered ${dead} (fresh answer changed: ${answerChangedMs !== undefined}); is the traffic controller running and its health check pointed at ${dead}?`);
}

async function detection(o: DrillOptions, dead: string, killedAt: number): Promise<number | undefined> {
  const list = await o.hub?.list<GlobalService>(API_VERSION, 'GlobalService').catch(() => undefined);
  const gs = list?.items.find((g) => g.spec.hostnames.map((h) => h.toLowerCase()).includes(o.hostname.toLowerCase()));
  const b = gs?.status?.backends?.find((x) => x.address === dead && x.health === 'Unhealthy');
  return b ? new Date(b.lastTransitionTime).getTime() - killedAt : undefined;
}

async function restore(o: DrillOptions): Promise<void> {
  if (o.mode === 'ingress') return setIngressDown(o.spec, o.cluster, false);
  const c = o.spec.clusters.find((x) => x.name === o.cluster);
  if (!c) return;
  startSupervisor(o.spec, c);
  await waitReady(o.spec, [c], 120_000);
}

async function until(cond: () => Promise<boolean>, poll: number, timeout: number, what: string): Promise<number> {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (await cond().catch(() => false)) return Date.now();
    await sleep(poll);
  }
  throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
}

function tcpOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (ok: boolean) => { s.destroy(); resolve(ok); };
    s.setTimeout(500, () => done(false));
    s.once('connect', () => done(true)).once('error', () => done(false));
  });
}
