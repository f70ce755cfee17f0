import type { KubeClient } from '../kube/client.js';
import { recordEvent as writeEvent } from '../kube/events.js';
import type { KubeObject } from '../kube/types.js';

/** Records a core/v1 Event about an object in its cluster (best effort: an Event that cannot be written is dropped). */
export async function recordEvent(client: KubeClient, obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
  await writeEvent(client, { ...obj, apiVersion: obj.apiVersion ?? 'v1' }, { type, reason, message, component: 'meridian-scheduling' });
}
