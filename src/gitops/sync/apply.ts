import type { KubeClient } from '../../kube/client.js';
import type { KubeObject } from '../../kube/types.js';
import { waitFor } from '../../util/wait.js';
import { objectId, planSyncGroups } from './order.js';
import { limited, type Limiter } from '../../util/limiter.js';

/** What happened to one object in an apply pass. */
export interface ApplyOutcome { id: string; result?: KubeObject; error?: string }

/** Options of an ordered apply. */
export interface ApplyPassOptions {
  crdTimeoutMs?: number;
  onProgress?: (message: string) => void;
  /** Bounds the applies sent to the member at once (shared with other Applications of the member). */
  pool?: Limiter;
}

/**
 * Applies objects with server-side apply (field manager meridian) group by group: Namespaces and CRDs
 * first, CRDs waited for until Established, then each sync wave. The objects of one group go in
 * parallel (bounded by the member's pool); the next group starts when all of them answered. A group
 * with a failure stops the pass, so later waves never land on a broken earlier one.
 */
export async function applyInOrder(member: KubeClient, objects: KubeObject[], opts: ApplyPassOptions = {}): Promise<ApplyOutcome[]> {
  const outcomes: ApplyOutcome[] = [];
  for (const group of planSyncGroups(objects)) {
    opts.onProgress?.(`${group.phase === 'bootstrap' ? 'namespaces and CRDs' : `wave ${group.wave}`}: applying ${group.objects.length}`);
    const results = await Promise.allSettled(group.objects.map((o) => limited(opts.pool, () => member.apply(o))));
    results.forEach((r, i) => outcomes.push({ id: objectId(group.objects[i]), result: r.status === 'fulfilled' ? r.value : undefined, error: r.status === 'rejected' ? (r.reason as Error).message : undefined }));
    if (results.some((r) => r.status === 'rejected')) break;
    const crds = group.objects.filter((o) => o.kind === 'CustomResourceDefinition').map((o) => o.metadata?.name ?? '');
    if (crds.length) {
      await waitEstablished(member, crds, opts.crdTimeoutMs ?? 30_000);
      member.discovery.invalidate();
    }
  }
  return outcomes;
}

async function waitEstablished(member: KubeClient, names: string[], timeoutMs: number): Promise<void> {
  const pending = new Set(names);
  await waitFor(async () => {
    for (const name of [...pending]) {
      const crd = await member.get<KubeObject & { status?: { conditions?: Array<{ type: string; status: string }> } }>('apiextensions.k8s.io/v1', 'CustomResourceDefinition', name);
      if (crd?.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) pending.delete(name);
    }
    return pending.size === 0;
  }, { timeoutMs, intervalMs: 200, what: 'CRDs established', onTimeout: () => `not established: ${[...pending].join(', ')}` });
}
