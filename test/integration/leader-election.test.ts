import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startEnvtest, type Envtest } from '../support/envtest.js';
import { meridianBackground, stopChild } from '../support/cli.js';
import { waitFor } from '../../src/util/wait.js';

type Replica = ReturnType<typeof meridianBackground> & { port: number; id: string };

async function leaderOf(r: Replica): Promise<boolean> {
  const res = await fetch(`http://127.0.0.1:${r.port}/api/v1/leader`);
  return ((await res.json()) as { leader: boolean }).leader;
}

describe('meridian serve leader election', () => {
  let env: Envtest;
  const replicas: Replica[] = [];

  beforeAll(async () => {
    env = await startEnvtest();
  });
  afterAll(async () => {
    for (const r of replicas) await stopChild(r);
    await env?.stop();
  });

  it('lets one of two replicas act and hands over within the lease duration when the leader is killed', async () => {
    const leaseSeconds = 6;
    for (const id of ['replica-a', 'replica-b']) {
      const port = await freePort();
      const child = meridianBackground(['serve', '--kubeconfig', env.kubeconfig, '--context', env.context, '--http-port', String(port),
        '--lease-duration', String(leaseSeconds), '--identity', id, '--controllers', 'clusters', '--log-level', 'warn',
        '--dns-port', String(await freePort())]);
      replicas.push(Object.assign(child, { port, id }));
    }
    const describeAll = async () => (await Promise.all(replicas.map(async (r) => `${r.id}: ${await leaderOf(r).catch((e: Error) => e.message)}`))).join(', ');
    await waitFor(async () => (await Promise.all(replicas.map(leaderOf))).filter(Boolean).length === 1, {
      timeoutMs: 240_000, what: 'exactly one leader', onTimeout: () => replicas.map((r) => r.output()).join('\n'),
    });
    // Both keep answering; still exactly one leader a few renewals later.
    await new Promise((r) => setTimeout(r, 2000));
    const states = await Promise.all(replicas.map(leaderOf));
    expect(states.filter(Boolean)).toHaveLength(1);
    const leader = replicas[states.indexOf(true)];
    const follower = replicas[states.indexOf(false)];

    const killedAt = Date.now();
    await stopChild(leader, 'SIGKILL');
    await waitFor(() => leaderOf(follower), { timeoutMs: 90_000, intervalMs: 100, what: `${follower.id} to take over`, onTimeout: () => follower.output() });
    const takeoverMs = Date.now() - killedAt;
    console.log(`leader election: ${follower.id} took over ${takeoverMs} ms after ${leader.id} was killed (lease ${leaseSeconds}s)`);
    const lease = await env.client.get<{ apiVersion: string; spec: { holderIdentity: string; leaseTransitions: number } }>('coordination.k8s.io/v1', 'Lease', 'meridian-leader', 'meridian-system');
    expect(lease?.spec.holderIdentity).toBe(follower.id);
    expect(lease?.spec.leaseTransitions).toBeGreaterThanOrEqual(1);
    await describeAll();
  });
});
