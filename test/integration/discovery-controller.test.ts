import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MCS_API_VERSION, type ServiceExport, type ServiceImport } from '../../src/api/mcs.js';
import { ClusterSetIpAllocator } from '../../src/discovery/allocator.js';
import { DiscoveryController } from '../../src/discovery/controller.js';
import { ENDPOINT_SLICE_VERSIONS } from '../../src/discovery/member-state.js';
import { discoveryOptions } from '../../src/discovery/options.js';
import { DnsServer } from '../../src/dns/server.js';
import { KubeClient } from '../../src/kube/client.js';
import type { KubeObject } from '../../src/kube/types.js';
import { createLogger, silentLogger } from '../../src/util/log.js';
import { sleep, waitFor } from '../../src/util/wait.js';
import { dig, TestMember, TestMemberSource } from '../support/discovery.js';
import { startEnvtest, type Envtest } from '../support/envtest.js';

// Two real kube-apiservers as members (no controller-manager: the test writes the EndpointSlices
// kube-controller-manager would), the discovery controller, and Meridian's DNS server queried by dig.

type Slice = KubeObject & { endpoints?: Array<{ addresses: string[]; hostname?: string }> };

async function serviceWithEndpoints(client: KubeClient, name: string, opts: { headless?: boolean; protocol?: string; ips: string[]; hostnames?: string[]; annotations?: Record<string, string> }): Promise<string> {
  const svc = await client.create<KubeObject>({
    apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'demo', annotations: opts.annotations },
    spec: { ...(opts.headless ? { clusterIP: 'None' } : {}), ports: [{ name: 'http', port: 80, protocol: opts.protocol ?? 'TCP' }], selector: { app: name } },
  });
  const version = await client.discovery.pickVersion(ENDPOINT_SLICE_VERSIONS, 'EndpointSlice');
  await client.create({
    apiVersion: version, kind: 'EndpointSlice', metadata: { name: `${name}-abcde`, namespace: 'demo', labels: { 'kubernetes.io/service-name': name } },
    addressType: 'IPv4', ports: [{ name: 'http', port: 8080, protocol: opts.protocol ?? 'TCP' }],
    endpoints: opts.ips.map((ip, i) => ({ addresses: [ip], conditions: { ready: true }, ...(opts.hostnames ? { hostname: opts.hostnames[i] } : {}) })),
  });
  return (svc.spec as { clusterIP: string }).clusterIP;
}

const exportService = (client: KubeClient, name: string) => client.create<ServiceExport>({ apiVersion: MCS_API_VERSION, kind: 'ServiceExport', metadata: { name, namespace: 'demo' } });

