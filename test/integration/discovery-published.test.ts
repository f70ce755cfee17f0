import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MCS_API_VERSION, type ServiceExport, type ServiceImport } from '../../src/api/mcs.js';
import { DiscoveryController } from '../../src/discovery/controller.js';
import { ENDPOINT_SLICE_VERSIONS } from '../../src/discovery/member-state.js';
import { discoveryOptions } from '../../src/discovery/options.js';
import type { KubeClient } from '../../src/kube/client.js';
import type { KubeObject } from '../../src/kube/types.js';
import { HubPublications, PUBLISHED_MEMBER_ANNOTATION } from '../../src/serve/publications.js';
import { silentLogger } from '../../src/util/log.js';
import { sleep, waitFor } from '../../src/util/wait.js';
import { TestMember, TestMemberSource } from '../support/discovery.js';
import { startEnvtest, type Envtest } from '../support/envtest.js';

// Two replicas of discovery share two members, as `serve --shards` splits them: each watches only
// the member it holds and publishes that member's view on a real hub API server; each reads the
// other member from the hub. Both answer for the whole clusterset, each member imports the other's
// service, and a member that changes hands is watched and published by its new holder.

const NS = 'meridian-system';
type Cm = KubeObject & { data?: Record<string, string> };

async function serviceWithEndpoints(client: KubeClient, name: string, ips: string[]): Promise<void> {
  await client.create({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'demo' }, spec: { ports: [{ name: 'http', port: 80 }], selector: { app: name } } });
  const version = await client.discovery.pickVersion(ENDPOINT_SLICE_VERSIONS, 'EndpointSlice');
  await client.apply({
    apiVersion: version, kind: 'EndpointSlice', metadata: { name: `${name}-abcde`, namespace: 'demo', labels: { 'kubernetes.io/service-name': name } },
    addressType: 'IPv4', ports: [{ name: 'http', port: 8080, protocol: 'TCP' }], endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
  });
  await client.create<ServiceExport>({ apiVersion: MCS_API_VERSION, kind: 'ServiceExport', metadata: { name, namespace: 'demo' } });
}

interface Replica { id: string; holds: Set<string>; source: TestMemberSource; store: HubPublications; controller: DiscoveryController }

