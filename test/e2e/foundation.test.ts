import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestFleet, type TestFleet } from '../support/fleet.js';
import { freePort } from '../support/envtest.js';
import { meridian, meridianBackground, stopChild } from '../support/cli.js';
import { waitFor } from '../../src/util/wait.js';
import type { KubeObject } from '../../src/kube/types.js';

interface Node extends KubeObject { status?: { conditions?: Array<{ type: string; status: string }> } }
interface Pod extends KubeObject { status?: { phase?: string; podIP?: string } }

const PROBE_SECONDS = 2;

/** Parses `meridian cluster list` into name -> READY column. */
function readiness(stdout: string): Record<string, string> {
  const rows = stdout.trim().split('\n').slice(1).map((l) => l.split(/\s{3,}/));
  return Object.fromEntries(rows.map((r) => [r[0], r[5]]));
}

describe('the local fleet and the cluster registry', () => {
  let fleet: TestFleet;
  let serve: ReturnType<typeof meridianBackground> | undefined;

  beforeAll(async () => {
    fleet = await startTestFleet({ portBase: 20000, ingressNet: 10, join: true });
  });
  afterAll(async () => {
    if (serve) await stopChild(serve);
    await fleet?.stop();
  });

  it('runs members whose nodes are Ready and whose Deployments get Running pods', async () => {
    const euWest = await fleet.client('eu-west');
    const nodes = await euWest.list<Node>('v1', 'Node');
    expect(nodes.items.length).toBe(2);
    for (const n of nodes.items) expect(n.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');

    const usEast = await fleet.client('us-east');
    await usEast.apply({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'hello', namespace: 'default' },
      spec: { replicas: 3, selector: { matchLabels: { app: 'hello' } }, template: { metadata: { labels: { app: 'hello' } }, spec: { containers: [{ name: 'hello', image: 'nginx:1.25' }] } } },
    });
    const pods = await waitFor(async () => {
      const list = await usEast.list<Pod>('v1', 'Pod', { namespace: 'default', labelSelector: 'app=hello' });
      return list.items.length === 3 && list.items.every((p) => p.status?.phase === 'Running') ? list.items : undefined;
    }, { timeoutMs: 60_000, what: '3 Running pods in us-east', onTimeout: (l, e) => `${JSON.stringify(l)} ${e ?? ''}` });
    const podCidr = fleet.spec.clusters.find((c) => c.name === 'us-east')?.podCidr.split('.').slice(0, 2).join('.');
    for (const p of pods) expect(p.status?.podIP?.startsWith(`${podCidr}.`)).toBe(true);
  });

  it('shows three Ready members, turns a killed one not Ready within two probe intervals, and recovers it', async () => {
    const port = await freePort();
    serve = meridianBackground(['serve', '--kubeconfig', fleet.kubeconfig, '--probe-interval', String(PROBE_SECONDS), '--http-port', String(port),
      '--dns-port', String(await freePort()), '--controllers', 'clusters', '--no-leader-elect', '--log-level', 'warn']);
    const list = () => meridian(['cluster', 'list', '--kubeconfig', fleet.kubeconfig]);
    await waitFor(() => {
      const r = readiness(list().stdout);
      return ['us-east', 'eu-west', 'ap-south'].every((c) => r[c] === 'True');
    }, { timeoutMs: 60_000, what: 'three Ready members', onTimeout: () => `${list().stdout}\n${serve?.output()}` });
    // Version, node count and CPU follow once the member's caches have synced.
    await waitFor(() => /us-east\s+us-east\s+v1\.20\.2\s+2\s+\S+\/8\s+True/.test(list().stdout), { timeoutMs: 30_000, what: 'us-east capacity', onTimeout: () => list().stdout });

    await fleet.kill('eu-west');
    const killedAt = Date.now();
    await waitFor(() => readiness(list().stdout)['eu-west']?.startsWith('False'), {
      timeoutMs: 60_000, intervalMs: 200, what: 'eu-west not Ready', onTimeout: () => list().stdout,
    });
    const detectMs = Date.now() - killedAt;
    console.log(`registry: eu-west not Ready ${detectMs} ms after the kill (probe interval ${PROBE_SECONDS}s)`);
    const during = readiness(list().stdout);
    expect(during['us-east']).toBe('True');
    expect(during['ap-south']).toBe('True');

    await fleet.revive('eu-west');
    await waitFor(() => readiness(list().stdout)['eu-west'] === 'True', { timeoutMs: 60_000, what: 'eu-west Ready again', onTimeout: () => list().stdout });
  });

  it('reports what already runs on a second up instead of restarting it', () => {
    const r = meridian(['fleet', 'up', '--state-dir', fleet.spec.stateDir, '--no-merge-kubeconfig']);
    expect(r.code, r.stderr).toBe(0);
    for (const name of ['hub', 'us-east', 'eu-west', 'ap-south']) expect(r.stdout).toContain(`${name}: already running`);
  });

  it('reports a component that crashed, and restarts it', async () => {
    const status = () => JSON.parse(meridian(['fleet', 'status', '--state-dir', fleet.spec.stateDir, '--json']).stdout) as Array<{ cluster: string; components: Array<{ name: string; pid: number; state: string; restarts: number; lastExit?: string }> }>;
    const scheduler = () => status().find((h) => h.cluster === 'ap-south')?.components.find((c) => c.name === 'kube-scheduler');
    const before = scheduler();
    expect(before?.state).toBe('running');
    process.kill(before?.pid as number, 'SIGKILL');
    const after = await waitFor(() => {
      const s = scheduler();
      return s && s.restarts === 1 && s.state === 'running' && s.pid !== before?.pid ? s : undefined;
    }, { timeoutMs: 30_000, what: 'the scheduler restarted', onTimeout: (l) => JSON.stringify(l ?? scheduler()) });
    expect(after.lastExit).toMatch(/SIGKILL/);
    const text = meridian(['fleet', 'status', '--state-dir', fleet.spec.stateDir]).stdout;
    expect(text).toContain('components that crashed and were restarted: ap-south/kube-scheduler');
  });

  it('reports every component with its memory in fleet status', () => {
    const r = meridian(['fleet', 'status', '--state-dir', fleet.spec.stateDir, '--json']);
    expect(r.code).toBe(0);
    const health = JSON.parse(r.stdout) as Array<{ cluster: string; state: string; apiserver: string; components: Array<{ name: string; rssBytes: number }> }>;
    expect(health.map((h) => h.cluster)).toEqual(['hub', 'us-east', 'eu-west', 'ap-south']);
    for (const h of health) {
      expect(h.state).toBe('running');
      expect(h.apiserver).toBe('ready');
      expect(h.components.map((c) => c.name).sort()).toEqual(['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler']);
      for (const c of h.components) expect(c.rssBytes).toBeGreaterThan(1024 * 1024);
    }
  });
});
