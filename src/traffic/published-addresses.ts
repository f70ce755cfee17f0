import type { GlobalService } from '../api/globalservice.js';
import type { MemberCluster } from '../clusters/registry.js';
import type { Informer } from '../kube/informer.js';
import type { KubeObject } from '../kube/types.js';
import type { Ownership } from '../serve/ownership.js';
import type { MemberPublications } from '../serve/publications.js';
import { TerminalError } from '../controller/terminal.js';
import type { Logger } from '../util/log.js';

/** A load-balancer address source of a GlobalService: an Ingress or Service in a member. */
export interface AddressSource {
  kind: 'Ingress' | 'Service';
  namespace: string;
  name: string;
}

interface LoadBalanced extends KubeObject {
  status?: { loadBalancer?: { ingress?: Array<{ ip?: string; hostname?: string }> } };
}

/** What the holder of a member publishes for traffic (`data.traffic.json`): addresses by `Kind/namespace/name`. */
interface TrafficPublication {
  version: 1;
  addresses: Record<string, string[]>;
}

const PART = 'traffic';
const RETRY_MS = 1000;

/** The source a GlobalService names, or undefined when it uses the Cluster's own ingress addresses. */
export function addressSource(gs: GlobalService): AddressSource | undefined {
  const from = gs.spec.address?.from;
  const namespace = gs.spec.address?.namespace ?? gs.metadata?.namespace;
  if ((from !== 'Ingress' && from !== 'Service') || !gs.spec.address?.name || !namespace) return undefined;
  return { kind: from, namespace, name: gs.spec.address.name };
}

function sourceKey(s: AddressSource): string {
  return `${s.kind}/${s.namespace}/${s.name}`;
}

/** The member's shared informer of a source's kind in its namespace. */
export function sourceInformer(m: MemberCluster, s: AddressSource): Informer<LoadBalanced> {
  return m.informer<LoadBalanced>(s.kind === 'Ingress' ? 'networking.k8s.io/v1' : 'v1', s.kind, s.namespace);
}

function watchedAddresses(m: MemberCluster, s: AddressSource): string[] {
  const obj = sourceInformer(m, s).get(`${s.namespace}/${s.name}`);
  return (obj?.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? '').filter(Boolean);
}

/**
 * Load-balancer addresses of members, wherever this replica reads them from: its own watch of the
 * Ingress or Service for a member it holds (or every member without `serve --shards`), and what
 * the member's holder published on the hub for the others. The holder publishes, for each member it
 * holds, the addresses of every source some GlobalService names, once its watches have listed.
 */
export class MemberAddresses {
  private timer: NodeJS.Timeout | undefined;
  private publishing = false;
  private members: () => MemberCluster[] = () => [];
  private services: () => GlobalService[] = () => [];

  constructor(private readonly shards: Ownership, private readonly publications: MemberPublications | undefined, private readonly log: Logger) {}

  /** True when this replica reads the member from its holder's publication rather than a watch. */
  published(member: string): boolean {
    return Boolean(this.publications) && !this.shards.owns(member);
  }

  /** The addresses of a source in a member. */
  lookup(m: MemberCluster, s: AddressSource): string[] {
    if (!this.published(m.name)) return watchedAddresses(m, s);
    const pub = this.publications?.read<TrafficPublication>(m.name, PART);
    const addresses = pub && typeof pub === 'object' && pub.addresses && typeof pub.addresses === 'object' && Object.hasOwn(pub.addresses, sourceKey(s)) ? pub.addresses[sourceKey(s)] : [];
    return Array.isArray(addresses) ? addresses.filter((a): a is string => typeof a === 'string') : [];
  }

  /** Publishes soon, for every member held, the addresses of the sources `services` name. */
  schedule(members: () => MemberCluster[], services: () => GlobalService[]): void {
    [this.members, this.services] = [members, services];
    this.later(0);
  }

  private later(delayMs: number): void {
    if (!this.publications) return;
    this.timer ??= setTimeout(() => { this.timer = undefined; void this.publish(); }, delayMs).unref();
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private async publish(): Promise<void> {
    if (!this.publications || this.publishing) return this.later(RETRY_MS);
    this.publishing = true;
    let again = false;
    try {
      const sources = new Map<string, AddressSource>();
      for (const gs of this.services()) {
        const s = addressSource(gs);
        if (s) sources.set(sourceKey(s), s);
      }
      for (const m of this.members()) {
        // Asked again for each member: one may have moved away while an earlier one was published,
        // and a watch started for it now would run here with nothing to stop it.
        if (!this.shards.owns(m.name)) continue;
        // Published only from listed watches: an empty cache is not an Ingress without addresses.
        if (![...sources.values()].every((s) => sourceInformer(m, s).hasSynced())) { again = true; continue; }
        const addresses: Record<string, string[]> = {};
        for (const [key, s] of [...sources].sort(([a], [b]) => a.localeCompare(b))) addresses[key] = watchedAddresses(m, s);
        await this.publications.publish(m.name, PART, { version: 1, addresses } satisfies TrafficPublication).catch((err: Error) => {
          again ||= !(err instanceof TerminalError);
          this.log.warn({ cluster: m.name, err: err.message }, 'publishing the member\'s load-balancer addresses on the hub failed; retrying');
        });
      }
    } finally {
      this.publishing = false;
    }
    if (again) this.later(RETRY_MS);
  }
}
