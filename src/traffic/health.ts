/** Health of one backend as the thresholds decide it. */
export type Health = 'Healthy' | 'Unhealthy' | 'Unknown';

/** What the health tracker remembers about one backend. */
export interface HealthState {
  health: Health;
  reason: string;
  message: string;
  lastTransitionTime: string;
  lastProbeTime?: string;
  /** Consecutive results that disagree with `health` (or agree, for Unknown). */
  streak: number;
  streakOk: boolean;
}

/** Consecutive results needed to change state. */
export interface Thresholds {
  failureThreshold: number;
  successThreshold: number;
}

/** The state of a backend never probed: Unknown, which answers count as healthy (as Route53 does). */
export function initialHealth(now = new Date()): HealthState {
  return { health: 'Unknown', reason: 'NotProbed', message: 'not probed yet', lastTransitionTime: now.toISOString(), streak: 0, streakOk: true };
}

/**
 * Folds one probe result into a backend's state: `failureThreshold` failures in a row turn it
 * Unhealthy, `successThreshold` successes in a row turn it Healthy; lastTransitionTime moves only
 * when the health does. Unknown turns Healthy on the first success.
 */
export function nextHealth(state: HealthState, result: { ok: boolean; reason: string; message: string }, t: Thresholds, now = new Date()): HealthState {
  const streak = state.streakOk === result.ok ? state.streak + 1 : 1;
  const base = { ...state, streak, streakOk: result.ok, lastProbeTime: now.toISOString(), message: result.message, reason: result.reason };
  let health: Health = state.health;
  if (result.ok && state.health !== 'Healthy' && (state.health === 'Unknown' || streak >= t.successThreshold)) health = 'Healthy';
  if (!result.ok && state.health !== 'Unhealthy' && streak >= t.failureThreshold) health = 'Unhealthy';
  if (health === state.health) return base;
  return { ...base, health, lastTransitionTime: now.toISOString() };
}

/** True when answers may include the backend: Healthy, or Unknown (not probed yet). */
export function isServing(state: HealthState): boolean {
  return state.health !== 'Unhealthy';
}
