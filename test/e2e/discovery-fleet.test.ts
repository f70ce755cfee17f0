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

  it('serves the same answers from `meridian serve` (DNS and /api/v1/services), with eu-west still down', async () => {
    await stack.stop();
    const [dnsPort, httpPort] = [await freePort(), await freePort()];
    const serve = meridianBackground(['serve', '--kubeconfig', fleet.kubeconfig, '--controllers', 'clusters,discovery', '--no-leader-elect', '--probe-interval', String(PROBE_SECONDS),
      '--dns-port', String(dnsPort), '--http-port', String(httpPort), '--dns-views', `us-east=${US_EAST}/32`, '--log-level', 'warn']);
    try {
      const answers = await waitFor(async () => {
        const r = await dig(dnsPort, 'web.demo.svc.clusterset.local', 'A', { source: US_EAST });
        return r.answers.includes(ips['ap-south']) && !r.answers.includes(ips['eu-west']) ? r.answers : undefined;
      }, { timeoutMs: 60_000, intervalMs: 500, what: 'meridian serve answering web without eu-west', onTimeout: () => serve.output() });
      expect(answers).toContain(ips['ap-south']);
      const rows = await (await fetch(`http://127.0.0.1:${httpPort}/api/v1/services`)).json() as Array<{ name: string; answering: string[]; clusters: Array<{ cluster: string; conflict?: string }> }>;
      const web = rows.find((r) => r.name === 'web');
      expect(web?.clusters.find((c) => c.cluster === 'us-east')?.conflict).toBe('PortConflict');
      // This serve never reached eu-west (it was down when serve started), so eu-west has no row at all.
      expect(web?.answering.sort()).toEqual(['ap-south', 'us-east']);
    } finally {
      await stopChild(serve);
    }
  });
});
