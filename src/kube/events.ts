import { randomBytes } from 'node:crypto';
import { Limiter } from '../util/limiter.js';
import type { KubeClient } from './client.js';
import type { KubeObject } from './types.js';

/**
 * Events are written a few at a time per API server, as client-go's broadcaster writes them from
 * one goroutine: a burst (a Scheduled Event per pod of a 100-pod wave) then waits
 * behind the bindings and status writes it describes instead of competing with them. Past the
 * backlog an Event is dropped (Events are best effort; the object's status holds the truth).
 */
const EVENT_WRITES_IN_FLIGHT = 4;
const EVENT_BACKLOG = 1000;
const writers = new WeakMap<KubeClient, Limiter>();

function writerOf(client: KubeClient): Limiter {
  let w = writers.get(client);
  if (!w) writers.set(client, (w = new Limiter(EVENT_WRITES_IN_FLIGHT)));
  return w;
}

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
  const writer = writerOf(hub);
  if (writer.queued >= EVENT_BACKLOG) return new Error(`Event ${reasonText(e.reason)} about ${namespace}/${about.metadata?.name ?? ''} dropped: ${EVENT_BACKLOG} Events already wait to be written`);
  try {
    await writer.run(() => hub.create({
      apiVersion: 'v1', kind: 'Event',
      metadata: { name, namespace, labels: { [EVENT_SOURCE_LABEL]: e.reason.replace(/[^A-Za-z0-9._-]/g, '').slice(0, 63) || 'event' } },
      involvedObject: { apiVersion: about.apiVersion, kind: about.kind, name: about.metadata?.name, namespace: about.metadata?.namespace, uid: about.metadata?.uid },
      type: e.type, reason: e.reason, message: e.message.slice(0, 1024),
      source: { component: e.component }, reportingComponent: `meridian.dev/${e.component}`, reportingInstance: e.component,
      firstTimestamp: time, lastTimestamp: time, count: 1,
    }, { priority: 'low' }));
    return undefined;
  } catch (err) {
    return err as Error;
  }
}

function reasonText(reason: string): string {
  return reason.replace(/[^A-Za-z0-9._-]/g, '').slice(0, 63);
}

/** Fire-and-forget form of recordEvent for one-line calls on a controller's path. */
export function emitEvent(hub: KubeClient, about: KubeObject, e: EventInput): void {
  void recordEvent(hub, about, e);
}

/** A member's Ready condition flipped: MemberLost or MemberBack (nothing on the first status). */
export function memberReadyEvent(before: Array<{ type: string; status: string }> | undefined, after: Array<{ type: string; status: string; reason?: string; message?: string }> | undefined): EventInput | undefined {
  const was = before?.find((c) => c.type === 'Ready')?.status;
  const now = after?.find((c) => c.type === 'Ready');
  if (!was || !now || (was === 'True') === (now.status === 'True')) return undefined;
  return now.status === 'True'
    ? { type: 'Normal', reason: 'MemberBack', message: `member is Ready again: ${now.message ?? ''}`, component: 'clusters' }
    : { type: 'Warning', reason: 'MemberLost', message: `member is not Ready (${now.reason ?? 'Unknown'}): ${now.message ?? ''}`, component: 'clusters' };
}

interface AnswerStatus {
  backends?: Array<{ cluster: string; region: string; address: string; health: string }>;
  answers?: Array<{ hostname: string; addresses: string[] }>;
}

/**
 * A GlobalService's answers moved: Failover when a backend it answered before is now Unhealthy,
 * FailBack when answers return with every previous backend still healthy. Nothing on the first status.
 */
export function answersMovedEvent(before: AnswerStatus | undefined, after: AnswerStatus): EventInput | undefined {
  if (!before?.answers?.length) return undefined;
  const key = (s: AnswerStatus) => JSON.stringify((s.answers ?? []).map((a) => [a.hostname, [...a.addresses].sort()]));
  if (key(before) === key(after)) return undefined;
  const regionOf = (a: string) => after.backends?.find((b) => b.address === a)?.region ?? before.backends?.find((b) => b.address === a)?.region ?? a;
  const from = [...new Set((before.answers ?? []).flatMap((a) => a.addresses).map(regionOf))].sort().join(',') || 'nothing';
  const to = [...new Set((after.answers ?? []).flatMap((a) => a.addresses).map(regionOf))].sort().join(',') || 'nothing';
  if (from === to) return undefined; // same regions, other addresses: not a move between regions
  const lost = (before.answers ?? []).flatMap((a) => a.addresses).some((a) => after.backends?.find((b) => b.address === a)?.health === 'Unhealthy');
  return lost
    ? { type: 'Warning', reason: 'Failover', message: `answers moved from ${from} to ${to}`, component: 'traffic' }
    : { type: 'Normal', reason: 'FailBack', message: `answers moved from ${from} to ${to}`, component: 'traffic' };
}

/** Rollout events (halts and rollbacks) that `after` records and `before` did not. */
export function newRolloutEvents(before: { events?: Array<{ time: string; type: string; message: string }> } | undefined, after: { events?: Array<{ time: string; type: string; revision: string; message: string }> } | undefined): EventInput[] {
  const seen = new Set((before?.events ?? []).map((e) => `${e.time}|${e.type}`));
  return (after?.events ?? []).filter((e) => !seen.has(`${e.time}|${e.type}`)).map((e) => ({
    type: e.type === 'Halted' || e.type === 'RolledBack' ? 'Warning' as const : 'Normal' as const, reason: e.type === 'Halted' ? 'RolloutHalted' : e.type, message: `revision ${e.revision.slice(0, 8)}: ${e.message}`, component: 'gitops',
  }));
}
