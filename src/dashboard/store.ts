import type { DashboardState } from './model.js';
import { SECTIONS } from './model.js';

/** A change to send: the sections that differ from what was last sent, whole. */
export type Delta = Partial<DashboardState>;

/**
 * The latest dashboard state, section by section. `update` compares each section's JSON with the
 * previous one and tells subscribers only the sections that changed, so an idle fleet sends nothing.
 */
export class DashboardStore {
  private state: DashboardState | undefined;
  private readonly rendered = new Map<string, string>();
  private readonly listeners = new Set<(delta: Delta) => void>();

  /** The current state, undefined before the first update. */
  current(): DashboardState | undefined {
    return this.state;
  }

  /** Replaces the state; returns (and publishes) the changed sections. */
  update(next: DashboardState): Delta {
    const delta: Record<string, unknown> = {};
    for (const s of SECTIONS) {
      const text = JSON.stringify(next[s]);
      if (this.rendered.get(s) === text) continue;
      this.rendered.set(s, text);
      delta[s] = next[s];
    }
    this.state = next;
    if (Object.keys(delta).length > 0) for (const l of this.listeners) l(delta as Delta);
    return delta as Delta;
  }

  /** Calls `fn` with every delta from now on; returns the unsubscribe function. */
  subscribe(fn: (delta: Delta) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}
