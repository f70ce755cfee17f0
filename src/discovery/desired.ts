import { createHash } from 'node:crypto';
import { MCS_API_VERSION, type ServiceImport } from '../api/mcs.js';
import type { EndpointSliceObject } from './collect.js';
import type { ResolvedService } from './conflicts.js';
import { MANAGED_BY, MANAGER, MCS_SERVICE_NAME, MCS_SOURCE_CLUSTER, SLICE_MANAGED_BY, SLICE_MANAGER } from './labels.js';

/** The ServiceImport every member with the namespace gets (spec only; status is written apart). */
export function desiredImport(namespace: string, name: string, resolved: ResolvedService, clusterSetIp: string | undefined): ServiceImport {
  return {
    apiVersion: MCS_API_VERSION, kind: 'ServiceImport',
    metadata: { name, namespace, labels: { [MANAGED_BY]: MANAGER } },
    spec: {
      type: resolved.type,
      ports: resolved.ports,
      ...(resolved.type === 'ClusterSetIP' && clusterSetIp ? { ips: [clusterSetIp] } : {}),
      sessionAffinity: resolved.sessionAffinity,
    },
  };
}

/** The ServiceImport status: the clusters whose endpoints are shared, by name. */
export function importStatus(resolved: ResolvedService): { clusters: Array<{ cluster: string }> } {
  const clusters = resolved.participants.filter((p) => p.shared).map((p) => p.cluster).sort();
  return { clusters: clusters.map((cluster) => ({ cluster })) };
}

/** The name of the EndpointSlice derived from one source cluster; a hash keeps long names valid. */
export function derivedSliceName(name: string, cluster: string): string {
  const plain = `${name}-${cluster}`;
  if (plain.length <= 63) return plain;
  const hash = createHash('sha256').update(plain).digest('hex').slice(0, 10);
  return `${plain.slice(0, 52)}-${hash}`;
}

/**
 * The EndpointSlices derived for a member: one per sharing cluster, labelled with the MCS
 * service-name and source-cluster labels and owned by the member's ServiceImport (so that the
 * garbage collector removes them with it). Only fields v1 and v1beta1 share are written.
 */
export function desiredSlices(namespace: string, name: string, resolved: ResolvedService, apiVersion: string, owner?: { uid: string }): EndpointSliceObject[] {
  return resolved.participants.filter((p) => p.shared).map((p) => ({
    apiVersion, kind: 'EndpointSlice',
    metadata: {
      name: derivedSliceName(name, p.cluster), namespace,
      labels: { [MCS_SERVICE_NAME]: name, [MCS_SOURCE_CLUSTER]: p.cluster, [SLICE_MANAGED_BY]: SLICE_MANAGER, [MANAGED_BY]: MANAGER },
      ...(owner ? { ownerReferences: [{ apiVersion: MCS_API_VERSION, kind: 'ServiceImport', name, uid: owner.uid }] } : {}),
    },
    addressType: p.addressType,
    endpoints: p.endpoints.map((e) => ({ addresses: e.addresses, conditions: { ready: e.ready }, ...(e.hostname ? { hostname: e.hostname } : {}) })),
    ports: p.slicePorts,
  }));
}
