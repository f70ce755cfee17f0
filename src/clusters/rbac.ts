/** One RBAC policy rule. */
export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

const READ = ['get', 'list', 'watch'];
const WRITE = [...READ, 'create', 'update', 'patch', 'delete'];

/**
 * What Meridian may do in a member, and why (docs/rbac.md explains each line). Nothing here can
 * grant RBAC or impersonate: an application that ships Roles or other kinds outside this list
 * needs `meridian cluster join --privileges cluster-admin`.
 */
export const MEMBER_RULES: PolicyRule[] = [
  // Registry: node count, capacity and requested resources.
  { apiGroups: [''], resources: ['nodes'], verbs: [...WRITE] }, // write: virtual nodes for bursting
  { apiGroups: [''], resources: ['nodes/status'], verbs: ['get', 'patch', 'update'] },
  { apiGroups: [''], resources: ['pods'], verbs: [...WRITE] }, // write: delegate pods for bursting
  { apiGroups: [''], resources: ['pods/status'], verbs: ['get', 'patch', 'update'] },
  // GitOps: the kinds applications are made of.
  { apiGroups: [''], resources: ['namespaces', 'services', 'endpoints', 'configmaps', 'secrets', 'serviceaccounts', 'persistentvolumeclaims', 'events', 'limitranges', 'resourcequotas'], verbs: [...WRITE] },
  { apiGroups: ['apps'], resources: ['deployments', 'statefulsets', 'daemonsets', 'replicasets'], verbs: [...WRITE] },
  { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: [...WRITE] },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'networkpolicies'], verbs: [...WRITE] },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: [...WRITE] },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: [...WRITE] },
  { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: [...READ, 'create', 'patch', 'update'] },
  // Discovery: MCS API objects, derived EndpointSlices and cluster identity.
  { apiGroups: ['multicluster.x-k8s.io'], resources: ['serviceexports', 'serviceexports/status', 'serviceimports', 'serviceimports/status'], verbs: [...WRITE] },
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: [...WRITE] },
  { apiGroups: ['about.k8s.io'], resources: ['clusterproperties'], verbs: [...WRITE] },
  // Virtual-node heartbeats and leader leases.
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: [...WRITE] },
  // Bursting: binding elected pods, Admiralty targets, Liqo NamespaceOffloading, the pod webhook.
  { apiGroups: [''], resources: ['pods/binding'], verbs: ['create'] },
  { apiGroups: ['multicluster.admiralty.io', 'offloading.liqo.io'], resources: ['*'], verbs: [...WRITE] },
  { apiGroups: ['admissionregistration.k8s.io'], resources: ['mutatingwebhookconfigurations'], verbs: [...WRITE] },
  // Secrets per region (External Secrets stores).
  { apiGroups: ['external-secrets.io'], resources: ['secretstores', 'clustersecretstores', 'externalsecrets', 'externalsecrets/status'], verbs: [...WRITE] },
];
