import { API_VERSION } from '../api/schema.js';
import type { Cluster, ClusterSpec } from '../api/cluster.js';
import { KubeClient } from '../kube/client.js';
import { waitFor } from '../util/wait.js';
import { ensureNamespace, SYSTEM_NAMESPACE } from './install.js';
import { MEMBER_RULES } from './rbac.js';
import { joinNetworkConflicts } from '../network/preflight.js';

/** What `meridian cluster join` needs. */
export interface JoinRequest {
  name: string;
  region: string;
  zone?: string;
  labels: Record<string, string>;
  podCIDRs?: string[];
  serviceCIDRs?: string[];
  ingressAddresses?: string[];
  ingressPort?: number;
  privileges: 'least' | 'cluster-admin';
}

/** Name of the ServiceAccount Meridian uses in each member. */
export const MEMBER_SERVICE_ACCOUNT = 'meridian';
const TOKEN_SECRET = 'meridian-token';

/** The hub Secret that holds a member's credentials. */
export function credentialsSecretName(cluster: string): string {
  return `cluster-${cluster}`;
}

/**
 * Joins a member: creates Meridian's ServiceAccount and least-privilege role in it, stores the
 * account's token and the member's CA in a Secret on the hub, and creates the `Cluster` object.
 * Re-running it updates the same objects.
 */
export async function joinCluster(hub: KubeClient, member: KubeClient, req: JoinRequest): Promise<Cluster> {
  for (const line of await joinNetworkConflicts(hub, member, req)) process.stderr.write(`warning: ${line} (see meridian network check)\n`);
  const { token, ca } = await createMemberIdentity(member, req.privileges);
  await ensureNamespace(hub, SYSTEM_NAMESPACE);
  const secretName = credentialsSecretName(req.name);
  await hub.apply({
    apiVersion: 'v1', kind: 'Secret', type: 'Opaque',
    metadata: { name: secretName, namespace: SYSTEM_NAMESPACE, labels: { 'meridian.dev/cluster': req.name } },
    data: { token: Buffer.from(token).toString('base64'), 'ca.crt': Buffer.from(ca).toString('base64') },
  });
  const spec: ClusterSpec = {
    server: member.server, secretRef: { name: secretName, namespace: SYSTEM_NAMESPACE }, region: req.region,
    ...(req.zone ? { zone: req.zone } : {}),
    ...(req.podCIDRs?.length ? { podCIDRs: req.podCIDRs } : {}),
    ...(req.serviceCIDRs?.length ? { serviceCIDRs: req.serviceCIDRs } : {}),
    ...(req.ingressAddresses?.length ? { ingressAddresses: req.ingressAddresses } : {}),
    ...(req.ingressPort ? { ingressPort: req.ingressPort } : {}),
  };
  const labels: Record<string, string> = { ...req.labels, region: req.region, 'topology.kubernetes.io/region': req.region };
  if (req.zone) labels['topology.kubernetes.io/zone'] = req.zone;
  return hub.apply<Cluster>({ apiVersion: API_VERSION, kind: 'Cluster', metadata: { name: req.name, labels }, spec });
}

async function createMemberIdentity(member: KubeClient, privileges: JoinRequest['privileges']): Promise<{ token: string; ca: string }> {
  await ensureNamespace(member, SYSTEM_NAMESPACE);
  await member.apply({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: MEMBER_SERVICE_ACCOUNT, namespace: SYSTEM_NAMESPACE } });
  await member.apply({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'meridian-member' }, rules: MEMBER_RULES });
  await member.apply({
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'meridian-member' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: privileges === 'cluster-admin' ? 'cluster-admin' : 'meridian-member' },
    subjects: [{ kind: 'ServiceAccount', name: MEMBER_SERVICE_ACCOUNT, namespace: SYSTEM_NAMESPACE }],
  });
  // A long-lived token Secret works on 1.20 and on current releases (where it is no longer automatic).
  await member.apply({
    apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/service-account-token',
    metadata: { name: TOKEN_SECRET, namespace: SYSTEM_NAMESPACE, annotations: { 'kubernetes.io/service-account.name': MEMBER_SERVICE_ACCOUNT } },
  });
  const secret = await waitFor(async () => {
    const s = await member.get<{ apiVersion: string; data?: Record<string, string> }>('v1', 'Secret', TOKEN_SECRET, SYSTEM_NAMESPACE);
    return s?.data?.token && s.data['ca.crt'] ? s : undefined;
  }, { timeoutMs: 60_000, intervalMs: 200, what: `the token of ServiceAccount ${SYSTEM_NAMESPACE}/${MEMBER_SERVICE_ACCOUNT} in ${member.contextName}`, onTimeout: () => 'the token controller has not filled the Secret (is kube-controller-manager running?)' });
  const data = secret.data as Record<string, string>;
  return { token: Buffer.from(data.token, 'base64').toString('utf8'), ca: Buffer.from(data['ca.crt'], 'base64').toString('utf8') };
}

/** Builds a client for a member from its credentials Secret on the hub. */
export async function memberClientFromSecret(hub: KubeClient, cluster: Cluster, timeoutMs?: number): Promise<KubeClient> {
  const ref = cluster.spec.secretRef;
  const secret = await hub.get<{ apiVersion: string; data?: Record<string, string> }>('v1', 'Secret', ref.name, ref.namespace);
  if (!secret?.data?.token) throw new Error(`Cluster ${cluster.metadata?.name}: credentials Secret ${ref.namespace}/${ref.name} is missing or has no token`);
  const decode = (k: string) => Buffer.from(secret.data?.[k] ?? '', 'base64').toString('utf8');
  return KubeClient.fromToken(cluster.spec.server, decode('ca.crt'), decode('token'), cluster.metadata?.name ?? 'member', timeoutMs);
}
