import { randomBytes } from 'node:crypto';
import type { KubeClient } from './client.js';
import type { KubeObject } from './types.js';

/** Label on every Event Meridian writes, so the dashboard's timeline watches only its own. */
export const EVENT_SOURCE_LABEL = 'meridian.dev/event';
/** Reasons the timeline knows; any other reason is still written and shown. */
export type MeridianEventReason = 'Failover' | 'FailBack' | 'MemberLost' | 'MemberBack' | 'RolloutHalted' | 'RolledBack' | 'Pruned' | (string & {});

/** One Event to write about an object. */
export interface EventInput {
  type: 'Normal' | 'Warning';
  reason: MeridianEventReason;
  /** Human text; callers must keep credentials and Secret values out of it. */
  message: string;
  /** The controller that writes it (`source.component`, `reportingComponent`). */
  component: string;
}

/**
 * Writes a core/v1 Event about `about` on the hub, so `kubectl get events` shows what the dashboard's
 * timeline shows. Events of cluster-scoped objects go to `default`, as kubectl expects. Never throws:
 * an Event that cannot be written is not worth failing a reconcile for; the error is returned.
 */
export async function recordEvent(hub: KubeClient, about: KubeObject, e: EventInput, now = new Date()): Promise<Error | undefined> {
  const namespace = about.metadata?.namespace || 'default';
  const name = `${about.metadata?.name ?? 'object'}.${now.getTime().toString(16)}${randomBytes(2).toString('hex')}`;
  const time = now.toISOString();
  try {
    await hub.create({
      apiVersion: 'v1', kind: 'Event',
      metadata: { name, namespace, labels: { [EVENT_SOURCE_LABEL]: e.reason.replace(/[^A-Za-z0-9._-]/g, '').slice(0, 63) || 'event' } },
      involvedObject: { apiVersion: about.apiVersion, kind: about.kind, name: about.metadata?.name, namespace: about.metadata?.namespace, uid: about.metadata?.uid },
      type: e.type, reason: e.reason, message: e.message.slice(0, 1024),
      source: { component: e.component }, reportingComponent: `meridian.dev/${e.component}`, reportingInstance: e.component,
      firstTimestamp: time, lastTimestamp: time, count: 1,
    });
    return undefined;
  } catch (err) {
    return err as Error;
  }
}

/** Fire-and-forget form of recordEvent for one-line calls on a controller's path. */
export function emitEvent(hub: KubeClient, about: KubeObject, e: EventInput): void {
  void recordEvent(hub, about, e);
}
