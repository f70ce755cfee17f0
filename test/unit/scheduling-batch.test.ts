import { describe, expect, it } from 'vitest';
import { AssumedPods } from '../../src/scheduling/assumed-pods.js';
import { byQueueOrder, placeBatch, type BatchView, type PendingPod } from '../../src/scheduling/batch.js';
import type { Node, Pod } from '../../src/scheduling/kinds.js';
import { PROXY_SCHEDULER_NAME, VIRTUAL_NODE_TAINT } from '../../src/scheduling/labels.js';

const GiB = 2 ** 30;
/** A timestamp as the wire carries it (client-node types it Date & string). */
const stamp = (iso: string) => iso as Date & string;

function node(name: string, cpu: string, virtual = false): Node {
  return {
    metadata: { name, labels: virtual ? { 'liqo.io/type': 'virtual-node', 'topology.liqo.io/type': 'virtual-node' } : {} },
    spec: virtual ? { taints: [{ ...VIRTUAL_NODE_TAINT }] } : {},
    status: { allocatable: { cpu, memory: '16Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

function pending(name: string, cpu: string, extra: { owner?: string; priority?: number; created?: string } = {}): PendingPod {
  const pod: Pod = {
    metadata: { name, namespace: 'burst', uid: `uid-${name}`, creationTimestamp: stamp(extra.created ?? '2026-01-01T00:00:00Z'), ownerReferences: extra.owner ? [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: extra.owner, controller: true }] : undefined },
    spec: { schedulerName: PROXY_SCHEDULER_NAME, priority: extra.priority, containers: [{ name: 'c', image: 'x', resources: { requests: { cpu, memory: '64Mi' } } }], tolerations: [{ key: VIRTUAL_NODE_TAINT.key, operator: 'Exists', effect: 'NoExecute' }] },
  };
  return { key: `us-east\tburst/${name}`, pod };
}

function view(nodes: Node[], over: Partial<BatchView> = {}): BatchView {
  return { home: 'us-east', nodes, pods: [], assumed: new Map(), allowedPeers: () => undefined, peerReady: () => true, ...over };
}

/** CPU decided per node, in millicores. */
function cpuByNode(decisions: ReturnType<typeof placeBatch>): Map<string, number> {
  const out = new Map<string, number>();
  for (const d of decisions) if (d.placement.chosen) out.set(d.placement.chosen.name, (out.get(d.placement.chosen.name) ?? 0) + Math.round(d.requests.cpu * 1000));
  return out;
}

describe('batch placement (decide serially in memory, bind in parallel)', () => {
  it('two pods of one batch never both take the last free slot: the second goes to a peer', () => {
    const out = placeBatch([pending('b', '1', { created: '2026-01-01T00:00:02Z' }), pending('a', '1', { created: '2026-01-01T00:00:01Z' })], view([node('home-1', '1'), node('liqo-eu-west', '4', true)]));
    expect(out.map((d) => [d.pod.metadata?.name, d.placement.chosen?.name])).toEqual([['a', 'home-1'], ['b', 'liqo-eu-west']]);
  });

  it('when nothing is left the rest of the batch is unschedulable, with the resource in the reason', () => {
    const out = placeBatch([pending('a', '1'), pending('b', '1')], view([node('home-1', '1')]));
    expect(out[0].placement.chosen?.name).toBe('home-1');
    expect(out[1].placement.chosen).toBeUndefined();
    expect(out[1].placement.rejected.get('home-1')?.join()).toMatch(/NodeResourcesFit: Insufficient cpu \(requests 1000m, 0m free\)/);
  });

  it('a burst of 40 pods fills home, then the peers, never past any node\'s allocatable', () => {
    const batch = Array.from({ length: 40 }, (_, i) => pending(`p${String(i).padStart(2, '0')}`, '500m'));
    const out = placeBatch(batch, view([node('home-1', '2'), node('home-2', '1500m'), node('liqo-eu-west', '5', true), node('liqo-ap-south', '3', true)], { pods: [{ metadata: { name: 'x', namespace: 'd' }, spec: { nodeName: 'home-2', containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '500m' } } }] } }] }));
    const used = cpuByNode(out);
    expect(Object.fromEntries(used)).toEqual({ 'home-1': 2000, 'home-2': 1000, 'liqo-eu-west': 5000, 'liqo-ap-south': 3000 });
    expect(out.filter((d) => !d.placement.chosen)).toHaveLength(40 - 22);
    // LocalFirst: every home slot is taken before any pod goes to a peer.
    const firstRemote = out.findIndex((d) => d.placement.chosen?.virtual);
    expect(out.slice(firstRemote).some((d) => d.placement.chosen && !d.placement.chosen.virtual)).toBe(false);
  });

  it('charges already in the assume cache count, and the view is not modified', () => {
    const assumed = new Map([['home-1', { cpu: 1.5, memory: 0, pods: 1 }]]);
    const out = placeBatch([pending('a', '1')], view([node('home-1', '2'), node('liqo-eu-west', '4', true)], { assumed }));
    expect(out[0].placement.chosen?.name).toBe('liqo-eu-west');
    expect(assumed.get('home-1')).toEqual({ cpu: 1.5, memory: 0, pods: 1 });
  });

  it('a pod may take again the slot its own unanswered binding holds; nobody else may', () => {
    const held = { node: 'home-1', requests: { cpu: 1, memory: 64 * 2 ** 20, pods: 1 } };
    const assumed = new Map([['home-1', held.requests]]);
    const out = placeBatch([pending('other', '1', { created: '2026-01-01T00:00:00Z' }), pending('mine', '1', { created: '2026-01-01T00:00:01Z' })], view([node('home-1', '1'), node('liqo-eu-west', '4', true)], {
      assumed, ownCharges: (key) => (key.endsWith('/mine') ? [held] : []),
    }));
    expect(Object.fromEntries(out.map((d) => [d.pod.metadata?.name, d.placement.chosen?.name]))).toEqual({ other: 'liqo-eu-west', mine: 'home-1' });
  });

  it('spread counts siblings placed earlier in the same batch', () => {
    const batch = Array.from({ length: 4 }, (_, i) => pending(`s${i}`, '100m', { owner: 'rs-1' }));
    const out = placeBatch(batch, view([node('liqo-eu-west', '8', true), node('liqo-ap-south', '8', true)]));
    expect(Object.fromEntries(cpuByNode(out))).toEqual({ 'liqo-eu-west': 200, 'liqo-ap-south': 200 });
  });

  it('queue order: higher priority first, then older, then by key', () => {
    const a = pending('a', '1', { created: '2026-01-01T00:00:05Z' });
    const b = pending('b', '1', { created: '2026-01-01T00:00:01Z' });
    const c = pending('c', '1', { created: '2026-01-01T00:00:09Z', priority: 10 });
    const d = pending('d', '1', { created: '2026-01-01T00:00:01Z' });
    expect([a, b, c, d].sort(byQueueOrder).map((p) => p.pod.metadata?.name)).toEqual(['c', 'b', 'd', 'a']);
  });
});

