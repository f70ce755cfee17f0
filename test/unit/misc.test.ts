import { describe, expect, it } from 'vitest';
import { formatCpu, formatMemory, parseQuantity } from '../../src/util/quantity.js';
import { summarizeCapacity } from '../../src/clusters/capacity.js';
import { setCondition } from '../../src/kube/conditions.js';
import { classifyError, KubeApiError } from '../../src/kube/errors.js';
import { parseControllers } from '../../src/serve/options.js';
import { parseJoin } from '../../src/cli/options/cluster.js';
import { clusterRows, memberHolders } from '../../src/cli/commands/cluster.js';
import type { Cluster } from '../../src/api/cluster.js';

describe('quantities', () => {
  it.each([
    ['500m', 0.5], ['4', 4], ['16Gi', 16 * 1024 ** 3], ['128Mi', 128 * 1024 ** 2], ['1G', 1e9], ['1e3', 1000],
  ])('parses %s', (q, n) => expect(parseQuantity(q)).toBeCloseTo(n));
  it('rejects garbage', () => expect(() => parseQuantity('4 cores')).toThrow(/invalid quantity/));
  it('formats', () => {
    expect(formatCpu(12)).toBe('12');
    expect(formatCpu(1.25)).toBe('1250m');
    expect(formatMemory(48 * 1024 ** 3)).toBe('48Gi');
  });
});

describe('summarizeCapacity', () => {
  it('sums allocatable and the requests of scheduled, unfinished pods', () => {
    const node = (name: string, ready: string) => ({ metadata: { name }, spec: { podCIDR: `10.1.${name.length}.0/24` }, status: { allocatable: { cpu: '4', memory: '16Gi' }, conditions: [{ type: 'Ready', status: ready }] } });
    const pod = (cpu: string, phase: string, nodeName?: string) => ({ spec: { nodeName, containers: [{ resources: { requests: { cpu, memory: '256Mi' } } }] }, status: { phase } });
    const s = summarizeCapacity([node('a', 'True'), node('bb', 'False')], [pod('500m', 'Running', 'a'), pod('250m', 'Running', 'bb'), pod('2', 'Succeeded', 'a'), pod('3', 'Pending')]);
    expect(s).toMatchObject({ nodeCount: 2, readyNodeCount: 1, allocatable: { cpu: '8', memory: '32Gi' }, requested: { cpu: '750m', memory: '512Mi' } });
    expect(s.podCIDRs).toEqual(['10.1.1.0/24', '10.1.2.0/24']);
  });
});

describe('conditions', () => {
  it('keeps lastTransitionTime while the status stays, and moves it on a flip', () => {
    const t0 = new Date('2026-01-01T00:00:00Z');
    const t1 = new Date('2026-01-01T00:01:00Z');
    const a = setCondition(undefined, { type: 'Ready', status: 'True', reason: 'Ok', message: '' }, t0);
    const b = setCondition(a, { type: 'Ready', status: 'True', reason: 'Ok', message: 'again' }, t1);
    expect(b[0].lastTransitionTime).toBe(t0.toISOString());
    const c = setCondition(b, { type: 'Ready', status: 'False', reason: 'ProbeFailed', message: 'x' }, t1);
    expect(c[0].lastTransitionTime).toBe(t1.toISOString());
    expect(c).toHaveLength(1);
  });
});

describe('classifyError', () => {
  it.each([
    [404, 'gone'], [409, 'conflict'], [401, 'terminal'], [403, 'terminal'], [422, 'terminal'], [429, 'retry'], [500, 'retry'], [0, 'retry'],
  ])('%i is %s', (status, cls) => expect(classifyError(new KubeApiError('x', status))).toBe(cls));
  it('treats non-API errors as retryable', () => expect(classifyError(new Error('boom'))).toBe('retry'));
});

