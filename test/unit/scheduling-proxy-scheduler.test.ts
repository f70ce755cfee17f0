import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterRegistry, MemberCluster } from '../../src/clusters/registry.js';
import { KubeApiError } from '../../src/kube/errors.js';
import type { Node, Pod } from '../../src/scheduling/kinds.js';
import { PROXY_SCHEDULER_NAME, VIRTUAL_NODE_TAINT } from '../../src/scheduling/labels.js';
import { ProxyScheduler } from '../../src/scheduling/proxy-scheduler.js';
import { silentLogger } from '../../src/util/log.js';
import { waitFor } from '../../src/util/wait.js';

// The proxy scheduler against a fake member (cache + client): bindings overlap, decisions do not
// hand out the same capacity twice, and an unanswered binding keeps its slot until it is settled.

const CPU: Record<string, number> = { 'home-1': 2, 'liqo-eu-west': 3, 'liqo-ap-south': 2 };

function node(name: string): Node {
  const virtual = name.startsWith('liqo-');
  return {
    metadata: { name, labels: virtual ? { 'liqo.io/type': 'virtual-node', 'topology.liqo.io/type': 'virtual-node' } : {} },
    spec: virtual ? { taints: [{ ...VIRTUAL_NODE_TAINT }] } : {},
    status: { allocatable: { cpu: String(CPU[name]), memory: '16Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

function pod(name: string, cpu: string): Pod {
  return {
    metadata: { name, namespace: 'burst', uid: `uid-${name}`, creationTimestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, Number(name.replace(/\D/g, '') || 0))).toISOString() as Date & string },
    spec: { schedulerName: PROXY_SCHEDULER_NAME, containers: [{ name: 'c', image: 'x', resources: { requests: { cpu } } }], tolerations: [{ key: VIRTUAL_NODE_TAINT.key, operator: 'Exists', effect: 'NoExecute' }] },
  };
}

/** A member whose caches the test fills and whose API calls are recorded (bindings wait on a gate). */
function fakeMember(nodes: string[]) {
  const caches: Record<string, Map<string, unknown>> = { Node: new Map(nodes.map((n) => [n, node(n)])), Pod: new Map() };
  const informer = (_v: string, kind: string) => ({ hasSynced: () => true, get: (k: string) => caches[kind]?.get(k), list: () => [...(caches[kind]?.values() ?? [])] });
  const state = { inflight: 0, peak: 0, bindings: [] as Array<{ pod: string; node: string; ok: boolean }>, statuses: [] as Array<{ pod: string; message: string }>, gate: Promise.resolve(), failFirst: new Set<string>(), refuse: new Set<string>(), onFail: () => undefined as void, annotations: {} as Record<string, Record<string, string> | undefined> };
  const client = {
    async request(_method: string, path: string, opts: { body: { metadata: { name: string; annotations?: Record<string, string> }; target: { name: string } } }) {
      state.inflight++;
      state.peak = Math.max(state.peak, state.inflight);
      try {
        await state.gate;
        await new Promise((resolve) => setImmediate(resolve));
        const p = opts.body.metadata.name;
        state.annotations[p] = opts.body.metadata.annotations;
        if (state.refuse.has(p)) throw new KubeApiError(`POST ${path}: 409 already bound`, 409, 'Conflict');
        const fail = state.failFirst.delete(p);
        state.bindings.push({ pod: p, node: opts.body.target.name, ok: !fail });
        if (fail) {
          state.onFail();
          throw new KubeApiError(`POST ${path}: no answer`, 0);
        }
        return {};
      } finally {
        state.inflight--;
      }
    },
    async patchStatus(_v: string, _k: string, name: string, _ns: string, status: { conditions: Array<{ message: string }> }) {
      state.statuses.push({ pod: name, message: status.conditions[0].message });
      return {};
    },
    async create() {
      return {};
    },
  };
  const member = { name: 'us-east', ready: true, labels: {}, cluster: {}, client, informer } as unknown as MemberCluster;
  // Peers answer (ClusterReady passes for their virtual nodes).
  const registry = { get: (n: string) => (n === 'us-east' ? member : { name: n, ready: true }) } as unknown as ClusterRegistry;
  return { caches, state, registry };
}

const key = (name: string) => `us-east\tburst/${name}`;

describe('proxy scheduler: batched decisions, parallel bindings', () => {
  let scheduler: ProxyScheduler | undefined;
  afterEach(() => scheduler?.stop());

  it('20 pods in two waves while bindings are in flight: bindings overlap, each pod bound once, no node past its allocatable, the rest Unschedulable with reasons', async () => {
    const { caches, state, registry } = fakeMember(['home-1', 'liqo-eu-west', 'liqo-ap-south']);
    let open = () => undefined as void;
    state.gate = new Promise<void>((resolve) => (open = resolve));
    scheduler = new ProxyScheduler(registry, silentLogger, { retryMs: 600_000, bindConcurrency: 4, bindTimeoutMs: 30_000 });
    const addWave = (from: number) => {
      for (let i = from; i < from + 10; i++) {
        const p = pod(`p${i}`, '500m');
        caches.Pod.set(`burst/p${i}`, p);
        scheduler?.add(key(`p${i}`));
      }
    };
    addWave(0);
    await waitFor(() => state.inflight === 4, { timeoutMs: 10_000, what: 'first wave binding', onTimeout: () => `${state.inflight} in flight` });
    // The cache still shows none of the first wave bound: only the assume cache knows.
    addWave(10);
    // Both waves decided (14 charged) while no binding has returned yet.
    await waitFor(() => scheduler?.assumed.size === 14, { timeoutMs: 10_000, what: 'second wave decided', onTimeout: () => `${scheduler?.assumed.size} charged` });
    expect(state.bindings).toHaveLength(0);
    open();
    await waitFor(() => state.bindings.length === 14 && state.statuses.length === 6, { timeoutMs: 10_000, what: '14 bindings and 6 unschedulable', onTimeout: () => JSON.stringify({ b: state.bindings.length, s: state.statuses.length }) });
    expect(state.peak).toBe(4);
    const pods = state.bindings.map((b) => b.pod);
    expect(new Set(pods).size).toBe(pods.length);
    const used = new Map<string, number>();
    for (const b of state.bindings) used.set(b.node, (used.get(b.node) ?? 0) + 0.5);
    expect(Object.fromEntries(used)).toEqual({ 'home-1': 2, 'liqo-eu-west': 3, 'liqo-ap-south': 2 });
    // Queue order: the oldest 14 got places.
    expect(pods.sort()).toEqual(Array.from({ length: 14 }, (_, i) => `p${i}`).sort());
    expect(state.statuses.map((s) => s.pod).sort()).toEqual(['p14', 'p15', 'p16', 'p17', 'p18', 'p19']);
    expect(state.statuses[0].message).toMatch(/^0\/3 nodes are available: .*NodeResourcesFit: Insufficient cpu/);
    // Bound pods are busy until the watch shows them; the watch settles the assume cache.
    expect(scheduler.assumed.size).toBe(14);
    for (const b of state.bindings) scheduler.observed(key(b.pod), { ...pod(b.pod, '500m'), spec: { ...pod(b.pod, '500m').spec!, nodeName: b.node } });
    expect(scheduler.assumed.size).toBe(0);
  });

  it('a binding that got no answer keeps its slot: another pod does not take it, the pod\'s retry does', async () => {
    const { caches, state, registry } = fakeMember(['home-1', 'liqo-eu-west']);
    state.failFirst.add('a');
    scheduler = new ProxyScheduler(registry, silentLogger, { retryMs: 600_000, bindConcurrency: 4, bindTimeoutMs: 30_000 });
    // b arrives right after a's binding failed (once the failure is handled), well before a's retry.
    state.onFail = () => void setImmediate(() => {
      caches.Pod.set('burst/b', pod('b', '2'));
      scheduler?.add(key('b'));
    });
    caches.Pod.set('burst/a', pod('a', '2'));
    scheduler.add(key('a'));
    await waitFor(() => state.bindings.filter((b) => b.ok).length === 2, { timeoutMs: 10_000, what: 'a retried and b bound', onTimeout: () => JSON.stringify(state.bindings) });
    expect(state.bindings).toEqual(expect.arrayContaining([{ pod: 'a', node: 'home-1', ok: false }, { pod: 'a', node: 'home-1', ok: true }, { pod: 'b', node: 'liqo-eu-west', ok: true }]));
    expect(state.bindings).toHaveLength(3);
    expect(state.bindings[1]).toEqual({ pod: 'b', node: 'liqo-eu-west', ok: true });
  });

  it('a binding to a virtual node carries where its delegate goes and is sent while the delegate is still being made; one refused by the server withdraws it, one without an answer does not', async () => {
    const { caches, state, registry } = fakeMember(['home-1', 'liqo-eu-west']);
    const prepared: string[] = [];
    const refused: string[] = [];
    let finishMaking = () => undefined as void;
    const making = new Promise<void>((resolve) => { finishMaking = resolve; });
    const delegates = {
      prepare(k: string, node: string) {
        prepared.push(`${k.split('/')[1]}@${node}`);
        return { annotations: { 'meridian.dev/delegate-cluster': 'eu-west', 'meridian.dev/delegate-namespace': 'burst-x' }, made: making };
      },
      bindingRefused: (k: string) => void refused.push(k.split('/')[1]),
    };
    state.refuse.add('r');
    state.failFirst.add('n');
    scheduler = new ProxyScheduler(registry, silentLogger, { retryMs: 600_000, bindConcurrency: 4, bindTimeoutMs: 30_000, delegates });
    for (const [name, cpu] of [['h', '2'], ['v', '1'], ['r', '1'], ['n', '1']] as const) {
      caches.Pod.set(`burst/${name}`, pod(name, cpu));
      scheduler.add(key(name));
    }
    // No delegate is made yet: the bindings go out all the same (the home pod's, and v's and r's beside their delegates).
    await waitFor(() => state.bindings.some((b) => b.pod === 'v' && b.ok) && state.bindings.some((b) => b.pod === 'h' && b.ok) && 'r' in state.annotations, { timeoutMs: 10_000, what: 'bindings sent before the delegates are made', onTimeout: () => JSON.stringify({ b: state.bindings, refused }) });
    finishMaking();
    await waitFor(() => state.bindings.filter((b) => b.ok).length === 3 && refused.length >= 1, { timeoutMs: 10_000, what: 'n bound on its retry, r withdrawn', onTimeout: () => JSON.stringify({ b: state.bindings, refused }) });
    expect(state.annotations.h).toBeUndefined();
    expect(state.annotations.v).toEqual({ 'meridian.dev/delegate-cluster': 'eu-west', 'meridian.dev/delegate-namespace': 'burst-x' });
    expect([...new Set(prepared)].sort()).toEqual(['n@liqo-eu-west', 'r@liqo-eu-west', 'v@liqo-eu-west']);
    // n's first binding got no answer (it may have landed) and r's was refused: only r is withdrawn.
    expect(state.bindings.filter((b) => b.pod === 'n').map((b) => b.ok)).toEqual([false, true]);
    expect([...new Set(refused)]).toEqual(['r']);
  });
});
