import type { KubeClient } from '../../kube/client.js';
import { Informer, objectKey } from '../../kube/informer.js';
import { stripManagedFields } from '../../kube/informer-set.js';
import type { KubeObject } from '../../kube/types.js';
import { TRACKING_LABEL } from './prepare.js';

/** Where a sync reads live objects from before it falls back to a GET. */
export interface LiveReader {
  /** The member's object as last seen, or undefined when the cache cannot say (then the caller reads it). */
  cached(o: KubeObject): KubeObject | undefined;
  /** Records an object this process just wrote (an apply's answer): older cached copies are not used. */
  wrote(live: KubeObject): void;
}

/** Builds the informer of one kind (a seam for tests). */
export type InformerFactory = (apiVersion: string, kind: string) => Pick<Informer, 'get' | 'hasSynced' | 'stop'>;

/**
 * A member's tracked objects (those with the tracking label), one watch per kind, started the first
 * time a sync reads that kind. A sync reads an unchanged object from here instead of sending a GET,
 * so a resync or a settling re-check costs the member nothing when nothing changed.
 *
 * Only a hit is trusted. An object the cache does not hold may still exist without the label (a
 * resource Meridian is about to adopt) and is read with a GET, as is every object of a kind whose
 * watch has not listed yet. A cached copy older than this process's own last write of it (the watch
 * event has not arrived) is not used either: it would look like drift and be applied again.
 */
export class LiveCache implements LiveReader {
  private readonly informers = new Map<string, ReturnType<InformerFactory>>();
  /** resourceVersion of this process's last write per object, until the cache has caught up with it. */
  private readonly written = new Map<string, string>();
  private stopped = false;

  constructor(private readonly factory: InformerFactory) {}

  /** A cache over a member client: label-selected list+watch per kind, managedFields dropped. */
  static forMember(client: KubeClient): LiveCache {
    return new LiveCache((apiVersion, kind) => new Informer(client, { apiVersion, kind, labelSelector: TRACKING_LABEL, transform: stripManagedFields }).start());
  }

  /** A cache that holds nothing and never watches: every read goes to the member. */
  static off(): LiveCache {
    const cache = new LiveCache(() => {
      throw new Error('a cache that is off starts no watch');
    });
    cache.stop();
    return cache;
  }

  cached(o: KubeObject): KubeObject | undefined {
    if (this.stopped || !o.apiVersion || !o.kind) return undefined;
    const informer = this.informer(o.apiVersion, o.kind);
    if (!informer.hasSynced()) return undefined;
    const key = objectKey(o);
    const id = `${o.apiVersion}/${o.kind}/${key}`;
    const hit = informer.get(key);
    if (!hit) return undefined;
    const mine = this.written.get(id);
    if (mine !== undefined) {
      if (!isAtLeast(hit.metadata?.resourceVersion, mine)) return undefined;
      this.written.delete(id);
    }
    return hit;
  }

  wrote(live: KubeObject): void {
    const rv = live.metadata?.resourceVersion;
    if (this.stopped || !rv || !live.apiVersion || !live.kind) return;
    this.written.set(`${live.apiVersion}/${live.kind}/${objectKey(live)}`, rv);
  }

  /** Ends every watch; reads fall back to GETs from then on. */
  stop(): void {
    this.stopped = true;
    for (const i of this.informers.values()) i.stop();
    this.informers.clear();
    this.written.clear();
  }

  private informer(apiVersion: string, kind: string): ReturnType<InformerFactory> {
    const k = `${apiVersion}/${kind}`;
    let i = this.informers.get(k);
    if (!i) {
      i = this.factory(apiVersion, kind);
      this.informers.set(k, i);
    }
    return i;
  }
}

/**
 * True when resourceVersion `have` is at least `wrote`. They are etcd revisions on the API servers
 * Meridian talks to; an opaque one is never taken as newer (the object is read instead).
 */
function isAtLeast(have: string | undefined, wrote: string): boolean {
  if (have === wrote) return true;
  const a = Number(have);
  const b = Number(wrote);
  return Number.isSafeInteger(a) && Number.isSafeInteger(b) && a >= b;
}
