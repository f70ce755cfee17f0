import { describe, expect, it } from 'vitest';
import { planSyncGroups } from '../../src/gitops/sync/order.js';
import { assessHealth, worstHealth } from '../../src/gitops/sync/health.js';
import { fingerprint, project } from '../../src/gitops/sync/project.js';
import type { KubeObject } from '../../src/kube/types.js';

const obj = (kind: string, name: string, wave?: number, apiVersion = 'v1'): KubeObject => ({
  apiVersion, kind, metadata: { name, ...(wave === undefined ? {} : { annotations: { 'argocd.argoproj.io/sync-wave': String(wave) } }) },
});

describe('sync order', () => {
  it('puts Namespaces and CRDs first, then waves ascending, kinds in dependency order', () => {
    const groups = planSyncGroups([
      obj('Deployment', 'web', 0, 'apps/v1'), obj('Widget', 'w', -1, 'example.test/v1'), obj('Service', 'web'),
      obj('CustomResourceDefinition', 'widgets.example.test', 5, 'apiextensions.k8s.io/v1'), obj('Namespace', 'web'), obj('ConfigMap', 'cfg', 2),
    ]);
    expect(groups.map((g) => [g.phase, g.wave, g.objects.map((o) => o.kind)])).toEqual([
      ['bootstrap', 0, ['Namespace', 'CustomResourceDefinition']],
      ['wave', -1, ['Widget']],
      ['wave', 0, ['Service', 'Deployment']],
      ['wave', 2, ['ConfigMap']],
    ]);
  });

  it('rejects a malformed wave naming the object', () => {
    expect(() => planSyncGroups([{ ...obj('ConfigMap', 'x'), metadata: { name: 'x', annotations: { 'argocd.argoproj.io/sync-wave': 'soon' } } }])).toThrow(/ConfigMap x: annotation argocd.argoproj.io\/sync-wave/);
  });
});

describe('health', () => {
  const dep = (status: Record<string, unknown>, spec: Record<string, unknown> = { replicas: 2 }, generation = 1) =>
    ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', generation }, spec, status: { observedGeneration: 1, ...status } });
  const cases: Array<[string, KubeObject | undefined, string | undefined]> = [
    ['deployment available', dep({ replicas: 2, updatedReplicas: 2, availableReplicas: 2 }), 'Healthy'],
    ['deployment rolling', dep({ replicas: 3, updatedReplicas: 2, availableReplicas: 2 }), 'Progressing'],
    ['deployment not observed', dep({ replicas: 2, updatedReplicas: 2, availableReplicas: 2 }, { replicas: 2 }, 2), 'Progressing'],
    ['deployment past deadline', dep({ conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] }), 'Degraded'],
    ['deployment paused', dep({}, { paused: true }), 'Suspended'],
    ['statefulset short', { kind: 'StatefulSet', metadata: { name: 's' }, spec: { replicas: 3 }, status: { readyReplicas: 1 } }, 'Progressing'],
    ['daemonset ready', { kind: 'DaemonSet', metadata: { name: 'd' }, status: { desiredNumberScheduled: 2, updatedNumberScheduled: 2, numberAvailable: 2 } }, 'Healthy'],
    ['pod image pull backoff', { kind: 'Pod', metadata: { name: 'p' }, status: { phase: 'Pending', containerStatuses: [{ state: { waiting: { reason: 'ImagePullBackOff' } } }] } }, 'Degraded'],
    ['pod ready', { kind: 'Pod', metadata: { name: 'p' }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } }, 'Healthy'],
    ['job failed', { kind: 'Job', metadata: { name: 'j' }, status: { conditions: [{ type: 'Failed', status: 'True' }] } }, 'Degraded'],
    ['job complete', { kind: 'Job', metadata: { name: 'j' }, status: { conditions: [{ type: 'Complete', status: 'True' }] } }, 'Healthy'],
    ['pvc pending', { kind: 'PersistentVolumeClaim', metadata: { name: 'c' }, status: { phase: 'Pending' } }, 'Progressing'],
    ['loadbalancer without address', { kind: 'Service', metadata: { name: 's' }, spec: { type: 'LoadBalancer' }, status: {} }, 'Progressing'],
    ['crd established', { kind: 'CustomResourceDefinition', metadata: { name: 'c' }, status: { conditions: [{ type: 'Established', status: 'True' }] } }, 'Healthy'],
    ['custom resource Ready=False', { kind: 'Widget', metadata: { name: 'w' }, status: { conditions: [{ type: 'Ready', status: 'False', message: 'no' }] } }, 'Degraded'],
    ['configmap has no health', { kind: 'ConfigMap', metadata: { name: 'c' } }, undefined],
    ['missing', undefined, 'Missing'],
  ];
  it.each(cases)('%s', (_n, o, want) => {
    expect(assessHealth(o)?.status).toBe(want);
  });
  it('aggregates to the worst', () => {
    expect(worstHealth([{ status: 'Healthy' }, undefined, { status: 'Progressing' }, { status: 'Degraded' }]).status).toBe('Degraded');
  });
});

describe('drift on managed fields', () => {
  const desired = { spec: { replicas: 2, template: { spec: { containers: [{ name: 'web', image: 'web:1' }] } } }, metadata: { labels: { a: '1' } } };
  const live = { spec: { replicas: 2, strategy: {}, template: { spec: { containers: [{ name: 'web', image: 'web:1', imagePullPolicy: 'IfNotPresent' }] } } }, metadata: { labels: { a: '1', b: '2' }, uid: 'x' }, status: { ready: 1 } };
  it('ignores fields Meridian does not manage', () => {
    expect(project(live, desired)).toEqual(desired);
    expect(fingerprint(desired, live)).toBe(fingerprint(desired, structuredClone(desired)));
  });
  it('sees a changed managed field, and an extra list element', () => {
    const scaled = structuredClone(live);
    scaled.spec.replicas = 5;
    expect(fingerprint(desired, scaled)).not.toBe(fingerprint(desired, live));
    const extra = structuredClone(live);
    extra.spec.template.spec.containers.push({ name: 'sidecar', image: 's', imagePullPolicy: 'x' });
    expect(fingerprint(desired, extra)).not.toBe(fingerprint(desired, live));
  });
});

describe('status merge patches', () => {
  it('null out keys that vanished at any depth, and replace lists whole', async () => {
    const { mergePatchFor } = await import('../../src/gitops/controller/status.js');
    expect(mergePatchFor(
      { health: { status: 'Degraded', message: 'x' }, resources: [{ a: 1 }], appliedHash: 'h', fingerprints: { a: '1', b: '2' } },
      { health: { status: 'Healthy' }, resources: [], fingerprints: { a: '1' } },
    )).toEqual({ health: { status: 'Healthy', message: null }, resources: [], appliedHash: null, fingerprints: { a: '1', b: null } });
  });
});
