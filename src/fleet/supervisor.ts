import type { ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, writeFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { KubeClient } from '../kube/client.js';
import type { Logger } from '../util/log.js';
import { sleep, waitFor } from '../util/wait.js';
import type { KubeBinaries } from './binaries.js';
import { apiserverSpec, controllerManagerSpec, etcdSpec, schedulerSpec, type ComponentSpec } from './components.js';
import { spawnGroupLeader, spawnInGroup } from './group.js';
import { clusterPaths, type FleetCluster, type FleetSpec } from './layout.js';
import { NodeSimulator } from './nodesim.js';
import { signalGroup } from './processes.js';
import { writeStatus, type ComponentStatus, type SupervisorStatus } from './status.js';
import { startRegionIngress, type RegionIngress } from './ingress.js';
import { componentEnv, tuned } from './tuning.js';
import type { PortHold } from './ports.js';

interface Running {
  spec: ComponentSpec;
  child?: ChildProcess;
  status: ComponentStatus;
  log: WriteStream;
}

const STATUS_INTERVAL_MS = 1000;

/**
 * Runs one cluster of the local fleet inside the supervisor process: etcd, kube-apiserver,
 * kube-controller-manager and kube-scheduler in the cluster's own process group (led by a tiny
 * leader process, see group.ts), plus the simulated nodes and the region's ingress endpoint in
 * this process. A component that exits unexpectedly is recorded (exit code, signal, last log
 * lines) in the status file and restarted with backoff; when the group itself is gone (`fleet
 * kill`, `fleet down`), the cluster's nodes and ingress stop too and nothing is restarted.
 */
export class ClusterSupervisor {
  private readonly paths;
  private readonly components = new Map<string, Running>();
  private readonly startedAt = new Date();
  private phase: SupervisorStatus['phase'] = 'starting';
  private readyAfterMs: number | undefined;
  private nodes: NodeSimulator | undefined;
  private ingress: RegionIngress | undefined;
  private client: KubeClient | undefined;
  private leader: ChildProcess | undefined;
  private stopping = false;
  private statusTimer: NodeJS.Timeout | undefined;
  private message = '';
  private finish: (() => void) | undefined;
  private markBooted: (() => void) | undefined;
  /** Resolves once the cluster is down: its group is gone and its nodes and ingress stopped. */
  readonly done: Promise<void>;
  /**
   * Resolves once the API server answers /readyz, or the start ended without that: the CPU-heavy
   * part of the start is over and the next cluster may boot (see startup.ts).
   */
  readonly booted: Promise<void>;

  /**
   * ports: the cluster's ports, held since it was queued (see ports.ts); each is let go just before
   * its component starts.
   */
  constructor(private readonly spec: FleetSpec, private readonly cluster: FleetCluster, private readonly bins: KubeBinaries, private readonly log: Logger,
    private readonly ports?: Promise<PortHold>) {
    this.paths = clusterPaths(spec, cluster.name);
    this.done = new Promise((resolve) => (this.finish = resolve));
    this.booted = new Promise((resolve) => (this.markBooted = resolve));
  }

  /** The cluster's process group id, while its leader lives. */
  groupPid(): number | undefined {
    return this.leader && this.leader.exitCode === null && this.leader.signalCode === null ? this.leader.pid : undefined;
  }

  /** Starts the group leader, then every component in order, and keeps them running until stop(). */
  async start(): Promise<void> {
    this.statusTimer = setInterval(() => void this.writeStatus(), STATUS_INTERVAL_MS);
    const leader = spawnGroupLeader(this.spec.stateDir, this.cluster.name);
    this.leader = leader;
    if (!leader.pid) throw new Error(`could not start the process group of ${this.cluster.name}`);
    writeFileSync(this.paths.pid, String(leader.pid));
    leader.on('exit', () => void this.stop());
    await this.writeStatus();
    const c = this.cluster;
    await (await this.ports)?.release([c.etcdClientPort, c.etcdPeerPort]);
    this.launch(etcdSpec(c, this.bins, this.paths));
    await this.waitUnlessStopped(() => fetch(`http://127.0.0.1:${c.etcdClientPort}/health`).then((r) => r.ok), 120_000, 'etcd health');
    await (await this.ports)?.release([c.apiserverPort]);
    this.launch(apiserverSpec(c, this.bins, this.paths));
    this.client = await KubeClient.fromFile(this.paths.adminKubeconfig, c.name, 5000);
    const client = this.client;
    await this.waitUnlessStopped(async () => (await client.getText('/readyz', 2000)).status === 200, 300_000, 'kube-apiserver /readyz');
    this.markBooted?.();
    this.launch(controllerManagerSpec(c, this.bins, this.paths));
    this.launch(schedulerSpec(c, this.bins, this.paths));
    this.nodes = new NodeSimulator(client, c, this.log);
    await this.nodes.start();
    if (this.stopping) throw new Error(`${c.name} was stopped while starting`);
    if (c.role === 'member') await this.startIngress(client);
    this.phase = 'ready';
    this.readyAfterMs = Date.now() - this.startedAt.getTime();
    await this.writeStatus();
  }

  /** Records a start that failed, for `fleet up` to report, and stops what did start. */
  async fail(err: Error): Promise<void> {
    this.message = err.message;
    await this.stop('failed');
  }

  private async waitUnlessStopped(cond: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
    await waitFor(() => this.stopping || cond(), { timeoutMs, intervalMs: 150, what: `${this.cluster.name} ${what}` });
    if (this.stopping) throw new Error(`${this.cluster.name} was stopped while starting`);
  }

  private async startIngress(client: KubeClient): Promise<void> {
    try {
      this.ingress = await startRegionIngress({ client, cluster: this.cluster, log: this.log, pauseFile: join(this.paths.dir, 'ingress-down') });
    } catch (err) {
      this.message = `ingress ${this.cluster.ingressAddress}:${this.cluster.ingressPort} failed: ${(err as Error).message}`;
      this.log.error({ err: (err as Error).message }, 'region ingress did not start');
    }
  }

  /** Stops the simulated nodes, the ingress and every component (newest first), then the group. */
  async stop(phase: SupervisorStatus['phase'] = 'stopped'): Promise<void> {
    if (this.stopping) return this.done;
    this.stopping = true;
    this.markBooted?.();
    this.phase = 'stopping';
    await (await this.ports)?.releaseAll();
    this.nodes?.stop();
    await this.ingress?.close();
    this.client?.close();
    for (const name of ['kube-scheduler', 'kube-controller-manager', 'kube-apiserver', 'etcd']) {
      const r = this.components.get(name);
      if (!r?.child || r.child.exitCode !== null || r.child.signalCode !== null) continue;
      r.child.kill('SIGTERM');
      await Promise.race([new Promise((res) => r.child?.once('exit', res)), sleep(5000)]);
      if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
    }
    const leader = this.leader;
    if (leader?.pid && leader.exitCode === null && leader.signalCode === null) {
      signalGroup(leader.pid, 'SIGKILL');
      await Promise.race([new Promise((res) => leader.once('exit', res)), sleep(5000)]);
    }
    if (this.statusTimer) clearInterval(this.statusTimer);
    this.phase = phase;
    await this.writeStatus();
    for (const r of this.components.values()) r.log.end();
    this.finish?.();
  }

  private launch(spec: ComponentSpec): void {
    const existing = this.components.get(spec.name);
    const log = existing?.log ?? createWriteStream(join(this.paths.logs, `${spec.name}.log`), { flags: 'a' });
    const status: ComponentStatus = existing?.status ?? { state: 'starting', restarts: 0 };
    const running: Running = { spec, status, log };
    this.components.set(spec.name, running);
    const pgid = this.groupPid();
    if (!pgid) return;
    const { command, args } = tuned(spec, this.spec.tuning);
    const child = spawnInGroup(pgid, command, args, componentEnv());
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    running.child = child;
    status.pid = child.pid;
    status.state = 'running';
    status.startedAt = new Date().toISOString();
    child.on('error', (err) => this.log.error({ component: spec.name, err: err.message }, 'component failed to start'));
    child.on('exit', (code, signal) => this.onExit(running, code, signal));
  }

  private onExit(r: Running, code: number | null, signal: NodeJS.Signals | null): void {
    // A signal to the whole group (kill, down) reaches the leader too: that is no crash.
    if (this.stopping || !this.groupPid()) {
      r.status.state = 'stopped';
      return;
    }
    r.status.state = 'crashed';
    r.status.lastExit = { code, signal, at: new Date().toISOString(), logTail: this.logTail(r.spec.name) };
    r.status.restarts += 1;
    this.phase = 'degraded';
    this.log.error({ component: r.spec.name, code, signal }, 'component exited unexpectedly; restarting');
    const delay = Math.min(30_000, 1000 * 2 ** Math.min(r.status.restarts - 1, 5));
    setTimeout(() => {
      if (this.stopping || !this.groupPid()) return;
      this.launch(r.spec);
      if ([...this.components.values()].every((x) => x.status.state === 'running') && this.readyAfterMs !== undefined) this.phase = 'ready';
    }, delay);
  }

  private logTail(name: string): string {
    try {
      const text = readFileSync(join(this.paths.logs, `${name}.log`), 'utf8');
      return text.split('\n').slice(-12).join('\n');
    } catch {
      return '';
    }
  }

  private async writeStatus(): Promise<void> {
    const components: Record<string, ComponentStatus> = {};
    for (const [name, r] of this.components) components[name] = r.status;
    const status: SupervisorStatus = {
      cluster: this.cluster.name, supervisorPid: process.pid, groupPid: this.leader?.pid, startedAt: this.startedAt.toISOString(), updatedAt: new Date().toISOString(),
      phase: this.phase, readyAfterMs: this.readyAfterMs, components,
      nodes: { total: this.cluster.nodes, ready: this.nodes?.readyNodes() ?? 0 },
      ingress: this.ingress ? { address: this.cluster.ingressAddress, port: this.cluster.ingressPort, listening: true } : undefined,
      message: this.message || undefined,
    };
    await writeStatus(this.paths.status, status).catch(() => undefined);
  }
}
