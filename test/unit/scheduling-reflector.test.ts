import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterRegistry, MemberCluster } from '../../src/clusters/registry.js';
import type { Node, Pod } from '../../src/scheduling/kinds.js';
import { DELEGATE_UID_ANNOTATION, LOST_REASON, PEER_LABEL, SOURCE_UID_LABEL } from '../../src/scheduling/labels.js';
import { Reflector, reflectKey } from '../../src/scheduling/reflector.js';
import { silentLogger } from '../../src/util/log.js';
import { waitFor } from '../../src/util/wait.js';

// The reflector against two fake members (caches the test fills, API calls recorded): a delegate
// made beside its binding, kept while the binding is on its way and collected when it is refused;
// the status lane mirrors a delegate that changed and hands anything else to the full sync.

type Call = { verb: string; cluster: string; kind: string; name: string; body?: Record<string, unknown>; meta?: Record<string, unknown> };

/** keepsStatusMeta: the server applies metadata sent to pods/status (as v1.20 does); false: it drops it. */
function fakeMember(name: string, calls: Call[], keepsStatusMeta = true) {
  const caches: Record<string, Map<string, unknown>> = { Pod: new Map(), Node: new Map(), Namespace: new Map(), NamespaceOffloading: new Map() };
  const informer = (_v: string, kind: string) => ({ hasSynced: () => true, get: (k: string) => caches[kind]?.get(k), list: () => [...(caches[kind]?.values() ?? [])] });
  let uid = 0;
  const client = {
    async create(obj: Pod) {
      calls.push({ verb: 'create', cluster: name, kind: obj.kind ?? '', name: obj.metadata?.name ?? '', body: obj as Record<string, unknown> });
      return { ...obj, metadata: { ...obj.metadata, uid: `remote-${++uid}` } };
    },
    async get(_v: string, kind: string, n: string, ns?: string) {
      return caches[kind]?.get(ns ? `${ns}/${n}` : n);
    },
    async mergePatch(_v: string, kind: string, n: string, _ns: string, body: Record<string, unknown>, where?: string | { subresource?: string }) {
      const subresource = typeof where === 'string' ? where : where?.subresource;
      if (subresource !== 'status') {
        calls.push({ verb: 'mergePatch', cluster: name, kind, name: n, body });
        return {};
      }
      const meta = body.metadata as Record<string, unknown> | undefined;
      calls.push({ verb: 'patchStatus', cluster: name, kind, name: n, body: body.status as Record<string, unknown>, meta });
      return keepsStatusMeta ? { metadata: meta } : { metadata: {} };
    },
    async patchStatus(_v: string, kind: string, n: string, _ns: string, body: Record<string, unknown>) {
      calls.push({ verb: 'patchStatus', cluster: name, kind, name: n, body });
      return {};
    },
    async delete(_v: string, kind: string, n: string) {
      calls.push({ verb: 'delete', cluster: name, kind, name: n });
      return true;
    },
  };
  const member = { name, ready: true, client, informer } as unknown as MemberCluster;
  return { member, caches };
}

function setup(keepsStatusMeta = true) {
  const calls: Call[] = [];
  const home = fakeMember('us-east', calls, keepsStatusMeta);
  const peer = fakeMember('eu-west', calls);
  const vnode: Node = { metadata: { name: 'liqo-eu-west', labels: { [PEER_LABEL]: 'eu-west' } } };
  home.caches.Node.set('liqo-eu-west', vnode);
  const members: Record<string, MemberCluster> = { 'us-east': home.member, 'eu-west': peer.member };
  const registry = { get: (n: string) => members[n] } as unknown as ClusterRegistry;
  return { calls, home, peer, registry };
}

function localPod(nodeName?: string, annotations: Record<string, string> = {}): Pod {
  return {
    metadata: { name: 'web-1', namespace: 'burst', uid: 'uid-web-1', annotations },
    spec: { nodeName, containers: [{ name: 'c', image: 'nginx' }] },
    status: { phase: 'Pending' },
  };
}

const KEY = reflectKey('us-east', 'burst', 'web-1');

