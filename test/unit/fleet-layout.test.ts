import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnGroupLeader } from '../../src/fleet/group.js';
import { kubernetesServiceIp, layoutFleet, nodePodCidr } from '../../src/fleet/layout.js';
import { parseFleetUp } from '../../src/cli/options/fleet.js';

/** True when two IPv4 CIDRs share an address. */
function overlaps(a: string, b: string): boolean {
  const range = (c: string) => {
    const [ip, bits] = c.split('/');
    const n = ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
    const size = 2 ** (32 - Number(bits));
    return [n, n + size - 1];
  };
  const [a0, a1] = range(a);
  const [b0, b1] = range(b);
  return a0 <= b1 && b0 <= a1;
}

describe('layoutFleet', () => {
  it('keeps the state directory absolute, so a value starting with "-" is a path on the supervisor\'s command line, never an option', () => {
    expect(layoutFleet({ stateDir: '--upload-pack=x' }).stateDir).toBe(resolve('--upload-pack=x'));
    expect(parseFleetUp({ stateDir: '-x' }, {}).stateDir).toBe(join(process.cwd(), '-x'));
    expect(() => spawnGroupLeader('-x', 'us-east')).toThrow(/must be an absolute path/);
  });

  it('lays out hub, us-east, eu-west and ap-south by default', () => {
    const spec = layoutFleet({ stateDir: '/tmp/x' });
    expect(spec.clusters.map((c) => c.name)).toEqual(['hub', 'us-east', 'eu-west', 'ap-south']);
    expect(spec.clusters.map((c) => c.region)).toEqual(['global', 'us-east', 'eu-west', 'ap-south']);
  });

  it('gives every cluster distinct ports, ingress addresses and non-overlapping CIDRs, for 10 members too', () => {
    const spec = layoutFleet({ stateDir: '/tmp/x', members: 10 });
    expect(spec.clusters).toHaveLength(11);
    const ports = spec.clusters.flatMap((c) => [c.apiserverPort, c.etcdClientPort, c.etcdPeerPort]);
    expect(new Set(ports).size).toBe(ports.length);
    expect(new Set(spec.clusters.map((c) => c.ingressAddress)).size).toBe(11);
    const cidrs = spec.clusters.flatMap((c) => [c.podCidr, c.serviceCidr]);
    for (let i = 0; i < cidrs.length; i++) for (let j = i + 1; j < cidrs.length; j++) expect(overlaps(cidrs[i], cidrs[j]), `${cidrs[i]} vs ${cidrs[j]}`).toBe(false);
    for (const c of spec.clusters) expect(c.ingressAddress.startsWith('127.')).toBe(true);
  });

  it('derives node pod CIDRs inside the cluster CIDR and the kubernetes service IP', () => {
    expect(nodePodCidr('10.102.0.0/16', 3)).toBe('10.102.3.0/24');
    expect(kubernetesServiceIp('10.202.0.0/16')).toBe('10.202.0.1');
  });
});

describe('fleet up flags', () => {
  it('accepts a count or names and rejects bad ones with the flag named', () => {
    expect(parseFleetUp({ clusters: '10' }, {}).shape.members).toBe(10);
    expect(parseFleetUp({ clusters: 'us-east,eu-west' }, {}).shape.members).toEqual(['us-east', 'eu-west']);
    expect(() => parseFleetUp({ clusters: 'Bad_Name' }, {})).toThrow(/--clusters/);
    expect(() => parseFleetUp({ nodes: '0' }, {})).toThrow(/--nodes/);
    expect(parseFleetUp({}, {}).shapeGiven).toBe(false);
  });
});
