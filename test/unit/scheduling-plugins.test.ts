import { describe, expect, it } from 'vitest';
import { place, profile, unschedulableMessage } from '../../src/scheduling/framework.js';
import { candidatesFor } from '../../src/scheduling/candidates.js';
import { electPatch, offloadPatch } from '../../src/scheduling/mutate.js';
import { peerOffer } from '../../src/scheduling/offer.js';
import { remoteNamespace } from '../../src/scheduling/namespace-mapping.js';
import { delegatePod, referencedObjects } from '../../src/scheduling/delegate.js';
import { FILTER_PLUGINS, SCORE_PLUGINS } from '../../src/scheduling/plugins/registry.js';
import type { Candidate } from '../../src/scheduling/plugins/types.js';
import type { Node, Pod } from '../../src/scheduling/kinds.js';
import { PROXY_SCHEDULER_NAME, VIRTUAL_NODE_TAINT } from '../../src/scheduling/labels.js';

const pod = (cpu: string, extra: Partial<NonNullable<Pod['spec']>> = {}): Pod => ({
  metadata: { name: 'p', namespace: 'ns', uid: 'u1', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'rs1', controller: true }] },
  spec: { containers: [{ name: 'c', image: 'x', resources: { requests: { cpu } } }], tolerations: [{ key: VIRTUAL_NODE_TAINT.key, operator: 'Exists', effect: 'NoExecute' }], ...extra },
});

const cand = (name: string, over: Partial<Candidate> = {}): Candidate => ({
  name, cluster: over.virtual ? name.replace('liqo-', '') : 'us-east', virtual: false, ready: true, labels: {}, taints: [],
  allocatable: { cpu: 4, memory: 16 * 2 ** 30, pods: 110 }, free: { cpu: 4, memory: 16 * 2 ** 30, pods: 110 }, siblings: 0, ...over,
});
const info = (p: Pod, cpu: number) => ({ pod: p, requests: { cpu, memory: 0, pods: 1 } });

