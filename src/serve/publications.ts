import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { gunzipSync, gzipSync } from 'node:zlib';
import { TerminalError } from '../controller/terminal.js';
import { recordEvent } from '../kube/events.js';
import type { KubeClient } from '../kube/client.js';
import { Informer } from '../kube/informer.js';
import { stripManagedFields } from '../kube/informer-set.js';
import type { KubeObject } from '../kube/types.js';
import type { Logger } from '../util/log.js';

interface PublicationObject extends KubeObject {
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
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
  /** The member's Cluster on the hub: the owner of its publications (garbage-collected with it) and what Events are about. */
  clusterOf?: (member: string) => KubeObject | undefined;
}

export const PUBLISHED_GROUP_LABEL = 'meridian.dev/shard-group';
export const PUBLISHED_ROLE_LABEL = 'meridian.dev/published';
export const PUBLISHED_MEMBER_ANNOTATION = 'meridian.dev/published-member';
/** A part up to this size is kept as plain JSON (`data.<part>.json`), readable with kubectl. */
export const INLINE_PART_BYTES = 256 * 1024;
/** A ConfigMap holds at most 1 MiB: a larger part is gzipped (`binaryData.<part>.json.gz`), and refused beyond this. */
export const MAX_PART_BYTES = 900 * 1024;
const PART_NAME = /^[a-z][a-z0-9-]{0,30}$/;

/**
 * Per-member state published on the hub by the replica that holds the member (`serve --shards`),
 * so that the other replicas answer for the whole fleet without watching members they do not hold.
 * One ConfigMap per member in the shard namespace, one data key per part (`<part>.json`), each part
 * written by server-side apply with a field manager of its own, so two controllers publishing
 * different parts of one member never overwrite each other. The ConfigMap's name is a hash of the
 * member's name (a Cluster name may be longer than a ConfigMap name allows); the member is in an
 * annotation, and the member's Cluster owns it (it goes when the Cluster goes). A part over
 * INLINE_PART_BYTES is stored gzipped (endpoints compress about tenfold); one still over
 * MAX_PART_BYTES is a TerminalError and a Warning Event on the Cluster, not a retry loop. Writes run inside the member's shard (`within`), so a replica that lost the member
 * cannot publish for it: the hub client's fence refuses the write.
 */
export class HubPublications extends EventEmitter implements MemberPublications {
  private readonly informer: Informer<PublicationObject>;
  private readonly parsed = new Map<string, { version: string; value: unknown }>();
  private readonly warned = new Set<string>();
  private readonly tooLarge = new Map<string, number>();
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
    const key = `${member}\0${part}`;
    const version = obj.metadata?.resourceVersion ?? '';
    const cached = this.parsed.get(key);
    if (cached?.version === version) return cached.value as T;
    try {
      const text = textOf(obj, part);
      const value = text === undefined ? undefined : JSON.parse(text) as unknown;
      this.parsed.set(key, { version, value });
      this.warned.delete(key);
      return value as T;
    } catch (err) {
      if (!this.warned.has(key)) this.log.warn({ cluster: member, configMap: `${this.options.namespace}/${this.nameOf(member)}`, field: `${part}.json`, err: (err as Error).message }, 'published member state does not parse; the member counts as unpublished');
      this.warned.add(key);
      return undefined;
    }
  }

  async publish(member: string, part: string, value: unknown): Promise<boolean> {
    if (!PART_NAME.test(part)) throw new Error(`publication part "${part}": expected a lowercase name`);
    const text = JSON.stringify(value);
    const name = this.nameOf(member);
    const current = this.informer.get(`${this.options.namespace}/${name}`);
    const before = current?.metadata?.resourceVersion ?? '';
    if (current?.metadata?.annotations?.[PUBLISHED_MEMBER_ANNOTATION] === member && safeTextOf(current, part) === text) return false;
    const key = `${member}\0${part}`;
    const mine = this.written.get(key);
    if (mine?.text === text && mine.before === before) return false;
    const stored = await this.encode(member, part, text);
    const cluster = this.options.clusterOf?.(member);
    const owner = cluster?.metadata?.uid ? [{ apiVersion: cluster.apiVersion ?? '', kind: cluster.kind ?? '', name: cluster.metadata.name ?? '', uid: cluster.metadata.uid }] : undefined;
    await this.options.within(member, () => this.hub.apply<PublicationObject>({
      apiVersion: 'v1', kind: 'ConfigMap',
      metadata: {
        name, namespace: this.options.namespace, labels: { [PUBLISHED_GROUP_LABEL]: this.options.group, [PUBLISHED_ROLE_LABEL]: 'true' },
        annotations: { [PUBLISHED_MEMBER_ANNOTATION]: member }, ...(owner ? { ownerReferences: owner } : {}),
      },
      ...stored,
    }, { fieldManager: `meridian-publish-${part}` }));
    this.written.set(key, { text, before });
    return true;
  }

  /** The part as stored: plain, or gzipped when large; a TerminalError (and one Warning Event) when it cannot fit. */
  private async encode(member: string, part: string, text: string): Promise<Pick<PublicationObject, 'data' | 'binaryData'>> {
    const bytes = Buffer.byteLength(text);
    if (bytes <= INLINE_PART_BYTES) return { data: { [`${part}.json`]: text } };
    const packed = gzipSync(text).toString('base64');
    if (packed.length <= MAX_PART_BYTES) return { binaryData: { [`${part}.json.gz`]: packed } };
    const message = `ConfigMap ${this.options.namespace}/${this.nameOf(member)}: the ${part} state of member ${member} is ${bytes} bytes (${packed.length} gzipped), over the ${MAX_PART_BYTES} a ConfigMap can hold; the other replicas keep its last publication`;
    const key = `${member}\0${part}`;
    if (this.tooLarge.get(key) !== bytes) {
      this.tooLarge.set(key, bytes);
      const cluster = this.options.clusterOf?.(member);
      if (cluster) await recordEvent(this.hub, cluster, { type: 'Warning', reason: 'PublicationTooLarge', message, component: 'meridian-shards' }).catch(() => undefined);
    }
    throw new TerminalError(message);
  }
}

/** A part's JSON text in a publication ConfigMap (plain or gzipped), or undefined when the part is absent. */
function textOf(obj: PublicationObject, part: string): string | undefined {
  const plain = obj.data?.[`${part}.json`];
  if (plain !== undefined) return plain;
  const packed = obj.binaryData?.[`${part}.json.gz`];
  return packed === undefined ? undefined : gunzipSync(Buffer.from(packed, 'base64'), { maxOutputLength: 64 * 2 ** 20 }).toString('utf8');
}

function safeTextOf(obj: PublicationObject, part: string): string | undefined {
  try {
    return textOf(obj, part);
  } catch {
    return undefined;
  }
}
