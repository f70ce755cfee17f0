import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeClient } from '../../src/kube/client.js';
import { fleetDown, fleetUp, killCluster, killFleetNow, startSupervisor, waitReady } from '../../src/fleet/fleet.js';
import { cleanupOnExit } from '../../src/util/exit-cleanup.js';
import { fleetKubeconfigPath, layoutFleet, type FleetSpec } from '../../src/fleet/layout.js';
import { installHub } from '../../src/clusters/install.js';
import { joinCluster } from '../../src/clusters/join.js';
import { groupMembers, readPid } from '../../src/fleet/processes.js';
import { clusterPaths, supervisorIdOf, supervisorPaths } from '../../src/fleet/layout.js';

/** A local fleet started by a test, in its own state dir and port range. */
export interface TestFleet {
  spec: FleetSpec;
  kubeconfig: string;
  hub: KubeClient;
  /** An admin client for a cluster of the fleet (closed by stop()). */
  client(name: string): Promise<KubeClient>;
  kill(name: string): Promise<void>;
  revive(name: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Options of startTestFleet: give each test file its own portBase and ingressNet.
 * MERIDIAN_TEST_PORT_BASE and MERIDIAN_TEST_INGRESS_NET override them for one run (to run an e2e
 * file by hand beside a suite that holds its fixed ports).
 */
export interface TestFleetOptions {
  members?: string[] | number;
  nodes?: number;
  portBase: number;
  ingressNet: number;
  ingressPort?: number;
  /** Install Meridian on the hub and join every member (labels per member; default env=production). */
  join?: boolean;
  labels?: Record<string, Record<string, string>>;
  /** The fleet's process layout and component flags (default: one shared supervisor, small-cluster flags). */
  supervisors?: FleetSpec['supervisors'];
  tuning?: FleetSpec['tuning'];
  /** How long `fleet up` may take (default 240 s). */
  upTimeoutMs?: number;
}

/**
 * Brings up a real local fleet (etcd, kube-apiserver, controller-manager, scheduler, simulated
 * nodes and ingress per cluster) for an end-to-end test, optionally installed and joined.
 * stop() brings it down and checks that no process of any cluster's group is left.
 */
export async function startTestFleet(opts: TestFleetOptions): Promise<TestFleet> {
  const stateDir = await mkdtemp(join(tmpdir(), 'meridian-fleet-'));
  const portBase = process.env.MERIDIAN_TEST_PORT_BASE ? Number(process.env.MERIDIAN_TEST_PORT_BASE) : opts.portBase;
  const ingressNet = process.env.MERIDIAN_TEST_INGRESS_NET ? Number(process.env.MERIDIAN_TEST_INGRESS_NET) : opts.ingressNet;
  const spec = layoutFleet({ stateDir, members: opts.members, nodes: opts.nodes ?? 2, portBase, ingressNet, ingressPort: opts.ingressPort ?? 18080, supervisors: opts.supervisors, tuning: opts.tuning });
  const kubeconfig = fleetKubeconfigPath(spec);
  const clients: KubeClient[] = [];
  const client = async (name: string) => {
    const c = await KubeClient.fromFile(kubeconfig, name, 10_000);
    clients.push(c);
    return c;
  };
  // The supervisors run in sessions of their own and outlive this process by design (`fleet up`):
  // a test process that dies before stop() kills them and every cluster's group by their pid files.
  const forget = cleanupOnExit(() => {
    killFleetNow(spec);
    rmSync(stateDir, { recursive: true, force: true, maxRetries: 3 });
  });
  try {
    await fleetUp(spec, { timeoutMs: opts.upTimeoutMs ?? 240_000 });
  } catch (err) {
    await fleetDown(spec, false);
    forget();
    throw err;
  }
  const hub = await client('hub');
  if (opts.join) {
    await installHub(hub);
    for (const c of spec.clusters.filter((x) => x.role === 'member')) {
      const member = await client(c.name);
      await joinCluster(hub, member, {
        name: c.name, region: c.region, labels: opts.labels?.[c.name] ?? { env: 'production' },
        podCIDRs: [c.podCidr], serviceCIDRs: [c.serviceCidr], ingressAddresses: [c.ingressAddress], ingressPort: c.ingressPort, privileges: 'least',
      });
    }
  }
  return {
    spec, kubeconfig, hub, client,
    kill: async (name) => {
      await killCluster(spec, name);
    },
    revive: async (name) => {
      const c = spec.clusters.find((x) => x.name === name);
      if (!c) throw new Error(`no cluster ${name}`);
      startSupervisor(spec, c);
      await waitReady(spec, [c], 120_000);
    },
    stop: async () => {
      forget();
      for (const c of clients) c.close();
      // Every cluster's process group and the supervisor's own (a session and group of its own).
      const supervisors = [...new Set(spec.clusters.map((c) => supervisorIdOf(spec, c.name)))].map((id) => readPid(supervisorPaths(spec, id).pid));
      const pids = [...spec.clusters.map((c) => readPid(clusterPaths(spec, c.name).pid)), ...supervisors].filter((p): p is number => p !== undefined);
      await fleetDown(spec, true);
      const left = pids.flatMap((p) => groupMembers(p));
      if (left.length) throw new Error(`processes left behind after fleet down: ${left.join(', ')}`);
    },
  };
}
