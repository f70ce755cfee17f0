import type { SecretStorePlan } from '../api/secretstoreplan.js';
import type { KubeClient } from '../kube/client.js';
import { installVendorCrds, VENDOR_CRDS } from '../mesh/vendor-crds.js';
import { serviceAccountToken } from '../mesh/sa-token.js';
import { regionEntry, storeObjects, storeTokenSecrets, STORE_READER } from './stores.js';

const READER_TOKEN = `${STORE_READER}-token`;

/**
 * Puts a plan into one member (an admin client: it creates CRDs and a Role): ESO's CRDs, the
 * region's store objects and, for the Kubernetes provider, the reader's token where the stores look
 * for it. Returns the provider the region uses.
 */
export async function applyPlanToMember(member: KubeClient, plan: SecretStorePlan, region: string): Promise<string> {
  const entry = regionEntry(plan.spec, region, plan.metadata?.name ?? '');
  await installVendorCrds(member, VENDOR_CRDS.externalSecrets);
  for (const o of storeObjects(plan.spec, entry)) await member.apply(o, { force: true });
  if (entry.kubernetes) {
    const ns = entry.kubernetes.namespace;
    await member.apply({ apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/service-account-token', metadata: { name: READER_TOKEN, namespace: ns, annotations: { 'kubernetes.io/service-account.name': STORE_READER } } });
    const token = await serviceAccountToken(member, ns, STORE_READER, READER_TOKEN);
    for (const s of storeTokenSecrets(plan.spec, token)) await member.apply(s, { force: true });
    return 'kubernetes';
  }
  return entry.aws ? 'aws' : 'vault';
}
