import { exportedService, knownKeys, recordedIps } from './clusterset.js';
import { resolveService } from './conflicts.js';
import type { DiscoverySnapshot } from './dns-snapshot.js';
import type { MemberView } from './member-view.js';

/** One cluster's part in an exported service, as `meridian services` shows it. */
export interface ServiceClusterRow {
  cluster: string;
  clusterReady: boolean;
  via: 'ServiceExport' | 'annotation';
  shared: boolean;
  readyEndpoints: number;
  endpoints: number;
  valid: boolean;
  conflict?: string;
}

/** One exported service across the clusterset. */
export interface ServiceRow {
  namespace: string;
  name: string;
  type: 'ClusterSetIP' | 'Headless';
  clusterSetIps: string[];
  clusters: ServiceClusterRow[];
  /** Clusters DNS answers with now (Ready, sharing, with ready endpoints). */
  answering: string[];
}

/** Every exported service with its clusters, endpoints and health, from the members' caches. */
export function servicesReport(states: MemberView[], snapshot?: DiscoverySnapshot): ServiceRow[] {
  const rows: ServiceRow[] = [];
  for (const key of [...knownKeys(states)].sort()) {
    const svc = exportedService(states, key);
    if (svc.exports.length === 0) continue;
    const resolved = resolveService(svc);
    const dns = snapshot?.services.get(`${svc.name}.${svc.namespace}`);
    rows.push({
      namespace: svc.namespace, name: svc.name, type: resolved.type,
      clusterSetIps: resolved.type === 'ClusterSetIP' ? [...new Set(recordedIps(states, key))] : [],
      clusters: [...svc.exports].sort((a, b) => a.cluster.localeCompare(b.cluster)).map((e) => {
        const c = resolved.conditions.get(e.cluster);
        return {
          cluster: e.cluster, clusterReady: e.clusterReady, via: e.via, shared: e.shared,
          readyEndpoints: e.endpoints.filter((x) => x.ready).length, endpoints: e.endpoints.length,
          valid: c?.valid.status === 'True', ...(c?.conflict.status === 'True' ? { conflict: c.conflict.reason } : {}),
        };
      }),
      answering: dns ? dns.backends.map((b) => b.cluster) : resolved.participants.filter((p) => p.shared && p.endpoints.some((x) => x.ready)).map((p) => p.cluster),
    });
  }
  return rows;
}

/** The table rows of `meridian services`. */
export function serviceTableRows(rows: ServiceRow[]): string[][] {
  return rows.map((r) => [
    r.namespace, r.name, r.type, r.clusterSetIps.join(',') || '-',
    r.clusters.map((c) => `${c.cluster}${c.clusterReady ? '' : '(down)'}${c.shared ? '' : '(unshared)'}${c.valid ? '' : '(invalid)'}${c.conflict ? `(${c.conflict})` : ''}`).join(','),
    r.clusters.map((c) => `${c.cluster}=${c.readyEndpoints}/${c.endpoints}`).join(','),
    r.answering.length ? `${r.answering.length}/${r.clusters.length} answering` : 'no healthy cluster',
  ]);
}
