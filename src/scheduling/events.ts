import type { KubeClient } from '../kube/client.js';
import type { KubeObject } from '../kube/types.js';

/** Records a core/v1 Event about an object (best effort: an Event that cannot be written is dropped). */
export async function recordEvent(client: KubeClient, obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
  const ns = obj.metadata?.namespace ?? 'default';
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  await client.create({
    apiVersion: 'v1', kind: 'Event',
    metadata: { generateName: `${obj.metadata?.name ?? 'object'}.`, namespace: ns },
    involvedObject: { apiVersion: obj.apiVersion ?? 'v1', kind: obj.kind ?? 'Pod', name: obj.metadata?.name, namespace: obj.metadata?.namespace, uid: obj.metadata?.uid },
    reason, message: message.slice(0, 1000), type,
    source: { component: 'meridian-scheduling' },
    firstTimestamp: now, lastTimestamp: now, count: 1,
  }).catch(() => undefined);
}
