import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { KubeClient } from '../kube/client.js';
import { clusterPaths, supervisorIdOf, type FleetCluster, type FleetSpec } from './layout.js';
import { legacySupervisor, runningCluster, runningSupervisor } from './fleet.js';
import { isAlive, residentBytes } from './processes.js';
import { readStatus } from './status.js';

/** The health of one cluster, as `fleet status` shows it. */
export interface ClusterHealth {
  cluster: FleetCluster;
  state: 'queued' | 'running' | 'starting' | 'degraded' | 'killed' | 'stopped';
  apiserver: 'ready' | 'not ready' | 'down';
  components: Array<{ name: string; pid?: number; state: string; restarts: number; rssBytes: number; lastExit?: string }>;
  /** The supervisor process that runs the cluster (shared by every cluster unless the fleet runs one per cluster). */
  supervisorRssBytes: number;
  supervisorPid?: number;
  /** The cluster's process group id. */
  groupPid?: number;
  nodes: { total: number; ready: number };
  message?: string;
}

/** Reads the health of every cluster: supervisor, components (with memory), API server readiness. */
export async function fleetStatus(spec: FleetSpec): Promise<ClusterHealth[]> {
  return Promise.all(spec.clusters.map(async (c): Promise<ClusterHealth> => {
    const paths = clusterPaths(spec, c.name);
    const legacy = legacySupervisor(spec, c.name);
    const pid = runningCluster(spec, c.name) ?? legacy;
    const supervisor = legacy ?? runningSupervisor(spec, supervisorIdOf(spec, c.name));
    const st = readStatus(paths.status);
    const components = Object.entries(pid ? st?.components ?? {} : {}).map(([name, s]) => ({
      name, pid: s.pid, state: s.pid && isAlive(s.pid) ? s.state : s.state === 'running' ? 'gone' : s.state, restarts: s.restarts,
      rssBytes: s.pid ? residentBytes(s.pid) : 0,
      lastExit: s.lastExit ? `exit ${s.lastExit.code ?? s.lastExit.signal} at ${s.lastExit.at}` : undefined,
    }));
    const apiserver = pid ? await probeApiserver(spec, c) : 'down';
    const state = !pid ? idleState(paths.dir, st?.phase, supervisor) : st?.phase === 'ready' ? 'running' : st?.phase === 'degraded' ? 'degraded' : 'starting';
    return { cluster: c, state, apiserver, components, supervisorRssBytes: supervisor ? residentBytes(supervisor) : 0, supervisorPid: supervisor, groupPid: pid, nodes: st && pid ? st.nodes : { total: c.nodes, ready: 0 }, message: st?.message };
  }));
}

/** The state of a cluster without a process group: waiting for its turn to boot, killed, or stopped. */
function idleState(dir: string, phase: string | undefined, supervisor: number | undefined): ClusterHealth['state'] {
  if (phase === 'queued' && supervisor) return 'queued';
  return existsSync(join(dir, 'killed')) ? 'killed' : 'stopped';
}

async function probeApiserver(spec: FleetSpec, c: FleetCluster): Promise<ClusterHealth['apiserver']> {
  let client: KubeClient | undefined;
  try {
    client = await KubeClient.fromFile(clusterPaths(spec, c.name).adminKubeconfig, c.name, 2000);
    return (await client.getText('/readyz', 2000)).status === 200 ? 'ready' : 'not ready';
  } catch {
    return 'down';
  } finally {
    client?.close();
  }
}
