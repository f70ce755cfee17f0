import { EventEmitter } from 'node:events';
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from '../../src/api/cluster.js';
import { API_VERSION } from '../../src/api/schema.js';
import { ClusterManager } from '../../src/clusters/manager.js';
import type { ClusterRegistry } from '../../src/clusters/registry.js';
import { findCondition } from '../../src/kube/conditions.js';
import type { Condition } from '../../src/kube/types.js';
import { doctorConditions, writeDoctorConditions } from '../../src/mesh/doctor-conditions.js';
import { DOCTOR_CONDITIONS } from '../../src/mesh/doctor-types.js';
import type { ControllerContext } from '../../src/serve/controller.js';
import { OwnsEverything } from '../../src/serve/ownership.js';
import { waitFor } from '../../src/util/wait.js';
import { startEnvtest, type Envtest } from '../support/envtest.js';

/**
 * The cluster manager's cache of Clusters as it is between the doctor's status write and the watch
 * event that brings it: the Cluster as it was before. The manager must not write that old list of
 * conditions back over the doctor's.
 */
class StaleRegistry extends EventEmitter {
  constructor(private readonly snapshot: Cluster) {
    super();
  }
  clusterObjects(): Cluster[] {
    return [this.snapshot];
  }
  get(): undefined {
    return undefined;
  }
  setReady(): void {}
}

describe('Cluster conditions: each writer keeps to its own types', () => {
  let env: Envtest;
  let manager: ClusterManager | undefined;
  const conditions = async () => ((await env.client.get<Cluster>(API_VERSION, 'Cluster', 'c1'))?.status?.conditions ?? []) as Condition[];

  beforeAll(async () => {
    env = await startEnvtest({ name: 'doctor-conditions' });
  }, 600_000);
  afterAll(async () => {
    await manager?.stop();
    await env?.stop();
  });

  it('a manager status write from a cache older than the doctor\'s write keeps the doctor\'s conditions, and the doctor keeps Ready', async () => {
    const hub = env.client;
    await hub.create({ apiVersion: API_VERSION, kind: 'Cluster', metadata: { name: 'c1' }, spec: { server: 'https://127.0.0.1:9', region: 'us-east', secretRef: { name: 'c1-credentials', namespace: 'meridian-system' } } });
    const before = await hub.get<Cluster>(API_VERSION, 'Cluster', 'c1') as Cluster;
    await writeDoctorConditions(hub, 'c1', doctorConditions('c1', [{ cluster: 'c1', condition: 'NetworkUnique', check: 'cidr-overlap', severity: 'error', message: 'pod CIDR 10.0.0.0/16 overlaps eu-west' }]));
    expect((await conditions()).map((c) => c.type).sort()).toEqual([...DOCTOR_CONDITIONS].sort());

    const ctx = {
      hub, registry: new StaleRegistry(before) as unknown as ClusterRegistry, log: pino({ level: 'silent' }), metrics: new Registry(),
      options: { probeIntervalMs: 3_600_000 }, shards: new OwnsEverything(),
    } as unknown as ControllerContext;
    manager = new ClusterManager(ctx);
    await manager.start();
    const list = await waitFor(async () => {
      const l = await conditions();
      return findCondition(l, 'Ready') ? l : undefined;
    }, { timeoutMs: 120_000, what: 'the manager\'s Ready condition on c1' });
    expect(findCondition(list, 'Ready')).toMatchObject({ status: 'False', reason: 'NotConnected' });
    expect(list.map((c) => c.type).sort()).toEqual(['Ready', ...DOCTOR_CONDITIONS].sort());
    expect(findCondition(list, 'NetworkUnique')).toMatchObject({ status: 'False', reason: 'CheckFailed', message: 'cidr-overlap: pod CIDR 10.0.0.0/16 overlaps eu-west' });
    await manager.stop();
    manager = undefined;

    await writeDoctorConditions(hub, 'c1', doctorConditions('c1', [{ cluster: 'c1', condition: 'NetworkUnique', check: 'cidr-overlap', severity: 'ok', message: 'no overlap' }]));
    const after = await conditions();
    expect(findCondition(after, 'NetworkUnique')).toMatchObject({ status: 'True', reason: 'Checked' });
    expect(findCondition(after, 'Ready')).toMatchObject({ status: 'False', reason: 'NotConnected' });
  }, 600_000);
});
