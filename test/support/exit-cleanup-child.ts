// Run by test/integration/test-support-exit.test.ts: starts an envtest and a hub-only test fleet,
// prints the pids they run as and their state directories, then dies of an uncaught error without
// stopping either. The cleanups registered by startEnvtest and startTestFleet must take them down.
import { readFileSync, readdirSync } from 'node:fs';
import { groupMembers, readPid } from '../../src/fleet/processes.js';
import { clusterPaths, supervisorPaths, supervisorIdOf } from '../../src/fleet/layout.js';
import { startEnvtest } from './envtest.js';
import { startTestFleet } from './fleet.js';

/** This process's children running `comm` (tsx has children of its own, such as esbuild's service). */
function children(pid: number, comms: string[]): number[] {
  const all = readdirSync(`/proc/${pid}/task`).flatMap((t) => readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
  return all.filter((c) => comms.includes(readFileSync(`/proc/${c}/comm`, 'utf8').trim()));
}

// The test's own deadline ends this process with SIGTERM: exit through the 'exit' handlers then too.
process.once('SIGTERM', () => process.exit(143));

const portBase = Number(process.argv[2]);
const ingressNet = Number(process.argv[3]);
await startEnvtest({ crds: [] });
const envtest = children(process.pid, ['etcd', 'kube-apiserver']);
const fleet = await startTestFleet({ members: [], nodes: 1, portBase, ingressNet });
const leaders = [
  ...fleet.spec.clusters.map((c) => readPid(clusterPaths(fleet.spec, c.name).pid)),
  ...fleet.spec.clusters.map((c) => readPid(supervisorPaths(fleet.spec, supervisorIdOf(fleet.spec, c.name)).pid)),
].filter((p): p is number => p !== undefined);
const fleetPids = [...new Set(leaders.flatMap((g) => groupMembers(g)))];
process.stdout.write(`${JSON.stringify({ envtest, fleet: fleetPids, stateDir: fleet.spec.stateDir })}\n`);
throw new Error('exit-cleanup-child: dying without stopping what it started, on purpose');