describe('reflector: delegates beside their bindings, a status lane', () => {
  let reflector: Reflector | undefined;
  afterEach(() => reflector?.stop());

  it('makes the delegate beside the binding, which carries where it goes; mirrors nothing until the cache shows the pod bound (collection keeps the delegate meanwhile), then its status with its uid in one write', async () => {
    const { calls, home, peer, registry } = setup();
    reflector = new Reflector(registry, silentLogger);
    home.caches.Pod.set('burst/web-1', localPod());
    const prepared = reflector.prepare(KEY, 'liqo-eu-west')!;
    await prepared.made;
    const created = calls.find((c) => c.verb === 'create' && c.kind === 'Pod')!;
    expect(created.cluster).toBe('eu-west');
    const delegate = { ...(created.body as unknown as Pod), metadata: { ...(created.body as unknown as Pod).metadata, uid: 'remote-1' } };
    expect(delegate.metadata?.labels?.[SOURCE_UID_LABEL]).toBe('uid-web-1');
    expect(prepared.annotations).toEqual({ 'meridian.dev/delegate-cluster': 'eu-west', 'meridian.dev/delegate-namespace': delegate.metadata?.namespace });
    // The Binding carries them: the pod is not written on its own.
    expect(calls.filter((c) => c.cluster === 'us-east')).toEqual([]);

    // The delegate is Running in the peer; the pod's binding has not reached the cache.
    const remoteNs = delegate.metadata?.namespace ?? '';
    peer.caches.Pod.set(`${remoteNs}/web-1`, { ...delegate, status: { phase: 'Running' } });
    reflector.addRemote(delegate);
    await reflector.idle();
    expect(calls.filter((c) => c.verb === 'patchStatus')).toEqual([]);
    expect(await reflector.collectGarbage(home.member, peer.member, 'liqo-eu-west')).toBe(0);

    // Bound now (the Binding's annotations on it): the status lane mirrors Running, the uid with it.
    home.caches.Pod.set('burst/web-1', localPod('liqo-eu-west', prepared.annotations));
    reflector.observed(KEY, home.caches.Pod.get('burst/web-1') as Pod);
    reflector.addRemote(delegate);
    await waitFor(() => calls.some((c) => c.verb === 'patchStatus'), { timeoutMs: 10_000, what: 'status mirrored' });
    await reflector.idle();
    const mirrored = calls.find((c) => c.verb === 'patchStatus')!;
    expect([mirrored.cluster, mirrored.name, mirrored.body?.phase, mirrored.meta]).toEqual(['us-east', 'web-1', 'Running', { annotations: { [DELEGATE_UID_ANNOTATION]: 'remote-1' } }]);
    expect(calls.filter((c) => c.cluster === 'us-east' && c.verb !== 'patchStatus')).toEqual([]);
  });

  it('a sync of a pod whose delegate it made a moment ago waits for the peer\'s cache instead of creating it again', async () => {
    const { calls, home, registry } = setup();
    reflector = new Reflector(registry, silentLogger);
    home.caches.Pod.set('burst/web-1', localPod());
    const prepared = reflector.prepare(KEY, 'liqo-eu-west')!;
    await prepared.made;
    // Bound, and the peer's watch has not delivered the delegate yet.
    home.caches.Pod.set('burst/web-1', localPod('liqo-eu-west', prepared.annotations));
    reflector.observed(KEY, home.caches.Pod.get('burst/web-1') as Pod);
    reflector.add(KEY);
    await reflector.idle();
    expect(calls.filter((c) => c.cluster === 'eu-west' && c.kind === 'Pod').map((c) => c.verb)).toEqual(['create']);
  });

  it('a server that keeps metadata out of pods/status gets the uid in a write of its own', async () => {
    const { calls, home, peer, registry } = setup(false);
    reflector = new Reflector(registry, silentLogger);
    const labels = { 'meridian.dev/source-cluster': 'us-east', 'multicluster.admiralty.io/parent-namespace': 'burst', 'multicluster.admiralty.io/parent-name': 'web-1', [SOURCE_UID_LABEL]: 'uid-web-1' };
    const delegate: Pod = { metadata: { name: 'web-1', namespace: 'burst-x', uid: 'remote-7', labels }, spec: { containers: [] }, status: { phase: 'Running' } };
    peer.caches.Pod.set('burst-x/web-1', delegate);
    home.caches.Pod.set('burst/web-1', localPod('liqo-eu-west', { 'meridian.dev/delegate-cluster': 'eu-west', 'meridian.dev/delegate-namespace': 'burst-x' }));
    reflector.addRemote(delegate);
    await waitFor(() => calls.some((c) => c.verb === 'mergePatch'), { timeoutMs: 10_000, what: 'uid written on its own' });
    expect(calls.filter((c) => c.cluster === 'us-east').map((c) => [c.verb, c.verb === 'mergePatch' ? c.body : c.body?.phase])).toEqual([
      ['patchStatus', 'Running'], ['mergePatch', { metadata: { annotations: { [DELEGATE_UID_ANNOTATION]: 'remote-7' } } }],
    ]);
  });

  it('a refused binding withdraws the delegate: collection deletes it once the pod is not bound there', async () => {
    const { calls, home, peer, registry } = setup();
    reflector = new Reflector(registry, silentLogger);
    home.caches.Pod.set('burst/web-1', localPod());
    await reflector.prepare(KEY, 'liqo-eu-west')?.made;
    const delegate = calls.find((c) => c.verb === 'create' && c.kind === 'Pod')!.body as unknown as Pod;
    peer.caches.Pod.set(`${delegate.metadata?.namespace}/web-1`, delegate);
    expect(await reflector.collectGarbage(home.member, peer.member, 'liqo-eu-west')).toBe(0);
    reflector.bindingRefused(KEY);
    expect(await reflector.collectGarbage(home.member, peer.member, 'liqo-eu-west')).toBe(1);
    expect(calls.filter((c) => c.verb === 'delete').map((c) => `${c.cluster}/${c.name}`)).toEqual(['eu-west/web-1']);
  });

  it('the status lane hands a delegate that is gone to the full sync, which reports the pod lost', async () => {
    const { calls, home, registry } = setup();
    reflector = new Reflector(registry, silentLogger);
    home.caches.Pod.set('burst/web-1', { ...localPod('liqo-eu-west', { [DELEGATE_UID_ANNOTATION]: 'remote-1' }), status: { phase: 'Running' } });
    reflector.addRemote({ metadata: { name: 'web-1', namespace: 'burst-x', labels: { 'meridian.dev/source-cluster': 'us-east', 'multicluster.admiralty.io/parent-namespace': 'burst', 'multicluster.admiralty.io/parent-name': 'web-1' } } });
    await waitFor(() => calls.some((c) => c.verb === 'patchStatus'), { timeoutMs: 10_000, what: 'pod reported lost' });
    await reflector.idle();
    const lost = calls.find((c) => c.verb === 'patchStatus')!;
    expect([lost.name, lost.body?.phase, lost.body?.reason]).toEqual(['web-1', 'Failed', LOST_REASON]);
  });

  it('a delegate merely Pending is not mirrored; one that says why it waits (Unschedulable in the peer) is', async () => {
    const { calls, home, peer, registry } = setup();
    reflector = new Reflector(registry, silentLogger);
    home.caches.Pod.set('burst/web-1', localPod('liqo-eu-west', { [DELEGATE_UID_ANNOTATION]: 'remote-1', 'meridian.dev/delegate-namespace': 'burst-x' }));
    const labels = { 'meridian.dev/source-cluster': 'us-east', 'multicluster.admiralty.io/parent-namespace': 'burst', 'multicluster.admiralty.io/parent-name': 'web-1', [SOURCE_UID_LABEL]: 'uid-web-1' };
    const delegate: Pod = { metadata: { name: 'web-1', namespace: 'burst-x', labels }, spec: { containers: [] }, status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }] } };
    peer.caches.Pod.set('burst-x/web-1', delegate);
    reflector.addRemote(delegate);
    await reflector.idle();
    expect(calls.filter((c) => c.verb === 'patchStatus' || c.verb === 'create')).toEqual([]);
    const waiting: Pod = { ...delegate, status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/2 nodes are available' }] } };
    peer.caches.Pod.set('burst-x/web-1', waiting);
    reflector.addRemote(waiting);
    await waitFor(() => calls.some((c) => c.verb === 'patchStatus'), { timeoutMs: 10_000, what: 'Unschedulable mirrored' });
    expect((calls.find((c) => c.verb === 'patchStatus')!.body?.conditions as Array<{ reason?: string }>)[0].reason).toBe('Unschedulable');
  });
});