describe('discovery controller against two real API servers', () => {
  const envs: Envtest[] = [];
  const source = new TestMemberSource();
  let controller: DiscoveryController;
  let dns: DnsServer;
  let port = 0;
  let us: KubeClient;
  let eu: KubeClient;

  beforeAll(async () => {
    for (const name of ['us-east', 'eu-west']) envs.push(await startEnvtest({ name, crds: [] }));
    [us, eu] = envs.map((e) => e.client);
    for (const [i, name] of ['us-east', 'eu-west'].entries()) source.members.push(new TestMember(name, envs[i].client));
    for (const c of [us, eu]) await c.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } });
    const options = discoveryOptions({ views: { cidrs: { 'us-east': ['127.0.12.1/32'], 'eu-west': ['127.0.12.2/32'] } }, resyncMs: 5000 });
    controller = new DiscoveryController(source, options, process.env.DISCOVERY_LOG ? createLogger('debug') : silentLogger);
    dns = new DnsServer({ zones: [controller.zone] });
    port = (await dns.start()).port;
    await controller.start();
  });
  afterAll(async () => {
    await controller?.stop();
    await dns?.stop();
    for (const m of source.members) m.close();
    for (const e of envs) await e.stop();
  });

  it('installs the MCS CRDs and the id.k8s.io / clusterset.k8s.io ClusterProperties in every member', async () => {
    for (const [name, client] of [['us-east', us], ['eu-west', eu]] as const) {
      const id = await waitFor(() => client.get<KubeObject & { spec: { value: string } }>('about.k8s.io/v1alpha1', 'ClusterProperty', 'id.k8s.io').catch(() => undefined), { timeoutMs: 30_000, what: `ClusterProperty id.k8s.io in ${name}` });
      expect(id.spec.value).toBe(name);
      // Written after id.k8s.io: wait for it too rather than read it at once.
      const clusterset = await waitFor(() => client.get<KubeObject & { spec: { value: string } }>('about.k8s.io/v1alpha1', 'ClusterProperty', 'clusterset.k8s.io').catch(() => undefined), { timeoutMs: 30_000, what: `ClusterProperty clusterset.k8s.io in ${name}` });
      expect(clusterset.spec.value).toBe('meridian');
      expect(await client.discovery.has(MCS_API_VERSION, 'ServiceImport')).toBe(true);
    }
  });

  it('imports an exported service everywhere, resolves it with dig, marks a conflicting export and cleans up after unexport', async () => {
    const euIp = await serviceWithEndpoints(eu, 'web', { ips: ['10.102.1.5'] });
    await exportService(eu, 'web');
    // The import may be written before its ClusterSetIP is planned (the IP follows in a later write): wait for both.
    const imp = await waitFor(async () => {
      const found = await us.get<ServiceImport>(MCS_API_VERSION, 'ServiceImport', 'web', 'demo');
      return found?.spec.ips?.length ? found : undefined;
    }, { timeoutMs: 20_000, what: 'ServiceImport demo/web in us-east with its ClusterSetIP' });
    expect(imp.spec).toMatchObject({ type: 'ClusterSetIP', ports: [{ name: 'http', protocol: 'TCP', port: 80 }] });
    expect(imp.spec.ips?.[0]).toMatch(/^10\.250\./);
    const sliceVersion = await us.discovery.pickVersion(ENDPOINT_SLICE_VERSIONS, 'EndpointSlice');
    const derived = await waitFor(async () => (await us.list<Slice>(sliceVersion, 'EndpointSlice', { namespace: 'demo', labelSelector: 'multicluster.kubernetes.io/service-name=web,multicluster.kubernetes.io/source-cluster=eu-west' })).items[0], { timeoutMs: 20_000, what: 'derived EndpointSlice in us-east' });
    expect(derived.endpoints?.[0].addresses).toEqual(['10.102.1.5']);
    await waitFor(async () => (await dig(port, 'web.demo.svc.clusterset.local', 'A', { source: '127.0.12.1' })).answers.includes(euIp), { timeoutMs: 10_000, what: `dig to answer ${euIp}`, onTimeout: () => 'dig saw no such answer' });
    expect((await dig(port, 'web.demo.svc.clusterset.local', 'A', { tcp: true })).answers).toEqual([euIp]);
    expect((await dig(port, '_http._tcp.web.demo.svc.clusterset.local', 'SRV')).answers).toEqual(['0 100 80 web.demo.svc.clusterset.local.']);

    // us-east exports the same name with another protocol on port 80: the older eu-west export wins.
    await serviceWithEndpoints(us, 'web', { ips: ['10.101.1.5'], protocol: 'UDP' });
    await exportService(us, 'web');
    const conflict = await waitFor(async () => {
      const e = await us.get<ServiceExport>(MCS_API_VERSION, 'ServiceExport', 'web', 'demo');
      return e?.status?.conditions?.find((c) => c.type === 'Conflict' && c.status === 'True');
    }, { timeoutMs: 20_000, what: 'Conflict=True on us-east ServiceExport' });
    expect(conflict.reason).toBe('PortConflict');
    const euExport = await eu.get<ServiceExport>(MCS_API_VERSION, 'ServiceExport', 'web', 'demo');
    expect(euExport?.status?.conditions?.map((c) => `${c.type}=${c.status}`).sort()).toEqual(['Conflict=False', 'Valid=True']);
    const status = await waitFor(async () => (await eu.get<ServiceImport>(MCS_API_VERSION, 'ServiceImport', 'web', 'demo'))?.status?.clusters?.length === 2, { timeoutMs: 20_000, what: 'ServiceImport status listing both clusters' });
    expect(status).toBe(true);

    // Unexport from eu-west: its slices leave us-east and its address leaves the answers.
    await eu.delete(MCS_API_VERSION, 'ServiceExport', 'web', 'demo');
    await waitFor(async () => (await us.list(sliceVersion, 'EndpointSlice', { namespace: 'demo', labelSelector: 'multicluster.kubernetes.io/source-cluster=eu-west' })).items.length === 0, { timeoutMs: 20_000, what: 'eu-west slices gone from us-east' });
    await waitFor(async () => !(await dig(port, 'web.demo.svc.clusterset.local', 'A')).answers.includes(euIp), { timeoutMs: 10_000, what: 'eu-west address gone from DNS' });
    await us.delete(MCS_API_VERSION, 'ServiceExport', 'web', 'demo');
    await waitFor(async () => !(await us.get(MCS_API_VERSION, 'ServiceImport', 'web', 'demo')) && !(await eu.get(MCS_API_VERSION, 'ServiceImport', 'web', 'demo')), { timeoutMs: 20_000, what: 'ServiceImports removed from both members' });
    expect((await dig(port, 'web.demo.svc.clusterset.local', 'A')).status).toBe('NXDOMAIN');
  });

  it('serves headless per-endpoint names and SRV, honours Cilium global/affinity, and drops a member that turns not Ready', async () => {
    await serviceWithEndpoints(eu, 'db', { headless: true, ips: ['10.102.1.7', '10.102.2.7'], hostnames: ['db-0', 'db-1'], annotations: { 'service.cilium.io/global': 'true' } });
    await serviceWithEndpoints(us, 'db', { headless: true, ips: ['10.101.1.7'], hostnames: ['db-0'], annotations: { 'service.cilium.io/global': 'true', 'service.cilium.io/affinity': 'local' } });
    await waitFor(async () => (await dig(port, 'db-1.eu-west.db.demo.svc.clusterset.local', 'A')).answers[0] === '10.102.2.7', { timeoutMs: 20_000, what: 'headless endpoint name' });
    const srv = (await dig(port, '_http._tcp.db.demo.svc.clusterset.local', 'SRV', { source: '127.0.12.1' }));
    expect(srv.answers.sort()).toEqual(['0 1 80 db-0.us-east.db.demo.svc.clusterset.local.', '10 1 80 db-0.eu-west.db.demo.svc.clusterset.local.', '10 1 80 db-1.eu-west.db.demo.svc.clusterset.local.']);
    expect(srv.additionals.sort()).toEqual(['10.101.1.7', '10.102.1.7', '10.102.2.7']);
    // us-east asks for local affinity: it gets its own endpoint; eu-west (no affinity) gets all.
    expect((await dig(port, 'db.demo.svc.clusterset.local', 'A', { source: '127.0.12.1' })).answers).toEqual(['10.101.1.7']);
    expect((await dig(port, 'db.demo.svc.clusterset.local', 'A', { source: '127.0.12.2' })).answers.sort()).toEqual(['10.101.1.7', '10.102.1.7', '10.102.2.7']);

    source.setReady('eu-west', false);
    const answers = (await dig(port, 'db.demo.svc.clusterset.local', 'A', { source: '127.0.12.2' })).answers;
    expect(answers).toEqual(['10.101.1.7']);
    expect((await dig(port, 'db-1.eu-west.db.demo.svc.clusterset.local', 'A')).status).toBe('NXDOMAIN');
    await waitFor(async () => (await us.list(await us.discovery.pickVersion(ENDPOINT_SLICE_VERSIONS, 'EndpointSlice'), 'EndpointSlice', { namespace: 'demo', labelSelector: 'multicluster.kubernetes.io/source-cluster=eu-west' })).items.length === 0, { timeoutMs: 20_000, what: 'slices derived from the down member removed' });
    // The down member itself is left alone: nothing in it is deleted on the strength of it being down.
    expect((await eu.list(MCS_API_VERSION, 'ServiceImport', { namespace: 'demo' })).items.map((i) => i.metadata?.name)).toContain('db');
    source.setReady('eu-west', true);
    await waitFor(async () => (await dig(port, 'db-1.eu-west.db.demo.svc.clusterset.local', 'A')).status === 'NOERROR', { timeoutMs: 10_000, what: 'eu-west back in the answers' });
  });

  it('invalidates an export whose Service is deleted, and forgets a member removed from the registry', async () => {
    await serviceWithEndpoints(us, 'api', { ips: ['10.101.4.4'] });
    await exportService(us, 'api');
    await serviceWithEndpoints(eu, 'api', { ips: ['10.102.4.4'] });
    await exportService(eu, 'api');
    const sliceVersion = await us.discovery.pickVersion(ENDPOINT_SLICE_VERSIONS, 'EndpointSlice');
    const fromUs = async () => (await eu.list(sliceVersion, 'EndpointSlice', { namespace: 'demo', labelSelector: 'multicluster.kubernetes.io/service-name=api,multicluster.kubernetes.io/source-cluster=us-east' })).items.length;
    await waitFor(async () => (await fromUs()) === 1, { timeoutMs: 20_000, what: 'us-east api slice in eu-west' });

    await us.delete('v1', 'Service', 'api', 'demo');
    const valid = await waitFor(async () => (await us.get<ServiceExport>(MCS_API_VERSION, 'ServiceExport', 'api', 'demo'))?.status?.conditions?.find((c) => c.type === 'Valid' && c.status === 'False'),
      { timeoutMs: 20_000, what: 'Valid=False on the us-east export' });
    expect(valid.reason).toBe('NoService');
    await waitFor(async () => (await fromUs()) === 0, { timeoutMs: 20_000, what: 'us-east api slice gone from eu-west' });
    expect((await dig(port, 'api.demo.svc.clusterset.local', 'A')).answers).toEqual([(await eu.get<KubeObject & { spec: { clusterIP: string } }>('v1', 'Service', 'api', 'demo'))?.spec.clusterIP]);

    // us-east leaves the registry: eu-west alone still imports api; nothing of us-east is left in eu-west.
    await serviceWithEndpoints(us, 'api2', { ips: ['10.101.5.5'] });
    await exportService(us, 'api2');
    await waitFor(() => eu.get(MCS_API_VERSION, 'ServiceImport', 'api2', 'demo'), { timeoutMs: 20_000, what: 'api2 imported into eu-west' });
    const removed = source.members.splice(source.members.findIndex((m) => m.name === 'us-east'), 1)[0];
    source.emit('change', 'us-east');
    try {
      await waitFor(async () => !(await eu.get(MCS_API_VERSION, 'ServiceImport', 'api2', 'demo')), { timeoutMs: 20_000, what: 'api2 import removed from eu-west' });
      expect((await dig(port, 'api2.demo.svc.clusterset.local', 'A')).status).toBe('NXDOMAIN');
      expect(await eu.get(MCS_API_VERSION, 'ServiceImport', 'api', 'demo')).toBeDefined();
    } finally {
      source.members.push(removed);
      source.emit('change', 'us-east');
    }
  });

  it('deletes nothing while a Ready member cannot be read, and removes its imports once it is marked not Ready', async () => {
    await waitFor(() => { eu.discovery.invalidate(); return eu.discovery.has(MCS_API_VERSION, 'ServiceExport'); }, { timeoutMs: 30_000, what: 'MCS CRDs in eu-west' });
    await serviceWithEndpoints(eu, 'cache', { ips: ['10.102.3.3'] });
    await exportService(eu, 'cache');
    await waitFor(() => us.get(MCS_API_VERSION, 'ServiceImport', 'cache', 'demo'), { timeoutMs: 20_000, what: 'ServiceImport demo/cache in us-east' });
    await controller.stop();

    // A restarted controller that reaches us-east but not eu-west, which the registry still calls Ready.
    const unreachable = KubeClient.fromToken('https://127.0.0.1:1', '', 'no-token', 'eu-west', 1000);
    const partial = new TestMemberSource();
    partial.members.push(new TestMember('us-east', us), new TestMember('eu-west', unreachable));
    const restarted = new DiscoveryController(partial, discoveryOptions({ resyncMs: 500 }), silentLogger);
    await restarted.start();
    try {
      await waitFor(() => restarted.members().some((m) => m.name === 'us-east' && m.synced()), { timeoutMs: 20_000, what: 'us-east set up by the restarted controller' });
      await sleep(3000); // several resyncs (500 ms): any of them would have deleted the import
      // Read through transient API errors (a fresh CRD can answer 400 for a moment); the object decides.
      const after = await waitFor(async () => ({ found: await us.get(MCS_API_VERSION, 'ServiceImport', 'cache', 'demo') }), { timeoutMs: 10_000, what: 'reading ServiceImport demo/cache' });
      expect(after.found, 'the ServiceImport must survive while eu-west is Ready but unreadable').toBeDefined();
      partial.setReady('eu-west', false);
      await waitFor(async () => !(await us.get(MCS_API_VERSION, 'ServiceImport', 'cache', 'demo')), { timeoutMs: 20_000, what: 'import of the down member\'s only export removed' });
      expect(await eu.get(MCS_API_VERSION, 'ServiceExport', 'cache', 'demo')).toBeDefined();
    } finally {
      await restarted.stop();
      for (const m of partial.members) m.close();
    }
  });

  it('two replicas, each writing only its own member, agree on the ClusterSetIPs of services exported at the same moment whose addresses collide', async () => {
    await controller.stop(); // stopped already by the test before; the replicas below are the only writers now
    // A 6-address range, and two names whose probing starts at the same address, one exported in
    // each member. Each replica first reaches only its own member (as a replica does whose view of
    // the other is late) and allocates the same address for its service; then both see both.
    const range = '10.251.0.0/29';
    const probe = new ClusterSetIpAllocator(range);
    const names = Array.from({ length: 100 }, (_, i) => `race-${i}`);
    const start = (n: string) => probe.probeDistance(`demo/${n}`, '10.251.0.1');
    const [x, y] = names.flatMap((n) => names.filter((m) => m > n && start(m) === start(n)).map((m) => [n, m]))[0];
    const clients: Record<string, KubeClient> = { 'us-east': us, 'eu-west': eu };
    const replicas = ['us-east', 'eu-west'].map((own) => {
      const src = new TestMemberSource();
      src.members.push(new TestMember(own, clients[own]));
      return { own, src, controller: new DiscoveryController(src, discoveryOptions({ clustersetIpRange: range, resyncMs: 1000 }), silentLogger, (m) => m === own) };
    });
    const ipsOf = async (name: string) => Promise.all([us, eu].map(async (c) => (await c.get<ServiceImport>(MCS_API_VERSION, 'ServiceImport', name, 'demo'))?.spec?.ips?.[0]));
    try {
      await Promise.all(replicas.map((r) => r.controller.start()));
      await waitFor(() => replicas.every((r) => r.controller.members().length === 1 && r.controller.members()[0].synced()), { timeoutMs: 30_000, what: 'each replica set up in its own member' });
      await Promise.all([serviceWithEndpoints(us, x, { ips: ['10.101.9.1'] }), serviceWithEndpoints(eu, y, { ips: ['10.102.9.1'] })]);
      await Promise.all([exportService(us, x), exportService(eu, y)]);
      const apart = await waitFor(async () => {
        const [ax, ay] = [await ipsOf(x), await ipsOf(y)];
        return ax[0] && ay[1] ? [ax[0], ay[1]] : undefined;
      }, { timeoutMs: 30_000, intervalMs: 250, what: 'each replica importing its own member\'s service' });
      expect(apart[0]).toBe(apart[1]); // the race: both handed out the same address
      for (const r of replicas) {
        const other = r.own === 'us-east' ? 'eu-west' : 'us-east';
        r.src.members.push(new TestMember(other, clients[other]));
        r.src.emit('change', other);
      }
      let seen = '';
      const agreed = await waitFor(async () => {
        const [ax, ay] = [await ipsOf(x), await ipsOf(y)];
        seen = JSON.stringify({ [x]: ax, [y]: ay });
        const ok = ax[0] && ax[0] === ax[1] && ay[0] && ay[0] === ay[1] && ax[0] !== ay[0];
        return ok ? { [x]: ax[0], [y]: ay[0] } : undefined;
      }, { timeoutMs: 60_000, intervalMs: 250, what: `both members carrying one address per service for ${x} and ${y}`, onTimeout: () => `addresses in us-east and eu-west: ${seen}` });
      expect(Object.values(agreed).every((ip) => probe.contains(ip ?? ''))).toBe(true);
      // And it stays so over several resyncs of both replicas (1 s): no flapping between two plans.
      await sleep(3000);
      expect({ [x]: (await ipsOf(x))[0], [y]: (await ipsOf(y))[0] }).toEqual(agreed);
      expect(await ipsOf(x)).toEqual([agreed[x], agreed[x]]);
    } finally {
      for (const r of replicas) {
        await r.controller.stop();
        for (const m of r.src.members) m.close();
      }
    }
  });
});