describe('--controllers', () => {
  const known = ['clusters', 'gitops', 'discovery'];
  it('expands * and switches controllers off', () => {
    expect(parseControllers('*', known)).toEqual(known);
    expect(parseControllers('*,-gitops', known)).toEqual(['clusters', 'discovery']);
    expect(parseControllers('discovery', known)).toEqual(['discovery']);
    expect(parseControllers('', known)).toEqual([]);
  });
  it('names an unknown controller', () => expect(() => parseControllers('*,-nope', known)).toThrow(/unknown controller "nope"/));
});

describe('cluster join flags', () => {
  it('parses labels and validates names, CIDRs and privileges', () => {
    const j = parseJoin({ context: 'us-east', labels: 'env=production,tier=gold', podCidr: '10.1.0.0/16', stateDir: '/nonexistent' }, {});
    expect(j).toMatchObject({ name: 'us-east', region: 'us-east', labels: { env: 'production', tier: 'gold' }, podCIDRs: ['10.1.0.0/16'], privileges: 'least' });
    expect(() => parseJoin({ context: 'x', labels: 'novalue', stateDir: '/nonexistent' }, {})).toThrow(/--labels/);
    expect(() => parseJoin({ context: 'x', podCidr: '10.1.0.0', stateDir: '/nonexistent' }, {})).toThrow(/not a CIDR/);
    expect(() => parseJoin({ context: 'x', privileges: 'root', stateDir: '/nonexistent' }, {})).toThrow(/--privileges/);
  });
});

describe('cluster list rows', () => {
  it('shows readiness with the reason when not Ready', () => {
    const c = (name: string, status: 'True' | 'False'): Cluster => ({
      metadata: { name, creationTimestamp: '2026-01-01T00:00:00Z' },
      spec: { server: 's', secretRef: { name: 'n', namespace: 'ns' }, region: name },
      status: { kubernetesVersion: 'v1.20.2', nodeCount: 3, allocatable: { cpu: '12', memory: '48Gi' }, requested: { cpu: '300m', memory: '0' },
        lastProbeTime: '2026-01-01T00:04:58Z', conditions: [{ type: 'Ready', status, reason: status === 'True' ? 'ProbeSucceeded' : 'ProbeFailed', message: '', lastTransitionTime: '' }] },
    });
    const rows = clusterRows([c('us-east', 'True'), c('eu-west', 'False')], Date.parse('2026-01-01T00:05:00Z'));
    expect(rows).toEqual([
      ['eu-west', 'eu-west', 'v1.20.2', '3', '300m/12', 'False (ProbeFailed)', '5m'],
      ['us-east', 'us-east', 'v1.20.2', '3', '300m/12', 'True', '5m'],
    ]);
    // Hours later with nobody probing, Ready True is no longer believed.
    const later = clusterRows([c('us-east', 'True')], Date.parse('2026-01-01T03:05:00Z'));
    expect(later[0][5]).toBe('Unknown (last probe 3h ago)');
    const never = clusterRows([{ ...c('us-east', 'True'), status: { ...c('us-east', 'True').status, lastProbeTime: undefined } }], Date.parse('2026-01-01T00:05:00Z'));
    expect(never[0][5]).toBe('Unknown (last probe never)');
  });

  it('shows which shard replica holds each member, a released member, and a holder whose lease expired', () => {
    const lease = (key: string, holder: string, renewTime: string) => ({ metadata: { name: `g-member-${key}`, annotations: { 'meridian.dev/shard-key': key } }, spec: { holderIdentity: holder, leaseDurationSeconds: 15, renewTime } });
    const now = Date.parse('2026-01-01T00:05:00Z');
    const holders = memberHolders([
      lease('us-east', 'replica-a', '2026-01-01T00:04:58.000000Z'), lease('eu-west', '', '2026-01-01T00:04:58.000000Z'),
      lease('ap-south', 'replica-b', '2026-01-01T00:03:00.000000Z'), { metadata: { name: 'other' }, spec: { holderIdentity: 'x' } },
    ], now);
    expect([...holders]).toEqual([['us-east', 'replica-a'], ['eu-west', '- (released)'], ['ap-south', 'replica-b (lease expired 105s ago)']]);
  });
});
