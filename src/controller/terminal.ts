import type { KubeClient } from '../kube/client.js';
import { classifyError, KubeApiError } from '../kube/errors.js';
import { recordEvent } from '../kube/events.js';
import type { Condition, KubeObject } from '../kube/types.js';

/** A failure that retrying cannot fix (bad input, forbidden): recorded in status and an Event, not retried. */
export class TerminalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TerminalError';
  }
}

/**
 * True when an API error will not go away by itself: 400, 401, 403, 422 (classifyError's terminal
 * class), and 404 when it answered a create (the namespace or kind is missing). Everything else
 * (409, 429, 5xx, network) is retried with backoff, except 1.20's 500 for a mistyped apply.
 */
export function isTerminal(err: unknown, creating = false): boolean {
  if (err instanceof TerminalError) return true;
  // Kubernetes 1.20 answers a server-side apply whose fields have the wrong type with a 500 that no retry cures.
  if (err instanceof KubeApiError && err.status === 500 && /failed to create typed patch object/.test(err.message)) return true;
  const cls = classifyError(err);
  return cls === 'terminal' || (creating && cls === 'gone' && err instanceof KubeApiError);
}

/**
 * Writes a Warning Event about `about` when the condition is new or its message changed, so a
 * periodic resync of the same failure does not flood the namespace with Events.
 */
export async function eventOnChange(hub: KubeClient, about: KubeObject, previous: Condition | undefined, next: Pick<Condition, 'status' | 'reason' | 'message'>, component: string): Promise<void> {
  if (previous && previous.status === next.status && previous.reason === next.reason && previous.message === next.message) return;
  await recordEvent(hub, about, { type: 'Warning', reason: next.reason, message: next.message, component });
}
