import type { ClusterExport } from '../../src/discovery/model.js';

/** One cluster's export, with sensible defaults. */
export function exportOf(cluster: string, over: Partial<ClusterExport> = {}, svc: Partial<NonNullable<ClusterExport['service']>> = {}): ClusterExport {
  return {
    cluster, clusterReady: true, via: 'ServiceExport', exportedAt: '2024-01-01T00:00:00Z', shared: true, weight: 1,
    service: { type: 'ClusterSetIP', clusterIPs: ['10.0.0.1'], ports: [{ name: 'http', protocol: 'TCP', port: 80 }], sessionAffinity: 'None', ...svc },
    endpoints: [{ addresses: ['10.1.0.1'], ready: true }], slicePorts: [{ name: 'http', protocol: 'TCP', port: 8080 }], addressType: 'IPv4',
    ...over,
  };
}
