import { describe, expect, it } from 'vitest';
import type { Policy } from '../../src/api/globalservice.js';
import { contains, longestMatch, parseCidr } from '../../src/traffic/cidr.js';
import { initialHealth, nextHealth } from '../../src/traffic/health.js';
import { selectBackends } from '../../src/traffic/policy.js';
import { compileHost, type BackendAnswer } from '../../src/traffic/snapshot.js';
import { smoothWeightedSequence } from '../../src/traffic/weighted.js';
import { matchesSelector } from '../../src/traffic/selector.js';

const US = { cluster: 'us-east', region: 'us-east', address: '127.0.13.1', healthy: true };
const EU = { cluster: 'eu-west', region: 'eu-west', address: '127.0.13.2', healthy: true };
const AP = { cluster: 'ap-south', region: 'ap-south', address: '127.0.13.3', healthy: true };

function host(policy: Policy, backends: BackendAnswer[], failClosed = false) {
  return compileHost({ hostname: 'web.global.example.test', ttl: 30, failClosed, policy, backends });
}
const pick = (h: ReturnType<typeof host>, address?: string, turn = 0) => selectBackends(h, { address, prefix: 24 }, turn).backends.map((b) => b.cluster);

describe('answer policies', () => {
  it('failover answers the first healthy region in order, and fails back', () => {
    const policy: Policy = { type: 'failover', order: ['us-east', 'eu-west', 'ap-south'] };
    expect(pick(host(policy, [US, EU, AP]))).toEqual(['us-east']);
    expect(pick(host(policy, [{ ...US, healthy: false }, EU, AP]))).toEqual(['eu-west']);
    expect(pick(host(policy, [{ ...US, healthy: false }, { ...EU, healthy: false }, AP]))).toEqual(['ap-south']);
    expect(pick(host({ type: 'failover', primaryRegion: 'eu-west' }, [US, EU, AP]))).toEqual(['eu-west']);
    expect(pick(host({ type: 'failover', primaryRegion: 'eu-west' }, [US, { ...EU, healthy: false }, AP]))).toEqual(['ap-south']);
  });

  it('fails open with every backend when none is healthy, unless failClosed', () => {
    const down = [US, EU].map((b) => ({ ...b, healthy: false }));
    const open = host({ type: 'roundRobin' }, down);
    expect(open.failingOpen).toBe(true);
    expect(pick(open)).toEqual(['us-east', 'eu-west']);
    expect(pick(host({ type: 'failover', order: ['eu-west'] }, down))).toEqual(['eu-west']);
    expect(pick(host({ type: 'roundRobin' }, down, true))).toEqual([]);
  });

  it('round robin answers every healthy backend, rotated per query', () => {
    const h = host({ type: 'roundRobin' }, [US, { ...EU, healthy: false }, AP]);
    expect(pick(h, undefined, 0)).toEqual(['us-east', 'ap-south']);
    expect(pick(h, undefined, 1)).toEqual(['ap-south', 'us-east']);
  });

  it('weighted answers match the weights exactly over whole cycles', () => {
    const h = host({ type: 'weighted', weights: { 'us-east': 50, 'eu-west': 30, 'ap-south': 20 } }, [US, EU, AP]);
    const counts: Record<string, number> = {};
    for (let i = 0; i < 10_000; i++) for (const c of pick(h, undefined, i)) counts[c] = (counts[c] ?? 0) + 1;
    expect(counts).toEqual({ 'us-east': 5000, 'eu-west': 3000, 'ap-south': 2000 });
    const down = host({ type: 'weighted', weights: { 'us-east': 50, 'eu-west': 30, 'ap-south': 20 } }, [{ ...US, healthy: false }, EU, AP]);
    const c2: Record<string, number> = {};
    for (let i = 0; i < 1000; i++) for (const c of pick(down, undefined, i)) c2[c] = (c2[c] ?? 0) + 1;
    expect(c2).toEqual({ 'eu-west': 600, 'ap-south': 400 });
  });

  it('smooth weighted round robin interleaves instead of bursting', () => {
    expect(smoothWeightedSequence([{ key: 'a', weight: 5 }, { key: 'b', weight: 1 }, { key: 'c', weight: 1 }])).toEqual(['a', 'a', 'b', 'a', 'c', 'a', 'a']);
    expect(smoothWeightedSequence([{ key: 'a', weight: 20 }, { key: 'b', weight: 10 }])).toEqual(['a', 'b', 'a']);
    expect(smoothWeightedSequence([{ key: 'a', weight: 0 }])).toEqual([]);
  });

  it('geo maps the client subnet to regions by longest prefix, falling back when the region is down', () => {
    const policy: Policy = { type: 'geo', geo: { rules: [
      { cidrs: ['198.51.100.0/24'], regions: ['eu-west'] },
      { cidrs: ['203.0.113.0/24', '2001:db8:aa::/48'], regions: ['ap-south', 'eu-west'] },
      { cidrs: ['198.51.0.0/16'], regions: ['us-east'] },
    ], defaultRegions: ['us-east'] } };
    const h = host(policy, [US, EU, AP]);
    expect(selectBackends(h, { address: '198.51.100.7', prefix: 24 }, 0)).toMatchObject({ backends: [EU], scope: 24 });
    expect(selectBackends(h, { address: '198.51.7.1', prefix: 24 }, 0)).toMatchObject({ backends: [US], scope: 16 });
    expect(pick(h, '2001:db8:aa:1::5')).toEqual(['ap-south']);
    expect(pick(h, '192.0.2.1')).toEqual(['us-east']);
    expect(pick(host(policy, [US, EU, { ...AP, healthy: false }]), '203.0.113.9')).toEqual(['eu-west']);
  });

  it('latency answers the region with the lowest round-trip time for the client network', () => {
    const policy: Policy = { type: 'latency', latency: { networks: [
      { cidrs: ['10.0.0.0/8'], rttMs: { 'us-east': 80, 'eu-west': 20, 'ap-south': 150 } },
      { cidrs: ['172.16.0.0/12'], rttMs: { 'us-east': 200, 'eu-west': 120, 'ap-south': 30 } },
    ] } };
    expect(pick(host(policy, [US, EU, AP]), '10.1.2.3')).toEqual(['eu-west']);
    expect(pick(host(policy, [US, EU, AP]), '172.16.9.9')).toEqual(['ap-south']);
    expect(pick(host(policy, [US, { ...EU, healthy: false }, AP]), '10.1.2.3')).toEqual(['us-east']);
    expect(pick(host(policy, [US, EU, AP]), '192.0.2.1')).toEqual(['us-east', 'eu-west', 'ap-south']);
  });

  it('rejects a malformed CIDR naming the hostname', () => {
    expect(() => host({ type: 'geo', geo: { rules: [{ cidrs: ['10.0.0.0/33'], regions: ['x'] }] } }, [US])).toThrow(/web.global.example.test: spec.policy: invalid CIDR "10.0.0.0\/33"/);
  });
});

