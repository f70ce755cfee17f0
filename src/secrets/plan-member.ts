import type { SecretStorePlan } from '../api/secretstoreplan.js';
import { KubeClient } from '../kube/client.js';
import { KubeApiError } from '../kube/errors.js';
import type { KubeObject } from '../kube/types.js';
import { applyPlanToMember } from './apply-plan.js';
import { ESO_API_VERSION } from './reconcile.js';
import { PLAN_LABEL, planLabelValue, STORE_READER } from './stores.js';

/** A member as the plan controller uses it. */
export interface PlanMember {
  name: string;
  region: string;
  client: KubeClient;
  /** API server URL and CA, for the reader check with the reader's own token. */
  server: string;
  caPem: string;
}

/** What a plan came to in one member. */
export interface PlanMemberResult {
  cluster: string;
  region: string;
  provider?: string;
  /** Why the member is not served by the plan (no value or token in it). */
  error?: string;
  /** The plan has no entry for the member's region: its stores were removed there. */
  uncovered?: boolean;
}

/** Kinds a plan puts into a member, removed by label when the plan (or the member's region entry) goes. Namespaces stay: they hold the region's secrets. */
const OWNED_KINDS: Array<[string, string]> = [
  [ESO_API_VERSION, 'SecretStore'], [ESO_API_VERSION, 'ClusterSecretStore'], ['v1', 'Secret'], ['v1', 'ServiceAccount'],
  ['rbac.authorization.k8s.io/v1', 'RoleBinding'], ['rbac.authorization.k8s.io/v1', 'Role'],
];

/** Removes what the plan put into a member (found by its label); RBAC kinds a least-privilege client may not touch are skipped. */
export async function removePlanFromMember(client: KubeClient, planName: string): Promise<number> {
  let removed = 0;
  for (const [apiVersion, kind] of OWNED_KINDS) {
    let items: KubeObject[];
    try {
      items = (await client.list(apiVersion, kind, { labelSelector: `${PLAN_LABEL}=${planLabelValue(planName)}` })).items;
    } catch (err) {
      if (err instanceof KubeApiError && (err.status === 403 || err.status === 404)) continue;
      throw err;
    }
    for (const o of items) if (await client.delete(apiVersion, kind, o.metadata?.name ?? '', o.metadata?.namespace)) removed++;
  }
  return removed;
}

/** Asks the API server, with the reader's own token, whether it may read Secrets in the store namespace. */
async function readerCanRead(m: PlanMember, token: string, namespace: string): Promise<boolean> {
  const reader = KubeClient.fromToken(m.server, m.caPem, token, `${m.name}-store-reader`, 10_000);
  try {
    const review = await reader.create<KubeObject & { status?: { allowed?: boolean } }>({ apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { namespace, verb: 'get', resource: 'secrets' } } });
    return review.status?.allowed === true;
  } finally {
    reader.close();
  }
}

/**
 * Puts the plan into one member and proves the Kubernetes provider's reader works (its token may
 * read Secrets in its store namespace), or removes the plan's objects when the member's region has
 * no entry. A failure is data for the plan's status, never thrown.
 */
export async function syncPlanToMember(m: PlanMember, plan: SecretStorePlan, crdsInstalled = false): Promise<PlanMemberResult> {
  const base = { cluster: m.name, region: m.region };
  const name = plan.metadata?.name ?? '';
  try {
    if (!plan.spec.regions.some((r) => r.region === m.region)) {
      await removePlanFromMember(m.client, name);
      return { ...base, uncovered: true };
    }
    const applied = await applyPlanToMember(m.client, plan, m.region, { tolerateRbacRefusal: true, crdsInstalled });
    const ns = plan.spec.regions.find((r) => r.region === m.region)?.kubernetes?.namespace;
    if (applied.readerToken && ns && !(await readerCanRead(m, applied.readerToken, ns))) {
      const why = applied.rbacRefused ? `its Role and RoleBinding need cluster-admin in ${m.name}: run \`meridian secrets stores --plan ${name}\` once, or join the cluster with --privileges cluster-admin` : 'its Role or RoleBinding is missing';
      return { ...base, provider: applied.provider, error: `reader ${ns}/${STORE_READER} cannot read Secrets in ${ns}: ${why}` };
    }
    return { ...base, provider: applied.provider };
  } catch (err) {
    return { ...base, error: (err as Error).message.split('\n')[0].slice(0, 300) };
  }
}
