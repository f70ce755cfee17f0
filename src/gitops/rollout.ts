import type { AppRolloutStatus, RolloutStatus, RolloutStep } from '../api/applicationset.js';
import { matchesRequirement } from './selector.js';

/** What the rollout planner knows about one Application. */
export interface RolloutApp {
  name: string;
  labels: Record<string, string>;
  /** The revision the Application is pinned to now (undefined: not created yet). */
  pin?: string;
  /** The commit the template's source resolves to now. */
  target: string;
  /** Revision the Application last synced, and its sync and health state. */
  syncedRevision?: string;
  synced: boolean;
  health?: string;
  /** The newest revision this Application was Synced and Healthy at. */
  lastHealthy?: string;
}

/** Inputs of one rollout decision. */
export interface RolloutInput {
  apps: RolloutApp[];
  steps: RolloutStep[];
  previous?: RolloutStatus;
  paused: boolean;
  autoRollback: boolean;
  now?: Date;
}

/** The decision: the revision to pin each Application to, and the status to record. */
export interface RolloutPlan {
  pins: Record<string, string>;
  status: RolloutStatus;
  applications: AppRolloutStatus[];
}

/** The step an Application belongs to: the first whose matchExpressions its labels satisfy; unmatched go last. */
export function stepOf(labels: Record<string, string>, steps: RolloutStep[]): number {
  const i = steps.findIndex((s) => (s.matchExpressions ?? []).every((r) => matchesRequirement(labels, r)));
  return i < 0 ? steps.length : i;
}

/** How many Applications of a step may update at once: an integer, a percentage (floored, at least 1), default all. */
export function maxUpdateOf(step: RolloutStep | undefined, size: number): number {
  const m = step?.maxUpdate;
  if (m === undefined) return size;
  if (typeof m === 'number') return m <= 0 ? size : m;
  const pct = /^(\d+)%$/.exec(m);
  if (!pct) throw new Error(`strategy.rollingSync.steps: maxUpdate "${m}" is neither an integer nor a percentage`);
  return Math.max(1, Math.floor((size * Number(pct[1])) / 100));
}

const done = (a: RolloutApp, rev: string) => a.pin === rev && a.syncedRevision === rev && a.synced && a.health === 'Healthy';
const degraded = (a: RolloutApp) => a.pin === a.target && a.syncedRevision === a.target && a.health === 'Degraded';

/** The rollout state while one decision is being made. */
interface Decision {
  input: RolloutInput;
  pins: Record<string, string>;
  status: RolloutStatus;
  apps: RolloutApp[];
  stepCount: number;
  record(type: string, message: string): void;
}

function rollBack(d: Decision): void {
  for (const a of d.apps) if (a.pin === a.target && a.lastHealthy && a.lastHealthy !== a.target) d.pins[a.name] = a.lastHealthy;
}

function halt(d: Decision, step: number, bad: RolloutApp[]): void {
  const names = bad.map((a) => a.name).join(', ');
  if (d.input.autoRollback) {
    rollBack(d);
    d.status.phase = 'RolledBack';
    d.record('RolledBack', `halted at step ${step + 1}: ${names} Degraded; updated applications returned to their last healthy revision`);
  } else {
    d.status.phase = 'Halted';
    d.record('Halted', `halted at step ${step + 1}: ${names} Degraded`);
  }
}

/** Works on the first unfinished step; false when every step is done. */
function advance(d: Decision): boolean {
  for (let step = 0; step < d.stepCount; step++) {
    const members = d.apps.filter((a) => stepOf(a.labels, d.input.steps) === step);
    d.status.currentStep = step;
    const bad = d.apps.filter(degraded);
    if (bad.length) { halt(d, step, bad); return true; }
    if (members.every((a) => done(a, a.target))) continue;
    if (d.input.paused) { d.status.phase = 'Paused'; d.status.message = `paused at step ${step + 1}`; return true; }
    const inFlight = members.filter((a) => a.pin === a.target && !done(a, a.target)).length;
    let budget = maxUpdateOf(d.input.steps[step], members.length) - inFlight;
    for (const a of members) if (a.pin !== a.target && budget-- > 0) d.pins[a.name] = a.target;
    d.status.message = `step ${step + 1} of ${d.stepCount}: ${members.filter((a) => done(a, a.target)).length}/${members.length} synced and healthy`;
    return true;
  }
  return false;
}

/**
 * Decides a RollingSync step by step: a step starts only when every Application of the steps before
 * it is Synced and Healthy at the target; an Application that turns Degraded halts the rollout and,
 * with autoRollback, returns the updated Applications to their last healthy revision. A paused
 * rollout updates nothing more. A new target starts a new rollout.
 */
export function planRollout(input: RolloutInput): RolloutPlan {
  const now = (input.now ?? new Date()).toISOString();
  const target = [...new Set(input.apps.map((a) => a.target))].sort().join(',');
  const previous = input.previous;
  const prev = previous?.targetRevision === target ? previous : undefined;
  const stable = prev?.stableRevision ?? (previous?.phase === 'Completed' ? previous.targetRevision : previous?.stableRevision);
  const events = [...(previous?.events ?? [])];
  const pins: Record<string, string> = {};
  // First deployment: there is no healthy revision to protect, so every Application starts at the target.
  for (const a of input.apps) pins[a.name] = a.pin ?? (stable && a.lastHealthy ? a.lastHealthy : a.target);
  const status: RolloutStatus = { phase: 'Progressing', targetRevision: target, stableRevision: stable, currentStep: 0, events };
  const d: Decision = {
    input, pins, status, apps: input.apps.map((a) => ({ ...a, pin: pins[a.name] })), stepCount: input.steps.length + 1,
    record: (type, message) => { events.push({ time: now, type, revision: target, message }); status.message = message; },
  };
  if (prev && (prev.phase === 'Halted' || prev.phase === 'RolledBack')) {
    Object.assign(status, { phase: prev.phase, currentStep: prev.currentStep, message: prev.message });
    if (prev.phase === 'RolledBack') rollBack(d);
  } else if (!advance(d)) {
    Object.assign(status, { phase: 'Completed', stableRevision: target, currentStep: d.stepCount });
    if (previous?.phase !== 'Completed' || previous.targetRevision !== target) d.record('Completed', `every application synced and healthy at ${target.slice(0, 12)}`);
  }
  return finish(input, pins, status);
}

function finish(input: RolloutInput, pins: Record<string, string>, status: RolloutStatus): RolloutPlan {
  status.events = (status.events ?? []).slice(-20);
  const applications = input.apps.map((a) => ({
    application: a.name, step: stepOf(a.labels, input.steps) + 1, revision: pins[a.name],
    status: done({ ...a, pin: pins[a.name] }, pins[a.name]) ? 'Healthy' : a.health === 'Degraded' ? 'Degraded' : pins[a.name] === a.target ? 'Progressing' : 'Waiting',
  }));
  return { pins, status, applications };
}
