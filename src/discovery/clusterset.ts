import type { KubeObject } from '../kube/types.js';
import { resolveService } from './conflicts.js';
import { buildDnsSnapshot, type DiscoverySnapshot, type SnapshotInput } from './dns-snapshot.js';
import { MCS_SERVICE_NAME, SERVICE_NAME } from './labels.js';
import type { MemberView } from './member-view.js';
import { serviceKey, splitKey, type Affinity, type ExportedService } from './model.js';

/** The service keys an object touches (`namespace/name`), for the work queue. */
export function keysOf(obj: KubeObject, kind: string): string[] {
  const ns = obj.metadata?.namespace ?? '';
  const name = obj.metadata?.name ?? '';
  switch (kind) {
    case 'Service':
    case 'ServiceExport':
    case 'ServiceImport':
      return [serviceKey(ns, name)];
    case 'EndpointSlice': {
      const svc = obj.metadata?.labels?.[SERVICE_NAME] ?? obj.metadata?.labels?.[MCS_SERVICE_NAME];
      return svc ? [serviceKey(ns, svc)] : [];
    }
    default:
      return [];
  }
}

/** Every service key any member exports or imports (through Meridian), from the caches. */
export function knownKeys(states: MemberView[]): Set<string> {
  const keys = new Set<string>();
  for (const s of states) if (s.synced()) for (const key of s.keys()) keys.add(key);
  return keys;
}

/** One service's exports across the members whose caches have synced. */
export function exportedService(states: MemberView[], key: string): ExportedService {
  const { namespace, name } = splitKey(key);
  const exports = states.filter((s) => s.synced()).flatMap((s) => s.exportOf(namespace, name) ?? []);
  return { namespace, name, exports };
}

/** The affinity each member's own copy of the Service asks for. */
export function affinities(states: MemberView[], key: string): Record<string, Affinity> {
  const { namespace, name } = splitKey(key);
  const out: Record<string, Affinity> = {};
  for (const s of states) {
    const a = s.synced() ? s.affinity(namespace, name) : undefined;
    if (a) out[s.name] = a;
  }
  return out;
}

/** The DNS snapshot of the whole clusterset, straight from the member views. */
export function clustersetSnapshot(states: MemberView[], clusterSetIp: (key: string) => string | undefined, ttl: number, serial: number, origin?: string): DiscoverySnapshot {
  const inputs: SnapshotInput[] = [];
  for (const key of [...knownKeys(states)].sort()) {
    const svc = exportedService(states, key);
    const resolved = resolveService(svc);
    if (resolved.participants.length === 0) continue;
    inputs.push({
      namespace: svc.namespace, name: svc.name, resolved,
      clusterSetIp: resolved.type === 'ClusterSetIP' ? clusterSetIp(key) : undefined,
      exporters: svc.exports.map((e) => e.cluster), affinityByCluster: affinities(states, key),
    });
  }
  return buildDnsSnapshot(inputs, ttl, serial, origin);
}

/** The ClusterSetIPs members' ServiceImports already carry for a key. */
export function recordedIps(states: MemberView[], key: string): string[] {
  return states.flatMap((s) => (s.synced() ? s.importIps(key) : []));
}
