import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FleetSupervisor, type SupervisedCluster } from '../../src/fleet/fleet-supervisor.js';
import { clusterPaths, layoutFleet, type FleetCluster, type FleetSpec } from '../../src/fleet/layout.js';
import { PortHold } from '../../src/fleet/ports.js';
import { defaultUpTimeoutMs, MAX_START_CONCURRENCY, startConcurrency } from '../../src/fleet/startup.js';
import { readStatus } from '../../src/fleet/status.js';
import { silentLogger } from '../../src/util/log.js';
import { waitFor } from '../../src/util/wait.js';

describe('boot waves', () => {
  it.each([
    [1, 1], [2, 2], [4, 4], [6, 6], [64, MAX_START_CONCURRENCY], [0, 1], [1.5, 1],
  ])('boot %s CPUs -> %s clusters at a time', (cpus, want) => {
    expect(startConcurrency(cpus)).toBe(want);
  });

  it.each([
    // clusters (hub included), at a time, seconds
    [1, 2, 180], [4, 2, 240], [4, 4, 180], [25, 2, 900], [25, 6, 420], [25, 1, 1620],
  ])('give %s clusters booted %s at a time %s s by default', (clusters, concurrency, seconds) => {
    expect(defaultUpTimeoutMs(clusters, concurrency)).toBe(seconds * 1000);
  });
});

/** A cluster whose boot and start the test ends by hand. */
class FakeCluster implements SupervisedCluster {
  readonly booted: Promise<void>;
  readonly done: Promise<void>;
  boot!: () => void;
  finish!: () => void;
  failStart!: (err: Error) => void;
  failed: Error | undefined;
  private end!: () => void;
  private readonly started: Promise<void>;

  constructor(readonly cluster: FleetCluster, readonly ports: Promise<PortHold>) {
    this.booted = new Promise((resolve) => (this.boot = resolve));
    this.done = new Promise((resolve) => (this.end = resolve));
    this.started = new Promise((resolve, reject) => {
      this.finish = resolve;
      this.failStart = reject;
    });
  }

  start(): Promise<void> {
    return this.started;
  }

  async fail(err: Error): Promise<void> {
    this.failed = err;
    await this.stop();
  }

  async stop(): Promise<void> {
    await (await this.ports).releaseAll();
    this.boot();
    this.end();
  }

  groupPid(): number | undefined {
    return undefined;
  }
}

