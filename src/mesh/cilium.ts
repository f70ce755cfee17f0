import type { KubeClient } from '../kube/client.js';
import { issueCertificate, type KeyPair } from './ca.js';
import { ensureHubRootCa } from './hub-ca.js';
import { CLUSTERMESH_DOMAIN, clustermeshSecret, helmValues, tlsSecret, valuesConfigMap, type CiliumPeer } from './cilium-objects.js';
import type { MeshMember } from './members.js';

/** The hub Secret (meridian-system) holding the ClusterMesh CA shared by every member. */
export const CILIUM_CA_SECRET = 'mesh-cilium-ca';

/** Options of `meridian mesh cilium`. */
export interface CiliumOptions {
  /** ClusterMesh IDs (1-255) by member name, unique (network/plan.ts assignClusterIds). */
  ids: Record<string, number>;
  /** clustermesh-apiserver addresses by member (from the Cluster's ingress addresses). */
  addresses: Record<string, string[]>;
  port?: number;
  days?: number;
}

/** What one run did per member (no key material). */
export interface CiliumMemberResult {
  cluster: string;
  id: number;
  peers: string[];
  values: Record<string, unknown>;
}

/**
 * ClusterMesh for every member from one CA kept on the hub: per member a clustermesh-apiserver
 * server certificate and a client certificate for its peers, the `cilium-clustermesh` Secret with
 * an entry per peer in the format the agent reads, and Helm values with cluster.name/id. The CA key
 * stays on the hub; members get only its certificate.
 */
export async function bootstrapCilium(hub: KubeClient, members: MeshMember[], options: CiliumOptions): Promise<CiliumMemberResult[]> {
  const ids = Object.values(options.ids);
  if (new Set(ids).size !== ids.length) throw new Error(`mesh cilium: cluster IDs are not unique: ${JSON.stringify(options.ids)}`);
  const ca = await ensureHubRootCa(hub, CILIUM_CA_SECRET, '/O=Meridian/CN=Cilium ClusterMesh CA');
  const peers: CiliumPeer[] = members.map((m) => {
    const id = options.ids[m.name];
    if (!Number.isInteger(id) || id < 1 || id > 255) throw new Error(`mesh cilium: cluster ${m.name} has no ClusterMesh ID in 1-255`);
    return { name: m.name, id, port: options.port ?? 2379, ips: options.addresses[m.name] ?? [] };
  });
  const days = options.days ?? 365;
  const clients = new Map<string, KeyPair>();
  const servers = new Map<string, KeyPair>();
  for (const p of peers) {
    servers.set(p.name, await issueCertificate({ subject: '/CN=clustermesh-apiserver.cilium.io', days, ca: false, usage: ['server'], dnsNames: ['clustermesh-apiserver.cilium.io', `*.${CLUSTERMESH_DOMAIN}`, `${p.name}.${CLUSTERMESH_DOMAIN}`] }, ca));
    clients.set(p.name, await issueCertificate({ subject: `/CN=remote/O=${p.name}`, days, ca: false, usage: ['client'] }, ca));
  }
  const results: CiliumMemberResult[] = [];
  for (const m of members) {
    const self = peers.find((p) => p.name === m.name) as CiliumPeer;
    const others = peers.filter((p) => p.name !== m.name);
    const values = helmValues(self, others, ca.cert);
    try {
      for (const o of [
        tlsSecret('clustermesh-apiserver-server-cert', servers.get(m.name) as KeyPair, ca.cert),
        tlsSecret('clustermesh-apiserver-remote-cert', clients.get(m.name) as KeyPair, ca.cert),
        clustermeshSecret(others, ca.cert, clients),
        valuesConfigMap(values),
      ]) await m.client.apply(o, { force: true });
    } catch (err) {
      throw new Error(`mesh cilium: cluster ${m.name}: ${(err as Error).message}`, { cause: err });
    }
    results.push({ cluster: m.name, id: self.id, peers: others.map((p) => p.name), values });
  }
  return results;
}
