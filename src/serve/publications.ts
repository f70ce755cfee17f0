import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { KubeClient } from '../kube/client.js';
import { Informer } from '../kube/informer.js';
import { stripManagedFields } from '../kube/informer-set.js';
import type { KubeObject } from '../kube/types.js';
import type { Logger } from '../util/log.js';

interface PublicationObject extends KubeObject {
  data?: Record<string, string>;
}

/** What a controller publishes about the members it holds, and reads of the others. */
export interface MemberPublications {
  /** True once the hub's publications have been listed. */
  hasSynced(): boolean;
  /** A member's latest `part`, parsed; undefined when none was published (or it does not parse). */
  read<T>(member: string, part: string): T | undefined;
  /** Writes a member's `part` when it differs from what the hub holds; call only while holding the member. */
  publish(member: string, part: string, value: unknown): Promise<boolean>;
  on(event: 'change', listener: (member: string) => void): unknown;
  off(event: 'change', listener: (member: string) => void): unknown;
}

/** Options of the hub store: where the ConfigMaps live and whose replicas share them. */
export interface PublicationOptions {
  namespace: string;
  /** The shard group (`serve --shard-group`): replicas of another group neither read nor overwrite these. */
  group: string;
  /** Runs a hub write with it fenced by the member's shard (ShardCoordinator.within). */
  within: <T>(member: string, fn: () => T) => T;
}

export const PUBLISHED_GROUP_LABEL = 'meridian.dev/shard-group';
export const PUBLISHED_ROLE_LABEL = 'meridian.dev/published';
export const PUBLISHED_MEMBER_ANNOTATION = 'meridian.dev/published-member';
/** A ConfigMap holds at most 1 MiB; a part over this is refused with an error naming the member. */
export const MAX_PART_BYTES = 900 * 1024;
const PART_NAME = /^[a-z][a-z0-9-]{0,30}$/;

/**
 * Per-member state published on the hub by the replica that holds the member (`serve --shards`),
 * so that the other replicas answer for the whole fleet without watching members they do not hold.
 * One ConfigMap per member in the shard namespace, one data key per part (`<part>.json`), each part
 * written by server-side apply with a field manager of its own, so two controllers publishing
 * different parts of one member never overwrite each other. The ConfigMap's name is a hash of the
 * member's name (a Cluster name may be longer than a ConfigMap name allows); the member is in an
 * annotation. Writes run inside the member's shard (`within`), so a replica that lost the member
 * cannot publish for it: the hub client's fence refuses the write.
 */
export class HubPublications extends EventEmitter implements MemberPublications {
  private readonly informer: Informer<PublicationObject>;
  private readonly parsed = new Map<string, { version: string; value: unknown }>();
  private readonly warned = new Set<string>();
  /** What this replica last wrote per member and part, and the version the hub held before: the cache may not show our write yet. */
  private readonly written = new Map<string, { text: string; before: string }>();

  constructor(private readonly hub: KubeClient, private readonly options: PublicationOptions, private readonly log: Logger) {
    super();
    this.informer = new Informer<PublicationObject>(hub, {
      apiVersion: 'v1', kind: 'ConfigMap', namespace: options.namespace,
      labelSelector: `${PUBLISHED_GROUP_LABEL}=${options.group},${PUBLISHED_ROLE_LABEL}=true`, transform: stripManagedFields,
    });
    const changed = (obj: PublicationObject) => {
      const member = obj.metadata?.annotations?.[PUBLISHED_MEMBER_ANNOTATION];
      if (member) this.emit('change', member);
    };
    this.informer.on('add', changed).on('update', changed).on('delete', changed);
  }

  start(): this {
    this.informer.start();
    return this;
  }

  stop(): void {
    this.informer.stop();
  }

  hasSynced(): boolean {
    return this.informer.hasSynced();
  }

  /** The ConfigMap name of a member's publications. */
  nameOf(member: string): string {
    return `${this.options.group}-published-${createHash('sha256').update(member).digest('hex').slice(0, 20)}`;
  }

  read<T>(member: string, part: string): T | undefined {
    const obj = this.informer.get(`${this.options.namespace}/${this.nameOf(member)}`);
    if (!obj || obj.metadata?.annotations?.[PUBLISHED_MEMBER_ANNOTATION] !== member) return undefined;
    const text = obj.data?.[`${part}.json`];
    if (text === undefined) return undefined;
    const key = `${member}\0${part}`;
    const version = obj.metadata?.resourceVersion ?? '';
    const cached = this.parsed.get(key);
    if (cached?.version === version) return cached.value as T;
    try {
      const value = JSON.parse(text) as unknown;
      this.parsed.set(key, { version, value });
      this.warned.delete(key);
      return value as T;
    } catch (err) {
      if (!this.warned.has(key)) this.log.warn({ cluster: member, configMap: `${this.options.namespace}/${this.nameOf(member)}`, field: `data.${part}.json`, err: (err as Error).message }, 'published member state does not parse; the member counts as unpublished');
      this.warned.add(key);
      return undefined;
    }
  }

  async publish(member: string, part: string, value: unknown): Promise<boolean> {
    if (!PART_NAME.test(part)) throw new Error(`publication part "${part}": expected a lowercase name`);
    const text = JSON.stringify(value);
    const name = this.nameOf(member);
    const current = this.informer.get(`${this.options.namespace}/${name}`);
    if (current?.data?.[`${part}.json`] === text && current.metadata?.annotations?.[PUBLISHED_MEMBER_ANNOTATION] === member) return false;
    const key = `${member}\0${part}`;
    const mine = this.written.get(key);
    if (mine?.text === text && mine.before === (current?.metadata?.resourceVersion ?? '')) return false;
    if (Buffer.byteLength(text) > MAX_PART_BYTES) throw new Error(`ConfigMap ${this.options.namespace}/${name} (member ${member}): data.${part}.json would be ${Buffer.byteLength(text)} bytes, over the ${MAX_PART_BYTES} a ConfigMap can hold`);
    await this.options.within(member, () => this.hub.apply<PublicationObject>({
      apiVersion: 'v1', kind: 'ConfigMap',
      metadata: { name, namespace: this.options.namespace, labels: { [PUBLISHED_GROUP_LABEL]: this.options.group, [PUBLISHED_ROLE_LABEL]: 'true' }, annotations: { [PUBLISHED_MEMBER_ANNOTATION]: member } },
      data: { [`${part}.json`]: text },
    }, { fieldManager: `meridian-publish-${part}` }));
    this.written.set(key, { text, before: current?.metadata?.resourceVersion ?? '' });
    return true;
  }
}