describe('the fleet supervisor', () => {
  let spec: FleetSpec;
  let sup: FleetSupervisor | undefined;
  afterEach(async () => {
    await sup?.stop();
    await rm(spec.stateDir, { recursive: true, force: true });
  });

  async function supervise(members: number, concurrency: number) {
    spec = layoutFleet({ stateDir: await mkdtemp(join(tmpdir(), 'meridian-waves-')), members, portBase: 59_300 });
    // fleet up prepares every cluster's directory before the supervisor starts.
    for (const c of spec.clusters) await mkdir(clusterPaths(spec, c.name).dir, { recursive: true });
    const made: FakeCluster[] = [];
    sup = new FleetSupervisor(spec, 'fleet', { etcd: '', kubeApiserver: '', kubeControllerManager: '', kubeScheduler: '' }, silentLogger, {
      concurrency, makeCluster: (c, ports) => {
        const f = new FakeCluster(c, ports);
        made.push(f);
        return f;
      },
    });
    sup.start(spec.clusters.map((c) => c.name));
    return made;
  }
  const names = (made: FakeCluster[]) => made.map((f) => f.cluster.name);

  it('boots a few clusters at a time, in order, and reports the others queued', async () => {
    const made = await supervise(5, 2);
    expect(names(made)).toEqual(['hub', 'member-01']);
    expect(sup?.bootingCount()).toBe(2);
    expect(sup?.queued()).toEqual(['member-02', 'member-03', 'member-04', 'member-05']);
    // A booting cluster got the ports held for it since it was queued.
    const hub = spec.clusters[0];
    const held = (await made[0].ports).held();
    expect(held).toEqual([hub.apiserverPort, hub.etcdClientPort, hub.etcdPeerPort]);
    for (const port of held) expect(await canBind(port)).toBe(false);
    for (const name of ['member-02', 'member-05']) {
      expect(readStatus(clusterPaths(spec, name).status)).toMatchObject({ cluster: name, phase: 'queued', nodes: { total: 3, ready: 0 } });
    }
  });

  it('lets the next cluster boot once an API server is ready, before the rest of its start ends', async () => {
    const made = await supervise(5, 2);
    made[1].boot();
    await waitFor(() => made.length === 3, { timeoutMs: 5000, what: 'a third cluster booting', onTimeout: () => names(made).join(',') });
    expect(names(made)).toEqual(['hub', 'member-01', 'member-02']);
    expect(sup?.bootingCount()).toBe(2);
    // member-01's start has not ended; finishing it frees no second slot.
    made[1].finish();
    await new Promise((r) => setImmediate(r));
    expect(made).toHaveLength(3);
  });

  it('frees a slot when a start fails before its API server was ready, and records the failure', async () => {
    const made = await supervise(3, 1);
    expect(names(made)).toEqual(['hub']);
    made[0].failStart(new Error('etcd did not answer'));
    await waitFor(() => made.length === 2, { timeoutMs: 5000, what: 'the next cluster booting', onTimeout: () => names(made).join(',') });
    expect(made[0].failed?.message).toBe('etcd did not answer');
    expect(names(made)).toEqual(['hub', 'us-east']);
    expect(sup?.bootingCount()).toBe(1);
  });

  it('boots every cluster, wave after wave', async () => {
    const made = await supervise(5, 2);
    for (let i = 0; i < 6; i++) {
      await waitFor(() => made.length > i, { timeoutMs: 5000, what: `cluster ${i} booting`, onTimeout: () => names(made).join(',') });
      expect(sup?.bootingCount()).toBeLessThanOrEqual(2);
      made[i].boot();
    }
    expect(names(made)).toEqual(spec.clusters.map((c) => c.name));
    expect(sup?.queued()).toEqual([]);
  });
});

/** A port that was free a moment ago. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Whether a listener can bind the port now. */
function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

describe('ports held for a queued cluster', () => {
  it('keep the cluster\'s ports from anyone else until each is let go, and cut off early callers', async () => {
    const [api, client, peer] = [await freePort(), await freePort(), await freePort()];
    const cluster = { ...layoutFleet({ stateDir: '/tmp/x', members: 1 }).clusters[1], apiserverPort: api, etcdClientPort: client, etcdPeerPort: peer };
    const hold = await PortHold.forCluster(cluster);
    try {
      expect(hold.held()).toEqual([api, client, peer].sort((a, b) => a - b));
      expect(await canBind(api)).toBe(false);
      const closed = await new Promise<string>((resolve) => {
        const sock = connect(api, '127.0.0.1');
        sock.once('error', (err) => resolve(`error ${(err as NodeJS.ErrnoException).code}`));
        sock.once('close', () => resolve('closed'));
      });
      expect(closed).toMatch(/closed|error/);
      await hold.release([client, peer]);
      expect(await canBind(client)).toBe(true);
      expect(await canBind(peer)).toBe(true);
      expect(await canBind(api)).toBe(false);
      expect(hold.held()).toEqual([api]);
    } finally {
      await hold.releaseAll();
    }
    expect(await canBind(api)).toBe(true);
  });

  it('leave a port that is taken already to fail where it is bound, as before', async () => {
    const port = await freePort();
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(port, '127.0.0.1', resolve));
    const cluster = { ...layoutFleet({ stateDir: '/tmp/x', members: 1 }).clusters[1], apiserverPort: port, etcdClientPort: await freePort(), etcdPeerPort: await freePort() };
    const hold = await PortHold.forCluster(cluster);
    expect(hold.held()).not.toContain(port);
    expect(hold.held()).toHaveLength(2);
    await hold.releaseAll();
    await new Promise((r) => taken.close(r));
  });
});
