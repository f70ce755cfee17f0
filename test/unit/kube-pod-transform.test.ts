import { describe, expect, it } from 'vitest';
import { summarizeCapacity } from '../../src/clusters/capacity.js';
import { trimPod } from '../../src/kube/pod-transform.js';
import type { KubeObject } from '../../src/kube/types.js';
import { ownerOf } from '../../src/scheduling/candidates.js';
import { delegatePod, mirroredStatus, referencedObjects } from '../../src/scheduling/delegate.js';
import type { Node, Pod } from '../../src/scheduling/kinds.js';
import { needsPlacement } from '../../src/scheduling/proxy-scheduler.js';
import { PROXY_SCHEDULER_NAME } from '../../src/scheduling/labels.js';
import { InformerSet } from '../../src/kube/informer-set.js';
import type { KubeClient } from '../../src/kube/client.js';
import { waitFor } from '../../src/util/wait.js';
import { peerOffer } from '../../src/scheduling/offer.js';
import { holdsResources, podRequests, requestedByNode } from '../../src/scheduling/resources.js';

// The member Pod informers keep only what Meridian reads (issue 9, item 10). Each reader of a
// cached Pod is run over the full Pod and over the trimmed one: the answers must be the same.

const full = {
  apiVersion: 'v1', kind: 'Pod',
  metadata: {
    name: 'web-1', namespace: 'shop', uid: 'u1', resourceVersion: '7', labels: { app: 'web' },
    annotations: { 'meridian.dev/elect': 'true', 'team.example/owner': 'shop', 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'rs1', controller: true }],
    managedFields: [{ manager: 'kubectl', operation: 'Update', fieldsV1: { 'f:spec': {} } }],
  },
  spec: {
    nodeName: 'node-a', schedulerName: 'default-scheduler', serviceAccountName: 'web',
    containers: [{ name: 'web', image: 'web:1', resources: { requests: { cpu: '250m', memory: '64Mi' } }, env: [{ name: 'K', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'k' } } }], volumeMounts: [{ name: 'data', mountPath: '/d' }] }],
    initContainers: [{ name: 'init', image: 'init:1', resources: { requests: { cpu: '1' } } }],
    volumes: [{ name: 'data', secret: { secretName: 'creds' } }],
    tolerations: [{ key: 'virtual-node.liqo.io/not-allowed', operator: 'Exists', effect: 'NoExecute' }],
  },
  status: {
    phase: 'Running', podIP: '10.0.0.5', podIPs: [{ ip: '10.0.0.5' }], hostIP: '192.168.1.10', qosClass: 'Burstable', startTime: '2026-01-01T00:00:00Z',
    nominatedNodeName: 'node-b', reason: 'R', message: 'M',
    conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'web', ready: true, state: { running: {} } }],
    initContainerStatuses: [{ name: 'init', ready: true, state: { terminated: { exitCode: 0 } } }],
    ephemeralContainerStatuses: [{ name: 'debug', state: { running: {} } }],
  },
} as unknown as Pod;
const trimmed = trimPod(full as KubeObject) as Pod;
const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-a' }, status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] } } as unknown as Node;

describe('trimPod (member Pod informers)', () => {
  it('drops managedFields and the status fields nobody reads', () => {
    expect(trimmed.metadata).not.toHaveProperty('managedFields');
    expect(Object.keys(trimmed.status ?? {}).sort()).toEqual(['conditions', 'containerStatuses', 'initContainerStatuses', 'message', 'phase', 'podIP', 'podIPs', 'reason', 'startTime']);
    expect(JSON.stringify(trimmed).length).toBeLessThan(JSON.stringify(full).length);
    expect(trimPod({ apiVersion: 'v1', kind: 'Pod' })).toEqual({ apiVersion: 'v1', kind: 'Pod', metadata: {} });
  });

  it('keeps what the capacity summary reads', () => {
    expect(summarizeCapacity([node as never], [trimmed as never])).toEqual(summarizeCapacity([node as never], [full as never]));
    expect(summarizeCapacity([node as never], [trimmed as never]).requested).not.toEqual(summarizeCapacity([node as never], []).requested);
  });

  it('keeps what the scheduler and the peer offer read', () => {
    const pending = (p: Pod) => ({ ...p, spec: { ...p.spec, nodeName: undefined, schedulerName: PROXY_SCHEDULER_NAME } }) as Pod;
    expect(needsPlacement(pending(trimmed))).toBe(true);
    expect(needsPlacement({ ...pending(trimmed), status: { phase: 'Failed' } } as Pod)).toBe(needsPlacement({ ...pending(full), status: { phase: 'Failed' } } as Pod));
    expect(podRequests(trimmed)).toEqual(podRequests(full));
    expect(holdsResources(trimmed)).toBe(holdsResources(full));
    expect(requestedByNode([trimmed])).toEqual(requestedByNode([full]));
    expect(peerOffer([node], [trimmed], 'eu-west', 50)).toEqual(peerOffer([node], [full], 'eu-west', 50));
    expect(ownerOf(trimmed)).toBe('rs1');
  });

  it('keeps what the reflector copies into a delegate and mirrors back', () => {
    expect(delegatePod(trimmed, 'us-east', 'shop-remote')).toEqual(delegatePod(full, 'us-east', 'shop-remote'));
    expect(referencedObjects(trimmed)).toEqual(referencedObjects(full));
    expect(mirroredStatus(trimmed)).toEqual(mirroredStatus(full));
    expect(mirroredStatus(trimmed).podIP).toBe('10.0.0.5');
  });

  it('is what a member InformerSet caches for Pods', async () => {
    // A fake client that lists one Pod and holds the watch open until stopped.
    const client = {
      list: async () => ({ metadata: { resourceVersion: '1' }, items: [structuredClone(full)] }),
      discovery: { resource: async () => ({ group: '', version: 'v1', plural: 'pods', namespaced: true }) },
      path: () => '/api/v1/pods',
      stream: (_p: string, _q: unknown, _l: unknown, signal: AbortSignal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve())),
    } as unknown as KubeClient;
    const set = new InformerSet(client);
    const pods = set.get<Pod>('v1', 'Pod');
    await waitFor(() => pods.hasSynced(), { timeoutMs: 5000, what: 'the Pod informer to sync' });
    expect(pods.get('shop/web-1')).toEqual(trimmed);
    set.stop();
  });

  it('leaves objects of other kinds alone', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', managedFields: [] }, data: { a: '1' } };
    expect(trimPod(cm)).toBe(cm);
  });
});
