import type { KubeObject } from '../kube/types.js';
import { ISTIO_NAMESPACE } from './istio-objects.js';

/** The reader account istiod in other clusters uses (the name `istioctl create-remote-secret` uses). */
export const READER_SERVICE_ACCOUNT = 'istio-reader-service-account';
/** The long-lived token Secret of the reader account. */
export const READER_TOKEN_SECRET = 'istio-reader-service-account-istio-remote-secret-token';
const ROLE = `istio-reader-clusterrole-${ISTIO_NAMESPACE}`;
const LABELS = { 'app.kubernetes.io/managed-by': 'meridian', 'mesh.meridian.dev/mesh': 'istio', app: 'istio-reader' };
const READ = ['get', 'list', 'watch'];

/**
 * What a remote istiod reads in this cluster: Istio 1.22's istio-reader-clusterrole
 * (manifests/charts/istio-control/istio-discovery/templates/reader-clusterrole.yaml) minus what
 * endpoint discovery does not need: no Secrets (a remote istiod must not read credentials) and no
 * writes to ServiceExports (MCS auto-export is off by default). Read-only, plus the token and
 * access reviews istiod uses to authenticate workloads of this cluster.
 */
export const READER_RULES = [
  { apiGroups: ['config.istio.io', 'security.istio.io', 'networking.istio.io', 'authentication.istio.io', 'rbac.istio.io', 'telemetry.istio.io', 'extensions.istio.io'], resources: ['*'], verbs: READ },
  { apiGroups: [''], resources: ['endpoints', 'pods', 'services', 'nodes', 'replicationcontrollers', 'namespaces'], verbs: READ },
  { apiGroups: ['networking.x-k8s.io', 'gateway.networking.k8s.io'], resources: ['gateways'], verbs: READ },
  { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: READ },
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: READ },
  { apiGroups: ['multicluster.x-k8s.io'], resources: ['serviceexports', 'serviceimports'], verbs: READ },
  { apiGroups: ['apps'], resources: ['replicasets'], verbs: READ },
  { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
  { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
];

/** ServiceAccount, ClusterRole, ClusterRoleBinding and token Secret of the reader. */
export function readerObjects(): KubeObject[] {
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: READER_SERVICE_ACCOUNT, namespace: ISTIO_NAMESPACE, labels: LABELS } },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: ROLE, labels: LABELS }, rules: READER_RULES },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: ROLE, labels: LABELS },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: ROLE },
      subjects: [{ kind: 'ServiceAccount', name: READER_SERVICE_ACCOUNT, namespace: ISTIO_NAMESPACE }],
    },
    {
      apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/service-account-token',
      metadata: { name: READER_TOKEN_SECRET, namespace: ISTIO_NAMESPACE, labels: LABELS, annotations: { 'kubernetes.io/service-account.name': READER_SERVICE_ACCOUNT } },
    },
  ];
}
