import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MCS_API_VERSION, type ServiceExport, type ServiceImport } from '../../src/api/mcs.js';
import type { KubeClient } from '../../src/kube/client.js';
import type { KubeObject } from '../../src/kube/types.js';
import { createLogger } from '../../src/util/log.js';
import { waitFor } from '../../src/util/wait.js';
import { meridian, meridianBackground, stopChild } from '../support/cli.js';
import { freePort } from '../support/envtest.js';
import { dig } from '../support/discovery.js';
import { startDiscoveryStack, type DiscoveryStack } from '../support/discovery-serve.js';
import { startTestFleet, type TestFleet } from '../support/fleet.js';

// The whole story on the local fleet: Deployments and a StatefulSet in eu-west and ap-south,
// exported; kube-controller-manager writes the EndpointSlices; Meridian imports them everywhere
// and answers dig from the us-east view (queries sent from us-east's loopback address).

const PROBE_SECONDS = 1;
const US_EAST = '127.0.12.1';

async function deployWeb(client: KubeClient, opts: { protocol?: string } = {}): Promise<string> {
  await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } });
  await client.apply({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'demo' },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] } } },
  });
  const svc = await client.apply<KubeObject>({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'demo' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: opts.protocol ?? 'TCP' }] } });
  return (svc.spec as { clusterIP: string }).clusterIP;
}

async function deployDb(client: KubeClient): Promise<void> {
  await client.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'db', namespace: 'demo' }, spec: { clusterIP: 'None', selector: { app: 'db' }, ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }] } });
  await client.apply({
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'demo' },
    spec: { serviceName: 'db', replicas: 1, selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'postgres:16' }] } } },
  });
}

const exportIt = (client: KubeClient, name: string) => client.apply<ServiceExport>({ apiVersion: MCS_API_VERSION, kind: 'ServiceExport', metadata: { name, namespace: 'demo' } });