describe('scheduling plugins', () => {
  it('registers filters and scores by name, and every filter rejects with a reason', () => {
    expect(Object.keys(FILTER_PLUGINS)).toEqual(['ClusterReady', 'TaintToleration', 'NodeAffinity', 'NodeResourcesFit']);
    expect(Object.keys(SCORE_PLUGINS)).toEqual(['LocalFirst', 'FreeCapacity', 'Spread']);
    expect(() => profile(['Nope'])).toThrow(/unknown filter plugin "Nope"/);
  });

  it.each([
    ['resources', cand('n1', { free: { cpu: 0.1, memory: 0, pods: 10 } }), /NodeResourcesFit: Insufficient cpu \(requests 500m, 100m free\)/],
    ['not ready peer', cand('liqo-eu-west', { virtual: true, ready: false }), /ClusterReady: cluster eu-west is not Ready/],
    ['untolerated taint', cand('n2', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }), /TaintToleration: untolerated taint dedicated=gpu:NoSchedule/],
    ['node selector', cand('liqo-ap-south', { virtual: true, labels: { 'topology.kubernetes.io/region': 'ap-south' } }), /node selector topology.kubernetes.io\/region=eu-west does not match/],
  ])('filter: %s', (_what, c, reason) => {
    const p = pod('500m', { nodeSelector: { 'topology.kubernetes.io/region': _what === 'node selector' ? 'eu-west' : (c.labels['topology.kubernetes.io/region'] ?? '') } });
    if (_what !== 'node selector') delete p.spec?.nodeSelector;
    const r = place(info(p, 0.5), [c]);
    expect(r.chosen).toBeUndefined();
    expect(unschedulableMessage(r, 1)).toMatch(reason);
  });

  it('the taint the pod tolerates does not reject', () => {
    const r = place(info(pod('1'), 1), [cand('liqo-eu-west', { virtual: true, taints: [{ ...VIRTUAL_NODE_TAINT }] })]);
    expect(r.chosen?.name).toBe('liqo-eu-west');
  });

  it('node affinity on cluster labels steers between peers (In, NotIn, Gt)', () => {
    const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/region', operator: 'In', values: ['ap-south'] }] }] } } };
    const cs = [cand('liqo-eu-west', { virtual: true, labels: { 'topology.kubernetes.io/region': 'eu-west' } }), cand('liqo-ap-south', { virtual: true, labels: { 'topology.kubernetes.io/region': 'ap-south' } })];
    const r = place(info(pod('1', { affinity }), 1), cs);
    expect(r.chosen?.name).toBe('liqo-ap-south');
    expect(r.rejected.get('liqo-eu-west')?.[0]).toMatch(/node affinity topology.kubernetes.io\/region In \(ap-south\) does not match/);
  });

  it('scores: home first when it fits, else the peer with the most free capacity', () => {
    const home = cand('us-east-node-1', { free: { cpu: 1, memory: 2 ** 30, pods: 100 } });
    const eu = cand('liqo-eu-west', { virtual: true, free: { cpu: 3, memory: 2 ** 34, pods: 100 } });
    const ap = cand('liqo-ap-south', { virtual: true, free: { cpu: 1.5, memory: 2 ** 33, pods: 100 } });
    expect(place(info(pod('500m'), 0.5), [eu, ap, home]).chosen?.name).toBe('us-east-node-1');
    expect(place(info(pod('2'), 2), [eu, ap, home]).chosen?.name).toBe('liqo-eu-west');
    const scores = place(info(pod('500m'), 0.5), [eu, ap]).scores;
    for (const s of scores.values()) expect(s).toBeGreaterThanOrEqual(0);
    expect(scores.get('liqo-eu-west')).toBeGreaterThan(scores.get('liqo-ap-south') ?? 0);
  });

  it('spread prefers the candidate with fewer pods of the same owner', () => {
    const a = cand('liqo-eu-west', { virtual: true, siblings: 3 });
    const b = cand('liqo-ap-south', { virtual: true, siblings: 0 });
    expect(place(info(pod('100m'), 0.1), [a, b]).chosen?.name).toBe('liqo-ap-south');
  });

  it('candidates: free capacity subtracts bound pods and assumed bindings; targets narrow peers', () => {
    const node = (name: string, labels: Record<string, string> = {}): Node => ({ metadata: { name, labels }, status: { allocatable: { cpu: '4', memory: '16Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] } });
    const bound: Pod = { ...pod('3'), spec: { ...pod('3').spec!, nodeName: 'h1' }, status: { phase: 'Running' } };
    const view = {
      home: 'us-east', nodes: [node('h1'), node('liqo-eu-west', { 'liqo.io/type': 'virtual-node', 'meridian.dev/peer': 'eu-west' }), node('liqo-ap-south', { 'liqo.io/type': 'virtual-node', 'meridian.dev/peer': 'ap-south' })],
      pods: [bound], assumed: new Map([['h1', { cpu: 0.5, memory: 0, pods: 1 }]]), allowedPeers: new Set(['eu-west']), peerReady: () => true,
    };
    const cs = candidatesFor(pod('1'), view);
    expect(cs.map((c) => c.name)).toEqual(['h1', 'liqo-eu-west']);
    expect(cs[0].free.cpu).toBeCloseTo(0.5);
    expect(cs[0].siblings).toBe(1);
  });
});

describe('bursting helpers', () => {
  it('the peer offer is the share of free capacity, not counting the source\'s own delegates', () => {
    const nodes: Node[] = [{ metadata: { name: 'n1' }, status: { allocatable: { cpu: '4', memory: '8Gi', pods: '100' }, conditions: [{ type: 'Ready', status: 'True' }] } }];
    const mine: Pod = { metadata: { labels: { 'meridian.dev/source-cluster': 'us-east' } }, spec: { nodeName: 'n1', containers: [{ name: 'c', resources: { requests: { cpu: '1' } } }] } };
    const theirs: Pod = { metadata: {}, spec: { nodeName: 'n1', containers: [{ name: 'c', resources: { requests: { cpu: '2' } } }] } };
    const offer = peerOffer(nodes, [mine, theirs], 'us-east', 90);
    expect(offer.cpu).toBeCloseTo(1.8);
    expect(offer.pods).toBe(89);
  });

  it('maps namespaces per Liqo strategy and refuses a bad SelectedName', () => {
    const nso = (spec: Record<string, string>) => ({ metadata: { name: 'offloading', namespace: 'app' }, spec });
    expect(remoteNamespace('app', 'us-east', undefined)).toBe('app');
    expect(remoteNamespace('app', 'us-east', nso({}))).toBe('app-us-east');
    expect(remoteNamespace('app', 'us-east', nso({ namespaceMappingStrategy: 'EnforceSameName' }))).toBe('app');
    expect(remoteNamespace('app', 'us-east', nso({ namespaceMappingStrategy: 'SelectedName', remoteNamespaceName: 'there' }))).toBe('there');
    expect(() => remoteNamespace('app', 'us-east', nso({ namespaceMappingStrategy: 'SelectedName', remoteNamespaceName: '../x' }))).toThrow(/spec.remoteNamespaceName must be a DNS label/);
  });

  it('elect patch: proxy scheduler, tolerations, source manifest; nothing without the annotation', () => {
    const p = pod('1');
    delete p.spec?.tolerations;
    expect(electPatch(p)).toEqual([]);
    p.metadata!.annotations = { 'multicluster.admiralty.io/elect': '' };
    const ops = electPatch(p);
    expect(ops.find((o) => o.path === '/spec/schedulerName')?.value).toBe(PROXY_SCHEDULER_NAME);
    expect(JSON.stringify(ops.find((o) => o.path === '/spec/tolerations')?.value)).toContain(VIRTUAL_NODE_TAINT.key);
    expect(ops.find((o) => o.path === '/metadata/annotations')?.value).toHaveProperty(['multicluster.admiralty.io/sourcepod-manifest']);
  });

  it('offload patch follows podOffloadingStrategy and ANDs the pod\'s own affinity', () => {
    const nso = (podOffloadingStrategy: 'Local' | 'Remote' | 'LocalAndRemote') => ({ metadata: { name: 'o' }, spec: { podOffloadingStrategy } });
    expect(offloadPatch(pod('1'), nso('Local'))).toEqual([]);
    expect(offloadPatch(pod('1'), nso('LocalAndRemote')).map((o) => o.path)).toEqual(['/spec/tolerations']);
    const own = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] }] } } };
    const remote = offloadPatch(pod('1', { affinity: own }), nso('Remote'));
    const terms = (remote[1].value as typeof own).nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    expect(terms[0].matchExpressions.map((e) => e.key)).toEqual(['disk', 'liqo.io/type']);
  });

  it('delegate: no node, scheduler or election; parent labels; token secrets not reflected', () => {
    const p = pod('1', { nodeName: 'liqo-eu-west', schedulerName: PROXY_SCHEDULER_NAME, volumes: [{ name: 't', secret: { secretName: 'default-token-abcde' } }, { name: 'cfg', configMap: { name: 'app-config' } }] });
    p.metadata!.annotations = { 'multicluster.admiralty.io/elect': '' };
    p.spec!.containers[0].env = [{ name: 'PW', valueFrom: { secretKeyRef: { name: 'db', key: 'pw' } } }];
    const d = delegatePod(p, 'us-east', 'ns-us-east');
    expect(d.spec?.nodeName).toBeUndefined();
    expect(d.spec?.schedulerName).toBeUndefined();
    expect(d.metadata?.annotations).not.toHaveProperty(['multicluster.admiralty.io/elect']);
    expect(d.metadata?.labels).toMatchObject({ 'multicluster.admiralty.io/parent-uid': 'u1', 'meridian.dev/source-cluster': 'us-east' });
    expect(d.spec?.volumes?.map((v) => v.name)).toEqual(['cfg']);
    expect(referencedObjects(p)).toEqual({ configMaps: ['app-config'], secrets: ['db'], serviceAccount: undefined });
  });
});
