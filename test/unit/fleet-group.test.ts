import { readFileSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isOurGroupLeader, spawnGroupLeader, spawnInGroup } from '../../src/fleet/group.js';
import { etcdSpec, apiserverSpec } from '../../src/fleet/components.js';
import { layoutFleet } from '../../src/fleet/layout.js';
import { componentEnv, tuned } from '../../src/fleet/tuning.js';
import { groupMembers } from '../../src/fleet/processes.js';
import { waitFor } from '../../src/util/wait.js';
import { parseFleetUp } from '../../src/cli/options/fleet.js';

const pgidOf = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
};
const exited = (c: ChildProcess) => new Promise<NodeJS.Signals | number | null>((resolve) => {
  if (c.exitCode !== null || c.signalCode !== null) resolve(c.signalCode ?? c.exitCode);
  else c.once('exit', (code, signal) => resolve(signal ?? code));
});

describe('a cluster process group', () => {
  it('holds the components, names its cluster, and dies whole when its supervisor goes away', async () => {
    const leader = spawnGroupLeader('/tmp/state dir', 'us-east');
    const pgid = leader.pid as number;
    await waitFor(() => pgidOf(pgid) === pgid, { timeoutMs: 10_000, what: 'the leader in its own group' });
    const member = spawnInGroup(pgid, '/bin/sleep', ['300'], { PATH: '/bin' });
    await waitFor(() => readFileSync(`/proc/${member.pid}/cmdline`, 'utf8').startsWith('/bin/sleep'), { timeoutMs: 10_000, what: 'sleep exec' });
    expect(pgidOf(member.pid as number)).toBe(pgid);
    expect(groupMembers(pgid).sort()).toEqual([pgid, member.pid].sort());
    expect(isOurGroupLeader(pgid, '/tmp/state dir', 'us-east')).toBe(true);
    expect(isOurGroupLeader(pgid, '/tmp/state dir', 'us-eas')).toBe(false);
    expect(isOurGroupLeader(pgid, '/tmp/state', 'us-east')).toBe(false);
    expect(isOurGroupLeader(member.pid as number, '/tmp/state dir', 'us-east')).toBe(false);
    // The supervisor's end of the pipe closing is what its death looks like to the leader.
    leader.stdin?.destroy();
    expect(await exited(member)).toBe('SIGKILL');
    expect(await exited(leader)).toBe('SIGKILL');
    expect(groupMembers(pgid)).toEqual([]);
  });

  it('refuses to join a group that does not exist', async () => {
    const child = spawnInGroup(999_999_999, '/bin/true', [], { PATH: '/bin' });
    expect(await exited(child)).not.toBe(0);
  });
});

describe('component tuning', () => {
  const spec = layoutFleet({ stateDir: '/tmp/x', members: 1 });
  const c = spec.clusters[1];
  const paths = { pki: '/tmp/x/pki', etcdData: '/tmp/x/etcd', dir: '/tmp/x' };

  it('keeps the stock flags as they were', () => {
    expect(tuned(etcdSpec(c, { etcd: 'etcd', kubeApiserver: '', kubeControllerManager: '', kubeScheduler: '' }, paths), 'stock').args).toEqual(etcdSpec(c, { etcd: 'etcd', kubeApiserver: '', kubeControllerManager: '', kubeScheduler: '' }, paths).args);
  });

  it('replaces a stock flag rather than repeating it, and adds the small-cluster ones', () => {
    const bins = { etcd: 'etcd', kubeApiserver: 'kube-apiserver', kubeControllerManager: '', kubeScheduler: '' };
    const etcd = tuned(etcdSpec(c, bins, paths), 'small').args;
    expect(etcd.filter((a) => a.startsWith('--snapshot-count='))).toEqual(['--snapshot-count=1000']);
    const api = tuned(apiserverSpec(c, bins, paths), 'small').args;
    expect(api.filter((a) => a.startsWith('--runtime-config='))).toHaveLength(1);
    expect(api.find((a) => a.startsWith('--runtime-config='))).toContain('extensions/v1beta1=false');
    expect(api.find((a) => a.startsWith('--runtime-config='))).not.toContain('discovery.k8s.io');
    expect(Object.keys(componentEnv())).toEqual(['PATH']);
  });
});

describe('fleet up layout options', () => {
  it('default to one shared supervisor and small-cluster flags, and keep the old layout behind a switch', () => {
    expect(layoutFleet({ stateDir: '/tmp/x' })).toMatchObject({ supervisors: 'shared', tuning: 'small' });
    const old = parseFleetUp({ supervisors: 'per-cluster', tuning: 'stock' }, {});
    expect(old.shape).toMatchObject({ supervisors: 'per-cluster', tuning: 'stock' });
    expect(old.shapeGiven).toBe(true);
    expect(() => parseFleetUp({ supervisors: 'one' }, {})).toThrow(/--supervisors: expected one of shared, per-cluster/);
    expect(() => parseFleetUp({ tuning: 'tiny' }, {})).toThrow(/--tuning/);
  });

  it('leave the deadline to fleet up (by the fleet it brings up) unless told otherwise', () => {
    expect(parseFleetUp({}, {}).timeoutMs).toBeUndefined();
    expect(parseFleetUp({ clusters: '24' }, {}).timeoutMs).toBeUndefined();
    expect(parseFleetUp({ clusters: '24', timeout: '60' }, {}).timeoutMs).toBe(60_000);
  });

  it('name generated members beyond the three regions', () => {
    const spec = layoutFleet({ stateDir: '/tmp/x', members: 24 });
    expect(spec.clusters).toHaveLength(25);
    expect(spec.clusters.map((c) => c.name).slice(0, 3)).toEqual(['hub', 'member-01', 'member-02']);
    expect(new Set(spec.clusters.map((c) => c.apiserverPort)).size).toBe(25);
  });
});
