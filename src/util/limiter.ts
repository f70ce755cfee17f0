/**
 * At most `concurrency` tasks at once; the rest wait in order and a slot passes straight to the
 * next waiter, however the task before it ended. Used where one component sends many requests to one
 * API server: a member's pool shared by every Application syncing there (raising how many sync in
 * parallel never floods it), and the proxy scheduler's bindings (sent in parallel, not all at once).
 */
export class Limiter {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly concurrency: number) {
    if (!(Number.isInteger(concurrency) && concurrency >= 1)) throw new Error(`limiter: concurrency must be a whole number >= 1, got ${concurrency}`);
  }

  /** Tasks running now. */
  get active(): number {
    return this.running;
  }

  /** Tasks waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Runs the task when a slot is free; resolves or rejects with it. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // The slot passes to the next waiter: `running` never drops below the real count.
      if (next) next();
      else this.running--;
    }
  }
}

/** Runs a task through a limiter when there is one. */
export function limited<T>(limiter: Limiter | undefined, task: () => Promise<T>): Promise<T> {
  return limiter ? limiter.run(task) : task();
}