describe('cross-cluster service discovery on the local fleet', () => {
  let fleet: TestFleet;
  let stack: DiscoveryStack;
  const clients: Record<string, KubeClient> = {};
  const ips: Record<string, string> = {};

  beforeAll(async () => {
    fleet = await startTestFleet({ portBase: 22000, ingressNet: 12, join: true, nodes: 2 });
    for (const name of ['us-east', 'eu-west', 'ap-south']) clients[name] = await fleet.client(name);
    stack = await startDiscoveryStack(fleet.hub, { probeInterval: String(PROBE_SECONDS), dnsViews: `us-east=${US_EAST}/32,eu-west=127.0.12.2/32,ap-south=127.0.12.3/32` }, createLogger('warn'));
  });
  afterAll(async () => {
    await stack?.stop().catch(() => undefined); // the last test stops it before starting `meridian serve`
    await fleet?.stop();
  });

  it('resolves a Service exported from eu-west and ap-south from the us-east view, with SRV and headless names', async () => {
    await clients['us-east'].apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } });
    for (const name of ['eu-west', 'ap-south']) {
      ips[name] = await deployWeb(clients[name]);
      await exportIt(clients[name], 'web');
    }
    await deployDb(clients['eu-west']);
    await exportIt(clients['eu-west'], 'db');
    const expected = [ips['eu-west'], ips['ap-south']].sort();
    const a = await waitFor(async () => {
      const r = await dig(stack.dnsPort, 'web.demo.svc.clusterset.local', 'A', { source: US_EAST });
      return JSON.stringify([...r.answers].sort()) === JSON.stringify(expected) ? r : undefined;
    }, { timeoutMs: 90_000, intervalMs: 500, what: `web answering ${expected.join(', ')}`, onTimeout: () => JSON.stringify(stack.discovery.discovery.zone.snapshot().services.get('web.demo')) });
    expect(a.status).toBe('NOERROR');
    const srv = await dig(stack.dnsPort, '_http._tcp.web.demo.svc.clusterset.local', 'SRV', { source: US_EAST });
    expect(srv.answers).toEqual(['0 100 80 web.demo.svc.clusterset.local.']);
    expect([...srv.additionals].sort()).toEqual(expected);
    const podIp = await waitFor(async () => (await dig(stack.dnsPort, 'db-0.eu-west.db.demo.svc.clusterset.local', 'A', { source: US_EAST })).answers[0], { timeoutMs: 60_000, what: 'headless db-0.eu-west' });
    expect(podIp).toMatch(/^10\.102\./);
    expect((await dig(stack.dnsPort, '_pg._tcp.db.demo.svc.clusterset.local', 'SRV', { tcp: true })).answers).toEqual(['0 1 5432 db-0.eu-west.db.demo.svc.clusterset.local.']);
    const imp = await waitFor(() => clients['us-east'].get<ServiceImport>(MCS_API_VERSION, 'ServiceImport', 'web', 'demo'), { timeoutMs: 30_000, what: 'ServiceImport in us-east' });
    expect(imp.spec.ips?.[0]).toMatch(/^10\.250\./);
    await waitFor(async () => (await clients['us-east'].get<ServiceImport>(MCS_API_VERSION, 'ServiceImport', 'web', 'demo'))?.status?.clusters?.length === 2, { timeoutMs: 30_000, what: 'ServiceImport status with both clusters' });
    const cli = meridian(['services', '--kubeconfig', fleet.kubeconfig]);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toMatch(/demo\s+web\s+ClusterSetIP\s+10\.250\.\S+\s+ap-south,eu-west\s+ap-south=2\/2,eu-west=2\/2\s+2\/2 answering/);
  });

  it('marks a conflicting export from us-east with Conflict=True', async () => {
    await deployWeb(clients['us-east'], { protocol: 'UDP' });
    await exportIt(clients['us-east'], 'web');
    const c = await waitFor(async () => (await clients['us-east'].get<ServiceExport>(MCS_API_VERSION, 'ServiceExport', 'web', 'demo'))?.status?.conditions?.find((x) => x.type === 'Conflict' && x.status === 'True'),
      { timeoutMs: 30_000, what: 'Conflict=True on the us-east export' });
    expect(c.reason).toBe('PortConflict');
    expect(c.message).toContain('port 80 protocol UDP');
  });

  it('drops eu-west from the answers once it is killed and marked not Ready', async () => {
    const before = (await dig(stack.dnsPort, 'web.demo.svc.clusterset.local', 'A', { source: US_EAST })).answers;
    expect(before).toContain(ips['eu-west']);
    let markedAt = 0;
    const onChange = (name: string) => { if (name === 'eu-west' && stack.registry.get(name)?.ready === false && !markedAt) markedAt = Date.now(); };
    stack.registry.on('change', onChange);
    const killedAt = Date.now();
    await fleet.kill('eu-west');
    await waitFor(async () => !(await dig(stack.dnsPort, 'web.demo.svc.clusterset.local', 'A', { source: US_EAST })).answers.includes(ips['eu-west']),
      { timeoutMs: 20_000, intervalMs: 50, what: 'eu-west out of the answers' });
    const goneAt = Date.now();
    stack.registry.off('change', onChange);
    const after = (await dig(stack.dnsPort, 'web.demo.svc.clusterset.local', 'A', { source: US_EAST })).answers;
    console.log(`discovery e2e: eu-west left the answers ${goneAt - killedAt} ms after it was killed, ${goneAt - markedAt} ms after it was marked not Ready (probe interval ${PROBE_SECONDS}s, dig polled every 50 ms); answers now ${after.join(', ')}`);
    expect(markedAt, 'the cluster manager marked eu-west not Ready').toBeGreaterThan(0);
    expect(after).toContain(ips['ap-south']);
    expect((await dig(stack.dnsPort, 'db-0.eu-west.db.demo.svc.clusterset.local', 'A')).status).toBe('NXDOMAIN');
    // The slices derived from eu-west leave the other members too.
    await waitFor(async () => (await clients['us-east'].list('discovery.k8s.io/v1beta1', 'EndpointSlice', { namespace: 'demo', labelSelector: 'multicluster.kubernetes.io/source-cluster=eu-west' })).items.length === 0,
      { timeoutMs: 30_000, what: 'eu-west slices removed from us-east' });
  });

  it('serves the same answers from two `meridian serve --shards` replicas, each watching only the members it holds; a replica killed, the other answers for all', async () => {
    await stack.stop();
    const replicas = await Promise.all(['replica-a', 'replica-b'].map(async (id) => {
      const [dnsPort, httpPort] = [await freePort(), await freePort()];
      const child = meridianBackground(['serve', '--kubeconfig', fleet.kubeconfig, '--controllers', 'clusters,discovery', '--shards', '--identity', id,
        '--lease-duration', '6', '--renew-deadline', '4', '--retry-period', '1', '--probe-interval', String(PROBE_SECONDS),
        '--dns-port', String(dnsPort), '--http-port', String(httpPort), '--dns-views', `us-east=${US_EAST}/32`, '--log-level', 'warn']);
      return { id, dnsPort, httpPort, child };
    }));
    const outputs = () => replicas.map((r) => `--- ${r.id}:\n${r.child.output().slice(-3000)}`).join('\n');
    type Rows = Array<{ name: string; answering: string[]; clusters: Array<{ cluster: string; conflict?: string }> }>;
    const rowsOf = async (r: typeof replicas[number]) => await (await fetch(`http://127.0.0.1:${r.httpPort}/api/v1/services`)).json() as Rows;
    /** Each member's source in a replica's discovery: its own watches or the holder's publication. */
    const sources = async (r: typeof replicas[number]) => {
      const text = await (await fetch(`http://127.0.0.1:${r.httpPort}/metrics`)).text();
      return new Map([...text.matchAll(/^meridian_discovery_member_source\{cluster="([^"]+)",source="([^"]+)"\} 1/gm)].map((m) => [m[1], m[2]]));
    };
    const answersWeb = async (r: typeof replicas[number], want: string[]) => {
      const got = (await dig(r.dnsPort, 'web.demo.svc.clusterset.local', 'A', { source: US_EAST })).answers;
      return want.every((ip) => got.includes(ip)) && !got.includes(ips['eu-west']);
    };
    try {
      for (const r of replicas) await waitFor(() => answersWeb(r, [ips['ap-south']]), { timeoutMs: 120_000, intervalMs: 500, what: `${r.id} answering web without eu-west`, onTimeout: outputs });
      // The Ready members are split: each is watched by exactly one replica and read from the hub by the other.
      const split = await waitFor(async () => {
        const [a, b] = await Promise.all(replicas.map(sources));
        const whole = ['us-east', 'ap-south'].every((m) => a.has(m) && b.has(m) && [a.get(m), b.get(m)].sort().join() === 'published,watched');
        return whole ? [a, b] : undefined;
      }, { timeoutMs: 60_000, intervalMs: 500, what: 'us-east and ap-south each watched by one replica and published to the other', onTimeout: outputs });
      expect(split.map((s) => [...s.values()]).flat()).toContain('published');
      // A replica reads a member's publication a moment after it starts reading the member from the hub: wait, bounded, for both pictures.
      const settled = (rows: Rows) => {
        const web = rows.find((x) => x.name === 'web');
        return web?.clusters.find((c) => c.cluster === 'us-east')?.conflict === 'PortConflict' && JSON.stringify([...web.answering].sort()) === JSON.stringify(['ap-south', 'us-east']);
      };
      const rows = await waitFor(async () => {
        const both = await Promise.all(replicas.map(rowsOf));
        return both.every(settled) ? both : undefined;
      }, { timeoutMs: 60_000, intervalMs: 500, what: 'both replicas listing web with us-east in PortConflict and answering from ap-south and us-east', onTimeout: outputs });
      expect(rows[1]).toEqual(rows[0]);
      // Kill the replica that watches ap-south; the survivor takes it over, watches it, and a service
      // exported there afterwards is answered (by the survivor's own watch of ap-south).
      const victim = replicas[split[0].get('ap-south') === 'watched' ? 0 : 1];
      const survivor = replicas.find((r) => r !== victim) as typeof victim;
      await stopChild(victim.child, 'SIGKILL');
      await waitFor(async () => (await sources(survivor)).get('ap-south') === 'watched', { timeoutMs: 60_000, intervalMs: 500, what: `${survivor.id} watching ap-south after ${victim.id} died`, onTimeout: outputs });
      const apiSvc = await clients['ap-south'].apply<KubeObject>({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'demo' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] } });
      await exportIt(clients['ap-south'], 'api');
      const api = await waitFor(async () => {
        const r = await dig(survivor.dnsPort, 'api.demo.svc.clusterset.local', 'A', { source: US_EAST });
        return r.answers.length === 1 ? r.answers : undefined;
      }, { timeoutMs: 60_000, intervalMs: 500, what: `${survivor.id} answering api exported in ap-south`, onTimeout: outputs });
      expect(api).toEqual([(apiSvc.spec as { clusterIP: string }).clusterIP]);
      expect((await dig(survivor.dnsPort, 'web.demo.svc.clusterset.local', 'A', { source: US_EAST })).answers).toContain(ips['ap-south']);
    } finally {
      for (const r of replicas) await stopChild(r.child).catch(() => undefined);
    }
  });
});
