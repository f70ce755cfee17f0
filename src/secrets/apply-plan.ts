import type { SecretStorePlan } from '../api/secretstoreplan.js';
import type { KubeClient } from '../kube/client.js';
import { KubeApiError } from '../kube/errors.js';
import { installVendorCrds, VENDOR_CRDS } from '../mesh/vendor-crds.js';
import { serviceAccountToken } from '../mesh/sa-token.js';
import { PLAN_LABEL, planLabelValue, regionEntry, storeObjects, storeTokenSecrets, STORE_READER } from './stores.js';

const READER_TOKEN = `${STORE_READER}-token`;

/** How a plan went into one member. */
export interface PlanApplied {
  provider: 'kubernetes' | 'aws' | 'vault';
  /** The reader's Role and RoleBinding were refused (a least-privilege member client may not grant RBAC). */
  rbacRefused?: boolean;
  /** For the Kubernetes provider: the reader's token, for a check of what it may do. Never logged. */
  readerToken?: string;
}

/**
 * Puts a plan into one member: ESO's CRDs, the region's store objects and, for the Kubernetes
 * provider, the reader's token where the stores look for it. With `tolerateRbacRefusal` (the
 * `meridian serve` path, whose member client may not grant RBAC) a 403 on the reader's Role or
 * RoleBinding is reported, not thrown, and the rest is still applied; the CLI's admin path throws.
 * `crdsInstalled` skips re-applying ESO's CRDs (a controller's periodic pass after its first).
 */
export async function applyPlanToMember(member: KubeClient, plan: SecretStorePlan, region: string, opts: { tolerateRbacRefusal?: boolean; crdsInstalled?: boolean } = {}): Promise<PlanApplied> {
  const name = plan.metadata?.name ?? '';
  const entry = regionEntry(plan.spec, region, name);
  if (!opts.crdsInstalled) await installVendorCrds(member, VENDOR_CRDS.externalSecrets);
  let rbacRefused = false;
  for (const o of storeObjects(plan.spec, entry, name)) {
    try {
      await member.apply(o, { force: true });
    } catch (err) {
      const rbac = o.apiVersion?.startsWith('rbac.authorization.k8s.io/') && err instanceof KubeApiError && err.status === 403;
      if (!rbac || !opts.tolerateRbacRefusal) throw err;
      rbacRefused = true;
    }
  }
  if (entry.kubernetes) {
    const ns = entry.kubernetes.namespace;
    await member.apply({ apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/service-account-token', metadata: { name: READER_TOKEN, namespace: ns, labels: { [PLAN_LABEL]: planLabelValue(name) }, annotations: { 'kubernetes.io/service-account.name': STORE_READER } } });
    const token = await serviceAccountToken(member, ns, STORE_READER, READER_TOKEN);
    for (const s of storeTokenSecrets(plan.spec, token, name)) await member.apply(s, { force: true });
    return { provider: 'kubernetes', rbacRefused, readerToken: token };
  }
  return { provider: entry.aws ? 'aws' : 'vault', rbacRefused };
}
