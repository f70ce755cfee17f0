import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from '../../src/api/cluster.js';
import { API_VERSION } from '../../src/api/schema.js';
import { TerminalError } from '../../src/controller/terminal.js';
import type { KubeObject } from '../../src/kube/types.js';
import { HubPublications, INLINE_PART_BYTES } from '../../src/serve/publications.js';
import { silentLogger } from '../../src/util/log.js';
import { waitFor } from '../../src/util/wait.js';
import { startEnvtest, type Envtest } from '../support/envtest.js';

// The hub store of what shard holders publish, against a real API server with Meridian's CRDs:
// parts of different controllers side by side, owned by the member's Cluster, large parts gzipped,
// a part too large for a ConfigMap refused as a terminal error with a Warning Event, nothing
// rewritten when nothing changed, and a publication that does not parse read as none.

const NS = 'meridian-system';
type Cm = KubeObject & { data?: Record<string, string>; binaryData?: Record<string, string> };

describe('publications on the hub', () => {
  let env: Envtest;
  let store: HubPublications;
  let cluster: Cluster;

  beforeAll(async () => {
    env = await startEnvtest({ name: 'publications' });
    await env.client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    cluster = await env.client.apply<Cluster>({ apiVersion: API_VERSION, kind: 'Cluster', metadata: { name: 'us-east' }, spec: { server: 'https://127.0.0.1:1', secretRef: { name: 'x', namespace: NS }, region: 'us-east' } });
    store = new HubPublications(env.client, { namespace: NS, group: 'g', within: (_m, fn) => fn(), clusterOf: (m) => (m === 'us-east' ? cluster : undefined) }, silentLogger).start();
    await waitFor(() => store.hasSynced(), { timeoutMs: 30_000, what: 'publications listed' });
  });
  afterAll(async () => {
    store?.stop();
    await env?.stop();
  });

  const object = () => env.client.get<Cm>('v1', 'ConfigMap', store.nameOf('us-east'), NS);
  const seen = (part: string, want: unknown) => waitFor(() => JSON.stringify(store.read('us-east', part)) === JSON.stringify(want), { timeoutMs: 10_000, what: `${part} read back` });

  it('keeps two controllers\' parts side by side, owned by the member\'s Cluster, and writes nothing unchanged', async () => {
    expect(await store.publish('us-east', 'discovery', { version: 1, keys: ['demo/web'] })).toBe(true);
    expect(await store.publish('us-east', 'traffic', { version: 1, addresses: {} })).toBe(true);
    await seen('discovery', { version: 1, keys: ['demo/web'] });
    await seen('traffic', { version: 1, addresses: {} });
    const cm = await object();
    expect(Object.keys(cm?.data ?? {}).sort()).toEqual(['discovery.json', 'traffic.json']);
    expect(cm?.metadata?.ownerReferences).toEqual([{ apiVersion: API_VERSION, kind: 'Cluster', name: 'us-east', uid: cluster.metadata?.uid }]);
    expect(cm?.metadata?.annotations?.['meridian.dev/published-member']).toBe('us-east');
    const version = cm?.metadata?.resourceVersion;
    expect(await store.publish('us-east', 'discovery', { version: 1, keys: ['demo/web'] })).toBe(false);
    expect((await object())?.metadata?.resourceVersion).toBe(version);
  });

  it('gzips a large part and reads it back; the plain key of that part goes', async () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `demo/service-${i}`);
    const big = { version: 1, keys };
    expect(JSON.stringify(big).length).toBeGreaterThan(INLINE_PART_BYTES);
    await store.publish('us-east', 'discovery', big);
    await seen('discovery', big);
    const cm = await object();
    expect(cm?.data?.['discovery.json']).toBeUndefined();
    expect(cm?.data?.['traffic.json']).toBeDefined();
    expect(cm?.binaryData?.['discovery.json.gz']?.length).toBeLessThan(JSON.stringify(big).length / 4);
  });

  it('refuses a part no ConfigMap can hold as terminal, with one Warning Event on the Cluster, keeping the last publication', async () => {
    const noise = { version: 1, keys: Array.from({ length: 2_000 }, () => randomBytes(600).toString('base64')) };
    await expect(store.publish('us-east', 'discovery', noise)).rejects.toBeInstanceOf(TerminalError);
    await expect(store.publish('us-east', 'discovery', noise)).rejects.toThrow(/member us-east is \d+ bytes/);
    const events = await waitFor(async () => {
      const list = (await env.client.list<KubeObject & { reason?: string; involvedObject?: { name?: string } }>('v1', 'Event', { namespace: 'default' })).items.filter((e) => e.reason === 'PublicationTooLarge');
      return list.length > 0 ? list : undefined;
    }, { timeoutMs: 10_000, what: 'a PublicationTooLarge Event' });
    expect(events).toHaveLength(1);
    expect(events[0].involvedObject?.name).toBe('us-east');
    expect((store.read<{ keys: string[] }>('us-east', 'discovery'))?.keys).toHaveLength(20_000);
  });

  it('reads a publication that does not parse as none', async () => {
    await env.client.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: store.nameOf('us-east'), namespace: NS }, data: { 'traffic.json': '{not json' } }, { fieldManager: 'someone-else' });
    await waitFor(() => store.read('us-east', 'traffic') === undefined, { timeoutMs: 10_000, what: 'the broken part read as none' });
    expect((store.read<{ keys: string[] }>('us-east', 'discovery'))?.keys).toHaveLength(20_000);
  });
});
