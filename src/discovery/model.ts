import type { ServicePort } from '../api/mcs.js';

// The clusterset picture discovery works from: what each cluster exports, as plain data. It is
// computed from member caches (collect.ts) and feeds both the objects written to members
// (desired.ts) and the DNS snapshot (snapshot.ts), so the two never disagree.

/** Which side a service's answers prefer (Cilium's `service.cilium.io/affinity`). */
export type Affinity = 'local' | 'remote' | 'none';

/** One endpoint of an exporting cluster. */
export interface ExportedEndpoint {
  addresses: string[];
  ready: boolean;
  /** The endpoint's hostname (pods with spec.hostname and a matching subdomain). */
  hostname?: string;
}

/** The ports an EndpointSlice serves (target ports). */
export interface SlicePort {
  name?: string;
  protocol?: string;
  port?: number;
  appProtocol?: string;
}

/** One cluster's export of one service. */
export interface ClusterExport {
  cluster: string;
  /** The member answered its last probe. */
  clusterReady: boolean;
  /** What made it an export. */
  via: 'ServiceExport' | 'annotation';
  /** When the export was made (ServiceExport, else Service creationTimestamp): the oldest wins conflicts. */
  exportedAt: string;
  /** False under `service.cilium.io/shared: "false"`: the cluster imports but shares no endpoints. */
  shared: boolean;
  affinity?: Affinity;
  weight: number;
  /** Undefined when the ServiceExport names a Service that does not exist. */
  service?: {
    type: 'ClusterSetIP' | 'Headless' | 'Unsupported';
    /** The reason for Unsupported (ExternalName, for instance). */
    unsupported?: string;
    clusterIPs: string[];
    ports: ServicePort[];
    sessionAffinity: string;
  };
  endpoints: ExportedEndpoint[];
  slicePorts: SlicePort[];
  addressType: 'IPv4' | 'IPv6';
}

/** One service across the clusterset: every cluster's export of `namespace/name`. */
export interface ExportedService {
  namespace: string;
  name: string;
  exports: ClusterExport[];
}

/** The key of a service: `namespace/name`. */
export function serviceKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** Splits a service key. */
export function splitKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf('/');
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