describe('CIDR matching', () => {
  it.each([
    ['10.0.0.0/8', '10.255.1.1', true], ['10.0.0.0/8', '11.0.0.1', false], ['0.0.0.0/0', '1.2.3.4', true],
    ['2001:db8::/32', '2001:db8:1::1', true], ['2001:db8::/32', '2001:db9::1', false], ['::/0', '::1', true],
    ['192.0.2.0/24', '::ffff:192.0.2.9', true], ['192.0.2.0/24', '2001:db8::1', false],
  ])('%s holds %s: %s', (cidr, ip, want) => expect(contains(parseCidr(cidr), ip)).toBe(want));
  it('longest prefix wins', () => {
    const rows = [{ nets: [parseCidr('10.0.0.0/8')], value: 'a' }, { nets: [parseCidr('10.1.0.0/16')], value: 'b' }];
    expect(longestMatch(rows, '10.1.1.1')).toEqual({ value: 'b', prefix: 16 });
    expect(longestMatch(rows, '10.2.1.1')).toEqual({ value: 'a', prefix: 8 });
    expect(longestMatch(rows, '11.2.1.1')).toBeUndefined();
  });
});

describe('health thresholds', () => {
  const t = { failureThreshold: 3, successThreshold: 2 };
  const ok = { ok: true, reason: 'StatusOK', message: '200' };
  const bad = { ok: false, reason: 'ConnectionFailed', message: 'ECONNREFUSED' };
  it('turns Unhealthy after failureThreshold failures in a row and Healthy after successThreshold successes', () => {
    let s = nextHealth(initialHealth(), ok, t, new Date(1000));
    expect(s.health).toBe('Healthy');
    s = nextHealth(s, bad, t, new Date(2000));
    s = nextHealth(s, bad, t, new Date(3000));
    expect(s).toMatchObject({ health: 'Healthy', reason: 'ConnectionFailed', lastTransitionTime: new Date(1000).toISOString() });
    s = nextHealth(s, ok, t);
    s = nextHealth(s, bad, t);
    s = nextHealth(s, bad, t);
    expect(s.health).toBe('Healthy');
    s = nextHealth(s, bad, t, new Date(9000));
    expect(s).toMatchObject({ health: 'Unhealthy', lastTransitionTime: new Date(9000).toISOString() });
    s = nextHealth(s, ok, t);
    expect(s.health).toBe('Unhealthy');
    s = nextHealth(s, ok, t);
    expect(s.health).toBe('Healthy');
  });
});

describe('label selectors', () => {
  it.each([
    [{ matchLabels: { env: 'production' } }, { env: 'production', region: 'us' }, true],
    [{ matchLabels: { env: 'production' } }, { env: 'staging' }, false],
    [{ matchExpressions: [{ key: 'region', operator: 'In' as const, values: ['us', 'eu'] }] }, { region: 'eu' }, true],
    [{ matchExpressions: [{ key: 'region', operator: 'NotIn' as const, values: ['us'] }] }, { region: 'us' }, false],
    [{ matchExpressions: [{ key: 'gpu', operator: 'Exists' as const }] }, {}, false],
    [{ matchExpressions: [{ key: 'gpu', operator: 'DoesNotExist' as const }] }, {}, true],
    [undefined, {}, true],
  ])('%j matches %j: %s', (sel, labels, want) => expect(matchesSelector(sel, labels)).toBe(want));
});
