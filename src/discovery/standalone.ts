import type { Cluster } from '../api/cluster.js';
import type { KubeClient } from '../kube/client.js';
import type { Informer } from '../kube/informer.js';
import { InformerSet } from '../kube/informer-set.js';
import type { KubeObject } from '../kube/types.js';
import { waitFor } from '../util/wait.js';
import { MemberState, type DiscoveryMember } from './member-state.js';

/** A member read outside `meridian serve` (the CLI): its own informers, stopped by close(). */
export class StandaloneMember implements DiscoveryMember {
  private readonly informers: InformerSet;

  constructor(readonly name: string, readonly client: KubeClient, public ready: boolean) {
    this.informers = new InformerSet(client);
  }

  informer<T extends KubeObject = KubeObject>(apiVersion: string, kind: string, namespace?: string): Informer<T> {
    return this.informers.get<T>(apiVersion, kind, namespace);
  }

  /** Stops the informers and closes the connection. */
  close(): void {
    this.informers.stop();
    this.client.close();
  }
}

/** True when the Cluster's Ready condition is True. */
export function clusterReady(cluster: Cluster): boolean {
  return cluster.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/**
 * Loads discovery's view of members without writing anything: informers started, waited for up
 * to `timeoutMs`. Members that could not be read are returned in `failed` with the reason.
 */
export async function loadMembers(members: StandaloneMember[], timeoutMs: number): Promise<{ states: MemberState[]; failed: Array<{ cluster: string; error: string }> }> {
  const results = await Promise.allSettled(members.map(async (m) => {
    const state = new MemberState(m);
    await state.attach();
    await waitFor(() => state.synced(), {
      timeoutMs, intervalMs: 50, what: `caches of cluster ${m.name}`,
      onTimeout: () => [state.services, state.slices, state.exports, state.imports, state.namespaces].map((i) => i.lastError?.message).filter(Boolean).join('; ') || 'not synced',
    });
    return state;
  }));
  const states: MemberState[] = [];
  const failed: Array<{ cluster: string; error: string }> = [];
  results.forEach((r, i) => (r.status === 'fulfilled' ? states.push(r.value) : failed.push({ cluster: members[i].name, error: (r.reason as Error).message })));
  return { states, failed };
}
