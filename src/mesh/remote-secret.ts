import { stringify } from 'yaml';
import type { KubeObject } from '../kube/types.js';
import { ISTIO_NAMESPACE } from './istio-objects.js';
import { encodeData } from './secret-data.js';

/** Label istiod watches for remote secrets. */
export const MULTICLUSTER_LABEL = 'istio/multiCluster';
/** Annotation naming the cluster a remote secret gives access to. */
export const CLUSTER_ANNOTATION = 'networking.istio.io/cluster';

/** Name of the remote secret for a cluster, as istioctl names it. */
export function remoteSecretName(cluster: string): string {
  return `istio-remote-secret-${cluster}`;
}

/** A kubeconfig in the shape `istioctl create-remote-secret` writes: one cluster, context and token user, all named after the cluster. */
export function readerKubeconfig(cluster: string, server: string, caPem: string, token: string): string {
  return stringify({
    apiVersion: 'v1', kind: 'Config', preferences: {},
    clusters: [{ name: cluster, cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
    contexts: [{ name: cluster, context: { cluster, user: cluster } }],
    'current-context': cluster,
    users: [{ name: cluster, user: { token } }],
  });
}

/** The remote secret placed in every other member: istiod there watches `cluster` through it. */
export function remoteSecret(cluster: string, kubeconfig: string): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Secret', type: 'Opaque',
    metadata: {
      name: remoteSecretName(cluster), namespace: ISTIO_NAMESPACE,
      labels: { [MULTICLUSTER_LABEL]: 'true', 'app.kubernetes.io/managed-by': 'meridian' },
      annotations: { [CLUSTER_ANNOTATION]: cluster },
    },
    data: encodeData({ [cluster]: kubeconfig }),
  };
}
