/**
 * A bound on the requests one controller sends to one member at a time: many Applications syncing
 * at once (every one of a commit) share the member's pool, so raising the number of Applications
 * synced in parallel never floods a member's API server. Requests beyond the bound wait in order.
 */
export class RequestPool {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`request pool size must be a whole number >= 1, got ${size}`);
  }

  /** Requests running now (for tests and metrics). */
  get running(): number {
    return this.active;
  }

  /** Runs fn when a slot is free; the slot is released however fn ends. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next(); // the slot passes on: active stays the same
      else this.active--;
    }
  }
}

/** Runs a request through a pool when there is one. */
export function pooled<T>(pool: RequestPool | undefined, fn: () => Promise<T>): Promise<T> {
  return pool ? pool.run(fn) : fn();
}