describe('discovery under shards: each replica watches its members and reads the others from the hub', () => {
  const envs: Envtest[] = [];
  let hub: KubeClient;
  const members: Record<string, KubeClient> = {};
  const replicas: Replica[] = [];

  const backends = (r: Replica, svc: string) => r.controller.zone.snapshot().services.get(`${svc}.demo`)?.backends.map((b) => `${b.cluster}=${b.addresses.join('|')}`).sort() ?? [];
  const publication = async (member: string) => {
    const cm = (await publicationsOnHub()).find((c) => c.metadata?.annotations?.[PUBLISHED_MEMBER_ANNOTATION] === member);
    return JSON.parse(cm?.data?.['discovery.json'] ?? '{}') as { keys?: string[]; imports?: Record<string, string[]>; exports?: Record<string, { endpoints: Array<{ ready: boolean }> }> };
  };
  /** Write requests for ConfigMaps the hub has served (its apiserver_request_total). */
  const configMapWrites = async () => {
    const { text } = await hub.getText('/metrics');
    return text.split('\n').filter((l) => l.startsWith('apiserver_request_total{') && l.includes('resource="configmaps"') && /verb="(APPLY|PATCH|POST|PUT)"/.test(l)).reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  };
  const publicationsOnHub = async () => (await hub.list<Cm>('v1', 'ConfigMap', { namespace: NS, labelSelector: 'meridian.dev/published=true' })).items;

  beforeAll(async () => {
    for (const name of ['hub', 'us-east', 'eu-west']) envs.push(await startEnvtest({ name, crds: [] }));
    hub = envs[0].client;
    members['us-east'] = envs[1].client;
    members['eu-west'] = envs[2].client;
    await hub.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }); // the envtest may have made it
    for (const c of Object.values(members)) await c.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } });
    for (const [id, held] of [['replica-a', 'us-east'], ['replica-b', 'eu-west']]) {
      const holds = new Set([held]);
      const source = new TestMemberSource();
      for (const [name, client] of Object.entries(members)) source.members.push(new TestMember(name, client));
      const store = new HubPublications(hub, { namespace: NS, group: 'test', within: (_m, fn) => fn() }, silentLogger).start();
      const controller = new DiscoveryController(source, discoveryOptions({ resyncMs: 1000 }), silentLogger, (m) => holds.has(m), store);
      replicas.push({ id, holds, source, store, controller });
    }
    for (const r of replicas) await r.controller.start();
    // Each member's holder installs the MCS CRDs and writes the ClusterProperties last.
    for (const [name, client] of Object.entries(members)) await waitFor(() => client.get('about.k8s.io/v1alpha1', 'ClusterProperty', 'clusterset.k8s.io').catch(() => undefined), { timeoutMs: 30_000, what: `discovery set up in ${name}` });
  });

  afterAll(async () => {
    for (const r of replicas) {
      await r.controller.stop();
      r.store.stop();
      for (const m of r.source.members) m.close();
    }
    for (const e of envs) await e.stop();
  });

  it('both replicas answer for services of both members, and neither watches the member it does not hold', async () => {
    await serviceWithEndpoints(members['us-east'], 'web', ['10.101.0.4']);
    await serviceWithEndpoints(members['eu-west'], 'web', ['10.102.0.4']);
    await serviceWithEndpoints(members['eu-west'], 'db', ['10.102.0.9']);
    for (const r of replicas) {
      await waitFor(() => backends(r, 'web').length === 2 && backends(r, 'db').length === 1, { timeoutMs: 60_000, intervalMs: 200, what: `${r.id} answering web from both members and db from eu-west`, onTimeout: () => JSON.stringify(r.controller.zone.snapshot().services.size) });
    }
    expect(backends(replicas[0], 'web')).toEqual(backends(replicas[1], 'web'));
    // Each member imports both services: us-east's import of db was written by replica-a from eu-west's publication.
    for (const [name, client] of Object.entries(members)) {
      for (const svc of ['web', 'db']) await waitFor(() => client.get<ServiceImport>(MCS_API_VERSION, 'ServiceImport', svc, 'demo'), { timeoutMs: 30_000, what: `ServiceImport ${svc} in ${name}` });
    }
    const [a, b] = replicas;
    expect(a.controller.watched()).toEqual(['us-east']);
    expect(b.controller.watched()).toEqual(['eu-west']);
    expect(a.source.members.find((m) => m.name === 'eu-west')?.informed).toEqual([]);
    expect(b.source.members.find((m) => m.name === 'us-east')?.informed).toEqual([]);
    const published = await publicationsOnHub();
    expect(published.map((c) => c.metadata?.annotations?.[PUBLISHED_MEMBER_ANNOTATION]).sort()).toEqual(['eu-west', 'us-east']);
    // The import addresses eu-west's holder publishes are the ones us-east carries: one ClusterSetIP per service fleet-wide.
    const usWeb = await members['us-east'].get<ServiceImport>(MCS_API_VERSION, 'ServiceImport', 'web', 'demo');
    expect(usWeb?.spec?.ips?.length).toBe(1);
    const euState = await waitFor(async () => {
      const state = await publication('eu-west');
      return state.imports?.['demo/web']?.length ? state : undefined;
    }, { timeoutMs: 30_000, what: 'eu-west\'s publication carrying its import of web' });
    expect(euState.keys).toEqual(['demo/db', 'demo/web']);
    expect(euState.imports?.['demo/web']).toEqual(usWeb?.spec?.ips);
  });

  it('writes nothing to the hub at steady state', async () => {
    // Converged: both members import both services, and both publications say so.
    for (const m of Object.keys(members)) await waitFor(async () => Object.keys((await publication(m)).imports ?? {}).length === 2, { timeoutMs: 30_000, what: `${m}'s publication carrying both imports` });
    const before = await configMapWrites();
    await sleep(3000); // three resyncs of both replicas
    // Counted by the hub itself: an apply of unchanged data would leave the objects alone but still be a write request.
    expect(await configMapWrites()).toBe(before);
    expect(before).toBeGreaterThan(0);
  });

  it('a member that changes hands is watched and published by its new holder; the old holder reads it from the hub', async () => {
    const [a, b] = replicas;
    // eu-west moves from replica-b to replica-a (replica-b let it go first, as the Lease handover does).
    b.holds.delete('eu-west');
    b.source.emit('change', 'eu-west');
    a.holds.add('eu-west');
    a.source.emit('change', 'eu-west');
    await waitFor(() => a.controller.watched().includes('eu-west') && b.controller.watched().length === 0, { timeoutMs: 10_000, what: 'eu-west watched by replica-a only' });
    // A change in eu-west now reaches replica-b only through replica-a's publication: db's one endpoint turns not ready.
    const version = await members['eu-west'].discovery.pickVersion(ENDPOINT_SLICE_VERSIONS, 'EndpointSlice');
    await members['eu-west'].apply({
      apiVersion: version, kind: 'EndpointSlice', metadata: { name: 'db-abcde', namespace: 'demo', labels: { 'kubernetes.io/service-name': 'db' } },
      addressType: 'IPv4', ports: [{ name: 'http', port: 8080, protocol: 'TCP' }], endpoints: [{ addresses: ['10.102.0.9'], conditions: { ready: false } }],
    });
    await waitFor(async () => (await publication('eu-west')).exports?.['demo/db']?.endpoints[0]?.ready === false, { timeoutMs: 30_000, intervalMs: 200, what: 'replica-a publishing eu-west\'s db endpoint not ready' });
    for (const r of replicas) await waitFor(() => backends(r, 'db').length === 0, { timeoutMs: 30_000, intervalMs: 200, what: `${r.id} no longer answering db` });
    expect(backends(b, 'web')).toEqual(backends(a, 'web'));
    expect(backends(b, 'web')).toHaveLength(2);
  });
});
