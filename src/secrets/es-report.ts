import type { KubeClient } from '../kube/client.js';
import { findCondition } from '../kube/conditions.js';
import { recordEvent } from '../kube/events.js';
import type { KubeObject } from '../kube/types.js';
import { esStatus, type ExternalSecretStatus } from './es-status.js';

/** What one pass over an ExternalSecret came to. */
export interface EsOutcome {
  ok: boolean;
  /** The Ready condition's reason, as ESO writes it. */
  reason: 'SecretSynced' | 'SecretSyncedError' | 'SecretDeleted';
  /** The Event's reason when it differs from the condition's (InvalidSpec for a terminal error). */
  eventReason?: string;
  message: string;
  /** The target Secret's name. */
  target: string;
  /** The target's data changed in this pass (an Event says so). */
  changed?: boolean;
}

/** Writes the Events of the `secrets` controller (source.component). */
export const EVENT_COMPONENT = 'secrets';

/**
 * Removes every value (and its base64) from a message: API errors may echo what was sent, and a
 * message goes to a status, an Event and a log. Short values are left alone only when shorter than
 * four characters, where masking would mangle ordinary words.
 */
export function withoutValues(message: string, values: Iterable<string>): string {
  let out = message;
  for (const v of values) {
    if (v.length < 4) continue;
    for (const form of [v, Buffer.from(v).toString('base64')]) out = out.split(form).join('[redacted]');
  }
  return out;
}

/**
 * Records one pass: ESO's status on the ExternalSecret, and an Event beside it in the member:
 * Normal `Updated` when the target's data changed, Warning (the reason of the failure) when the
 * Ready condition turns False or its message changes, so a periodic refresh of the same failure
 * writes one Event, not one per refresh. Events carry names and reasons, never values.
 */
export async function reportOutcome(client: KubeClient, es: KubeObject & { status?: ExternalSecretStatus }, outcome: EsOutcome): Promise<void> {
  const previous = findCondition(es.status?.conditions, 'Ready');
  const status = esStatus(es, outcome);
  await client.mergePatch(es.apiVersion ?? '', 'ExternalSecret', es.metadata?.name ?? '', es.metadata?.namespace, { status }, 'status');
  const where = `${es.metadata?.namespace}/${outcome.target}`;
  if (outcome.ok && outcome.changed) {
    await recordEvent(client, es, { type: 'Normal', reason: 'Updated', message: `target Secret ${where} written from the store`, component: EVENT_COMPONENT });
  } else if (!outcome.ok && (previous?.status !== 'False' || previous.message !== outcome.message || previous.reason !== outcome.reason)) {
    await recordEvent(client, es, { type: 'Warning', reason: outcome.eventReason ?? outcome.reason, message: outcome.message, component: EVENT_COMPONENT });
  }
}
