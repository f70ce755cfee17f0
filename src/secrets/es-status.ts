import { createHash } from 'node:crypto';
import { setCondition } from '../kube/conditions.js';
import type { Condition, KubeObject } from '../kube/types.js';

/** ExternalSecret status as ESO writes it. */
export interface ExternalSecretStatus {
  conditions?: Condition[];
  refreshTime?: string;
  syncedResourceVersion?: string;
  binding?: { name: string };
}

/** ESO's syncedResourceVersion: the generation and a hash of labels and annotations. */
export function syncedResourceVersion(es: KubeObject): string {
  const meta = JSON.stringify({ labels: es.metadata?.labels ?? {}, annotations: es.metadata?.annotations ?? {} });
  return `${es.metadata?.generation ?? 0}-${createHash('sha3-224').update(meta).digest('hex')}`;
}

/** The status after one pass: condition Ready with ESO's reasons (SecretSynced, SecretSyncedError, SecretDeleted). */
export function esStatus(es: KubeObject & { status?: ExternalSecretStatus }, outcome: { ok: boolean; reason: 'SecretSynced' | 'SecretSyncedError' | 'SecretDeleted'; message: string; target: string }, now = new Date()): ExternalSecretStatus {
  const prev = es.status ?? {};
  return {
    ...prev,
    conditions: setCondition(prev.conditions, { type: 'Ready', status: outcome.ok ? 'True' : 'False', reason: outcome.reason, message: outcome.message }, now),
    ...(outcome.ok ? { refreshTime: now.toISOString(), syncedResourceVersion: syncedResourceVersion(es) } : {}),
    binding: { name: outcome.target },
  };
}