describe('assume cache', () => {
  const r = { cpu: 1, memory: GiB, pods: 1 };

  it('a pod is busy while its binding is in flight or accepted but unobserved; the watch settles it', () => {
    const a = new AssumedPods(30_000);
    a.assume('us-east\tns/p', 'n1', r, 'rs', 0);
    expect(a.busy('us-east\tns/p')).toBe(true);
    a.bound('us-east\tns/p', 'n1', 10);
    expect(a.busy('us-east\tns/p')).toBe(true);
    expect(a.totals('us-east', 20).assumed.get('n1')).toEqual(r);
    a.observed('us-east\tns/p', { spec: { nodeName: 'n1', containers: [] } });
    expect(a.busy('us-east\tns/p')).toBe(false);
    expect(a.totals('us-east', 30).assumed.size).toBe(0);
  });

  it('an unanswered binding keeps its charge (held) but lets the pod be retried; held and bound charges expire, in-flight ones do not', () => {
    const a = new AssumedPods(1000);
    a.assume('us-east\tns/p', 'n1', r, 'rs', 0);
    a.held('us-east\tns/p', 'n1', 100);
    expect(a.busy('us-east\tns/p')).toBe(false);
    expect(a.heldBy('us-east\tns/p', 200)).toEqual([{ node: 'n1', requests: r, owner: 'rs' }]);
    expect(a.totals('us-east', 200).owners.get('n1')).toEqual(['rs']);
    // The retry goes back to n1: the held charge becomes the new one, not a second one.
    a.assume('us-east\tns/p', 'n1', r, 'rs', 300);
    expect(a.totals('us-east', 300).assumed.get('n1')).toEqual(r);
    a.assume('us-east\tns/q', 'n2', r, undefined, 0);
    expect(a.totals('us-east', 5000).assumed.get('n2')).toEqual(r);
    a.bound('us-east\tns/q', 'n2', 5000);
    expect(a.totals('us-east', 6001).assumed.get('n2')).toBeUndefined();
  });

  it('totals are per source cluster; a deleted pod drops its charges', () => {
    const a = new AssumedPods();
    a.assume('us-east\tns/p', 'n1', r, undefined, 0);
    a.assume('eu-west\tns/p', 'n1', r, undefined, 0);
    expect(a.totals('us-east', 0).assumed.get('n1')).toEqual(r);
    a.observed('eu-west\tns/p', { metadata: { deletionTimestamp: stamp('2026-01-01T00:00:00Z') } });
    expect(a.size).toBe(1);
  });
});
