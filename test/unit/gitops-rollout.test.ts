import { describe, expect, it } from 'vitest';
import { maxUpdateOf, planRollout, type RolloutApp } from '../../src/gitops/rollout.js';
import type { RolloutStatus } from '../../src/api/applicationset.js';

const steps = [
  { matchExpressions: [{ key: 'region', operator: 'In' as const, values: ['us-east'] }] },
  { matchExpressions: [{ key: 'region', operator: 'In' as const, values: ['eu-west', 'ap-south'] }], maxUpdate: 1 },
];
const app = (region: string, over: Partial<RolloutApp> = {}): RolloutApp => ({
  name: `web-${region}`, labels: { region }, pin: 'old', target: 'new', syncedRevision: 'old', synced: true, health: 'Healthy', lastHealthy: 'old', ...over,
});
const completedOld: RolloutStatus = { phase: 'Completed', targetRevision: 'old', stableRevision: 'old', currentStep: 3 };
const fleet = (over: Record<string, Partial<RolloutApp>> = {}) => ['us-east', 'eu-west', 'ap-south'].map((r) => app(r, over[r]));

describe('planRollout', () => {
  it('first deployment: every application starts at the target', () => {
    const plan = planRollout({ apps: fleet({ 'us-east': { pin: undefined }, 'eu-west': { pin: undefined }, 'ap-south': { pin: undefined } }), steps, paused: false, autoRollback: false });
    expect(Object.values(plan.pins)).toEqual(['new', 'new', 'new']);
  });

  it('a new commit updates step 1 only', () => {
    const plan = planRollout({ apps: fleet(), steps, previous: completedOld, paused: false, autoRollback: false });
    expect(plan.pins).toEqual({ 'web-us-east': 'new', 'web-eu-west': 'old', 'web-ap-south': 'old' });
    expect(plan.status).toMatchObject({ phase: 'Progressing', currentStep: 0, stableRevision: 'old' });
  });

  it('step 2 starts when step 1 is synced and healthy, one at a time (maxUpdate 1)', () => {
    const apps = fleet({ 'us-east': { pin: 'new', syncedRevision: 'new' } });
    const plan = planRollout({ apps, steps, previous: { ...completedOld, phase: 'Progressing', targetRevision: 'new' }, paused: false, autoRollback: false });
    expect(plan.pins).toEqual({ 'web-us-east': 'new', 'web-eu-west': 'new', 'web-ap-south': 'old' });
  });

  it('waits while step 1 is progressing', () => {
    const apps = fleet({ 'us-east': { pin: 'new', syncedRevision: 'new', health: 'Progressing' } });
    expect(planRollout({ apps, steps, previous: completedOld, paused: false, autoRollback: false }).pins['web-eu-west']).toBe('old');
  });

  it('pause stops further steps', () => {
    const apps = fleet({ 'us-east': { pin: 'new', syncedRevision: 'new' } });
    const plan = planRollout({ apps, steps, previous: completedOld, paused: true, autoRollback: false });
    expect(plan.status.phase).toBe('Paused');
    expect(plan.pins['web-eu-west']).toBe('old');
  });

  it('a Degraded application halts the rollout', () => {
    const apps = fleet({ 'us-east': { pin: 'new', syncedRevision: 'new', health: 'Degraded' } });
    const plan = planRollout({ apps, steps, previous: completedOld, paused: false, autoRollback: false });
    expect(plan.status.phase).toBe('Halted');
    expect(plan.pins).toEqual({ 'web-us-east': 'new', 'web-eu-west': 'old', 'web-ap-south': 'old' });
    expect(plan.status.events?.at(-1)).toMatchObject({ type: 'Halted', revision: 'new' });
  });

  it('autoRollback returns updated applications to their last healthy revision, and stays rolled back', () => {
    const apps = fleet({ 'us-east': { pin: 'new', syncedRevision: 'new', health: 'Degraded' } });
    const plan = planRollout({ apps, steps, previous: completedOld, paused: false, autoRollback: true });
    expect(plan.status.phase).toBe('RolledBack');
    expect(plan.pins['web-us-east']).toBe('old');
    const again = planRollout({ apps: fleet({ 'us-east': { pin: 'old', syncedRevision: 'old' } }), steps, previous: plan.status, paused: false, autoRollback: true });
    expect(again.status.phase).toBe('RolledBack');
    expect(Object.values(again.pins)).toEqual(['old', 'old', 'old']);
  });

  it('completes and records the new stable revision', () => {
    const apps = fleet(Object.fromEntries(['us-east', 'eu-west', 'ap-south'].map((r) => [r, { pin: 'new', syncedRevision: 'new', lastHealthy: 'new' }])));
    const plan = planRollout({ apps, steps, previous: { ...completedOld, phase: 'Progressing', targetRevision: 'new' }, paused: false, autoRollback: false });
    expect(plan.status).toMatchObject({ phase: 'Completed', stableRevision: 'new' });
  });

  it.each([[undefined, 3, 3], [1, 3, 1], ['50%', 3, 1], ['100%', 3, 3], ['10%', 3, 1]] as const)('maxUpdate %s of %i is %i', (m, size, want) => {
    expect(maxUpdateOf(m === undefined ? undefined : { maxUpdate: m }, size)).toBe(want);
  });
});
