import type { ClusterRegistry } from '../../clusters/registry.js';
import type { KubeClient } from '../../kube/client.js';
import { canonical } from '../sync/project.js';
import { clusterInfos } from './appsets.js';

/** Which gitops queues a member change concerns. */
export interface MemberImpact {
  /** The member's Applications: its connection, its readiness or this replica's hold on it (serve --shards) changed. */
  apps: boolean;
  /** The ApplicationSets: what the clusters generator sees of it (name, server, labels, annotations) changed. */
  sets: boolean;
}

interface Seen { client?: KubeClient; ready: boolean; owned: boolean; info: string }

/**
 * Tells what a registry 'change' means for gitops. The registry emits one on every update of a
 * Cluster object, status included (the cluster manager rewrites it at least every 30 s), but an
 * Application reads only its member's connection and readiness, and an ApplicationSet only what the
 * clusters generator sees. Re-queueing every Application of a member on each status write only added
 * passes (reads) beside the syncs of a commit. A member seen for the first time concerns both.
 * With serve --shards a member changing hands comes as a 'change' too: the replica taking it over
 * must queue its Applications, or a commit it skipped while another replica held the member (the
 * poll ran before the Lease moved) is never synced.
 */
export class MemberChanges {
  private readonly seen = new Map<string, Seen>();

  constructor(private readonly registry: Pick<ClusterRegistry, 'get' | 'clusterObjects'>, private readonly owns: (member: string) => boolean = () => true) {}

  /** What changed for `member` since the last call about it; remembers the current state. */
  impact(member: string): MemberImpact {
    const m = this.registry.get(member);
    const info = clusterInfos(this.registry).find((c) => c.name === member);
    const now: Seen = { client: m?.client, ready: m?.ready ?? false, owned: this.owns(member), info: info ? canonical(info) : '' };
    const before = this.seen.get(member);
    if (!m && !info) this.seen.delete(member);
    else this.seen.set(member, now);
    if (!before) return { apps: true, sets: true };
    return { apps: before.client !== now.client || before.ready !== now.ready || before.owned !== now.owned, sets: before.info !== now.info };
  }
}
