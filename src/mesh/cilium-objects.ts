import { stringify } from 'yaml';
import type { KubeObject } from '../kube/types.js';
import type { KeyPair } from './ca.js';
import { encodeData } from './secret-data.js';

/** Cilium's namespace. */
export const CILIUM_NAMESPACE = 'kube-system';
/** Cilium's default ClusterMesh domain. */
export const CLUSTERMESH_DOMAIN = 'mesh.cilium.io';
/** Where the agent mounts the cilium-clustermesh Secret. */
const MOUNT = '/var/lib/cilium/clustermesh';
const LABELS = { 'app.kubernetes.io/managed-by': 'meridian', 'mesh.meridian.dev/mesh': 'cilium' };

/** A ClusterMesh member: name, ID and where its clustermesh-apiserver answers. */
export interface CiliumPeer {
  name: string;
  id: number;
  port: number;
  /** Addresses of the clustermesh-apiserver (host aliases); empty: the name resolves. */
  ips: string[];
}

/**
 * One peer's etcd configuration as Cilium's Helm chart writes it into `cilium-clustermesh`
 * (templates/clustermesh-config/_helpers.tpl, per-cluster TLS): endpoints, the CA, client cert and
 * key files under the agent's mount, and host aliases when the peer is reached by IP.
 */
export function peerEtcdConfig(peer: CiliumPeer): string {
  const config: Record<string, unknown> = {
    endpoints: [`https://${peer.name}.${CLUSTERMESH_DOMAIN}:${peer.port}`],
    'trusted-ca-file': `${MOUNT}/${peer.name}.etcd-client-ca.crt`,
    'key-file': `${MOUNT}/${peer.name}.etcd-client.key`,
    'cert-file': `${MOUNT}/${peer.name}.etcd-client.crt`,
  };
  if (peer.ips.length) config['cilium-host-aliases'] = { [`${peer.name}.${CLUSTERMESH_DOMAIN}`]: { ips: peer.ips } };
  return stringify(config);
}

/** The `cilium-clustermesh` Secret of one member: per peer its config plus CA, client cert and key. */
export function clustermeshSecret(peers: CiliumPeer[], caCert: string, clientCerts: Map<string, KeyPair>): KubeObject {
  const values: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const p of peers) {
    const client = clientCerts.get(p.name);
    if (!client) throw new Error(`no clustermesh client certificate for ${p.name}`);
    values[p.name] = peerEtcdConfig(p);
    values[`${p.name}.etcd-client-ca.crt`] = caCert;
    values[`${p.name}.etcd-client.crt`] = client.cert;
    values[`${p.name}.etcd-client.key`] = client.key;
  }
  return { apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name: 'cilium-clustermesh', namespace: CILIUM_NAMESPACE, labels: LABELS }, data: encodeData(values) };
}

/** A `kubernetes.io/tls` Secret with ca.crt, as the chart's clustermesh-apiserver-*-cert Secrets. */
export function tlsSecret(name: string, pair: KeyPair, caCert: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/tls', metadata: { name, namespace: CILIUM_NAMESPACE, labels: LABELS }, data: encodeData({ 'tls.crt': pair.cert, 'tls.key': pair.key, 'ca.crt': caCert }) };
}

/** Helm values for one member (cluster.name, cluster.id, clustermesh.config with every peer, the shared CA). */
export function helmValues(self: CiliumPeer, peers: CiliumPeer[], caCert: string): Record<string, unknown> {
  return {
    cluster: { name: self.name, id: self.id },
    tls: { ca: { cert: Buffer.from(caCert).toString('base64') } },
    clustermesh: {
      useAPIServer: true,
      apiserver: { service: { type: 'NodePort' }, tls: { auto: { enabled: false } } },
      config: { enabled: true, domain: CLUSTERMESH_DOMAIN, clusters: peers.map((p) => ({ name: p.name, port: p.port, ...(p.ips.length ? { ips: p.ips } : {}) })) },
    },
  };
}

/** The values as a ConfigMap in the member, so `helm upgrade -f` can take them from there. */
export function valuesConfigMap(values: Record<string, unknown>): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'meridian-cilium-values', namespace: CILIUM_NAMESPACE, labels: LABELS }, data: { 'values.yaml': stringify(values) } };
}
