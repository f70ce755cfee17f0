import { createHash } from 'node:crypto';
import type { RegionStore, SecretStorePlanSpec } from '../api/secretstoreplan.js';
import type { KubeObject } from '../kube/types.js';

/** ServiceAccount in a region's store namespace whose token reads that namespace's Secrets and nothing else. */
export const STORE_READER = 'meridian-secret-store-reader';
/** The Secret (in each store namespace) holding the reader's token. */
export const STORE_TOKEN_SECRET = 'meridian-secret-store-token';
/** The in-cluster API server URL stores name; Meridian, outside the cluster, reaches the member's server instead. */
export const IN_CLUSTER_URL = 'https://kubernetes.default.svc';
/** Label on everything a plan puts into a member; its value names the plan (planLabelValue). */
export const PLAN_LABEL = 'secrets.meridian.dev/plan';

/** The PLAN_LABEL value of a plan: its name, or a digest when the name is no valid label value. */
export function planLabelValue(planName: string): string {
  return /^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$/.test(planName) ? planName : `sha256-${createHash('sha256').update(planName).digest('hex').slice(0, 40)}`;
}

const labelsOf = (planName: string) => ({ 'app.kubernetes.io/managed-by': 'meridian', [PLAN_LABEL]: planLabelValue(planName) });

/** The plan entry for a region; a clear error when the plan has none or more than one provider. */
export function regionEntry(spec: SecretStorePlanSpec, region: string, planName: string): RegionStore {
  const entry = spec.regions.find((r) => r.region === region);
  if (!entry) throw new Error(`SecretStorePlan ${planName}: spec.regions has no entry for region "${region}"`);
  const providers = (['aws', 'vault', 'kubernetes'] as const).filter((p) => entry[p]);
  if (providers.length !== 1) throw new Error(`SecretStorePlan ${planName}: spec.regions[region=${region}] must name exactly one of aws, vault, kubernetes (has ${providers.join(', ') || 'none'})`);
  return entry;
}

function provider(entry: RegionStore, tokenNamespace: string | undefined): Record<string, unknown> {
  if (entry.aws) return { aws: { service: entry.aws.service ?? 'SecretsManager', region: entry.aws.region, ...(entry.aws.role ? { role: entry.aws.role } : {}) } };
  if (entry.vault) return { vault: { server: entry.vault.server, path: entry.vault.path, version: entry.vault.version ?? 'v2', auth: { kubernetes: { mountPath: entry.vault.mountPath ?? 'kubernetes', role: entry.vault.role } } } };
  const ns = entry.kubernetes?.namespace ?? '';
  return {
    kubernetes: {
      remoteNamespace: ns,
      server: { url: IN_CLUSTER_URL, caProvider: { type: 'ConfigMap', name: 'kube-root-ca.crt', key: 'ca.crt', ...(tokenNamespace ? { namespace: tokenNamespace } : {}) } },
      auth: { token: { bearerToken: { name: STORE_TOKEN_SECRET, key: 'token', ...(tokenNamespace ? { namespace: tokenNamespace } : {}) } } },
    },
  };
}

/**
 * The External Secrets objects one member gets from the plan: a SecretStore per namespace (or one
 * ClusterSecretStore) pointing at its own region's store only. For the Kubernetes provider also
 * the store namespace and a reader account whose Role allows get/list/watch of Secrets there.
 * The reader's token Secret is written separately (storeTokenSecret), once the token is known.
 */
export function storeObjects(spec: SecretStorePlanSpec, entry: RegionStore, planName = ''): KubeObject[] {
  const LABELS = labelsOf(planName);
  const apiVersion = spec.apiVersion ?? 'external-secrets.io/v1';
  const out: KubeObject[] = [];
  if (entry.kubernetes) {
    const ns = entry.kubernetes.namespace;
    out.push(
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: LABELS } },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: STORE_READER, namespace: ns, labels: LABELS } },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: STORE_READER, namespace: ns, labels: LABELS }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] }] },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: STORE_READER, namespace: ns, labels: LABELS }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: STORE_READER }, subjects: [{ kind: 'ServiceAccount', name: STORE_READER, namespace: ns }] },
    );
  }
  for (const ns of spec.namespaces) out.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  if (spec.storeKind === 'ClusterSecretStore') {
    out.push({ apiVersion, kind: 'ClusterSecretStore', metadata: { name: spec.storeName, labels: LABELS }, spec: { provider: provider(entry, spec.namespaces[0]) } });
  } else {
    for (const ns of spec.namespaces) out.push({ apiVersion, kind: 'SecretStore', metadata: { name: spec.storeName, namespace: ns, labels: LABELS }, spec: { provider: provider(entry, undefined) } });
  }
  return out;
}

/** The reader's token where the stores look for it: each SecretStore namespace, or the ClusterSecretStore's one. */
export function storeTokenSecrets(spec: SecretStorePlanSpec, token: string, planName = ''): KubeObject[] {
  const LABELS = labelsOf(planName);
  const namespaces = spec.storeKind === 'ClusterSecretStore' ? [spec.namespaces[0]] : spec.namespaces;
  return namespaces.map((ns) => ({ apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name: STORE_TOKEN_SECRET, namespace: ns, labels: LABELS }, data: { token: Buffer.from(token).toString('base64') } }));
}
