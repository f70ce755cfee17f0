import { Informer } from './informer.js';
import type { KubeClient } from './client.js';
import type { KubeObject } from './types.js';
import { trimPod } from './pod-transform.js';

/** Shared informers of one server, one per kind and namespace, each started on first use. */
export class InformerSet {
  private readonly informers = new Map<string, Informer>();

  constructor(private readonly client: KubeClient) {}

  /** The informer of a kind (in a namespace, or all); started the first time it is asked for. */
  get<T extends KubeObject = KubeObject>(apiVersion: string, kind: string, namespace?: string): Informer<T> {
    const key = `${apiVersion}/${kind}/${namespace ?? ''}`;
    let inf = this.informers.get(key);
    if (!inf) {
      inf = new Informer(this.client, { apiVersion, kind, namespace, transform: apiVersion === 'v1' && kind === 'Pod' ? trimPod : stripManagedFields }).start();
      this.informers.set(key, inf);
    }
    return inf as unknown as Informer<T>;
  }

  /** Stops every informer. */
  stop(): void {
    for (const inf of this.informers.values()) inf.stop();
    this.informers.clear();
  }
}

/**
 * Drops `metadata.managedFields`, which nothing in Meridian reads from a cache and which is a large
 * share of every small object (a member's Pods above all), so caches of whole kinds stay small.
 */
export function stripManagedFields(obj: KubeObject): KubeObject {
  if (!obj.metadata?.managedFields) return obj;
  const { managedFields: _dropped, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}
