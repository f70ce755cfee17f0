import type { KubeClient } from '../kube/client.js';
import type { KubeObject } from '../kube/types.js';
import type { ExternalSecretSpec } from './provider-kubernetes.js';

interface TargetSecret extends KubeObject { data?: Record<string, string> }

/** Label ESO puts on the Secrets it manages. */
export const MANAGED_LABEL = 'reconcile.external-secrets.io/managed';

const b64 = (values: Record<string, string>) => Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));

/**
 * Writes the target Secret as creationPolicy says: Owner (created, owned by the ExternalSecret so
 * it goes with it), Orphan (created, not owned), Merge (keys merged into a Secret that must already
 * exist), None (nothing written). Returns whether anything changed.
 */
export async function writeTarget(client: KubeClient, es: KubeObject, spec: ExternalSecretSpec, values: Record<string, string>): Promise<boolean> {
  const policy = spec.target?.creationPolicy ?? 'Owner';
  if (policy === 'None') return false;
  const ns = es.metadata?.namespace ?? '';
  const name = spec.target?.name ?? es.metadata?.name ?? '';
  const existing = await client.get<TargetSecret>('v1', 'Secret', name, ns);
  if (policy === 'Merge') return mergeInto(client, existing, `${ns}/${name}`, values);
  const owner = policy === 'Owner' ? [{ apiVersion: es.apiVersion ?? 'external-secrets.io/v1', kind: 'ExternalSecret', name: es.metadata?.name ?? '', uid: es.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true }] : undefined;
  const desired = b64(values);
  if (existing && JSON.stringify(existing.data ?? {}) === JSON.stringify(desired) && existing.metadata?.labels?.[MANAGED_LABEL] === 'true') return false;
  await client.apply({
    apiVersion: 'v1', kind: 'Secret', type: 'Opaque',
    metadata: { name, namespace: ns, labels: { [MANAGED_LABEL]: 'true' }, ...(owner ? { ownerReferences: owner } : {}) },
    data: desired,
  }, { force: true });
  return true;
}

async function mergeInto(client: KubeClient, existing: TargetSecret | undefined, where: string, values: Record<string, string>): Promise<boolean> {
  if (!existing) throw new Error(`creationPolicy Merge: target Secret ${where} does not exist`);
  const data = { ...(existing.data ?? {}), ...b64(values) };
  if (JSON.stringify(data) === JSON.stringify(existing.data ?? {})) return false;
  await client.mergePatch('v1', 'Secret', existing.metadata?.name ?? '', existing.metadata?.namespace, { data });
  return true;
}

/**
 * The remote keys are gone: deletionPolicy Delete removes the target (only one we manage), Merge
 * removes the keys we put there, Retain keeps it. Returns what was done, for the condition.
 */
export async function applyDeletionPolicy(client: KubeClient, es: KubeObject, spec: ExternalSecretSpec): Promise<'deleted' | 'keys-removed' | 'retained'> {
  const policy = spec.target?.deletionPolicy ?? 'Retain';
  const ns = es.metadata?.namespace ?? '';
  const name = spec.target?.name ?? es.metadata?.name ?? '';
  const existing = await client.get<TargetSecret>('v1', 'Secret', name, ns);
  if (!existing || policy === 'Retain') return 'retained';
  if (policy === 'Delete' && existing.metadata?.labels?.[MANAGED_LABEL] === 'true') {
    await client.delete('v1', 'Secret', name, ns);
    return 'deleted';
  }
  if (policy === 'Merge') {
    const ours = new Set((spec.data ?? []).map((d) => d.secretKey));
    const data = Object.fromEntries(Object.entries(existing.data ?? {}).filter(([k]) => !ours.has(k)));
    await client.replace({ ...existing, data });
    return 'keys-removed';
  }
  return 'retained';
}
