/**
 * At most `concurrency` tasks at once, the rest wait in order. Used for the proxy scheduler's
 * bindings: sent in parallel (one API round trip per pod, serially, was the whole burst latency)
 * but not all at once into an API server that is already busy.
 */
export class Limiter {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly concurrency: number) {
    if (!(Number.isInteger(concurrency) && concurrency >= 1)) throw new Error(`limiter: concurrency must be a positive integer, got ${concurrency}`);
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
      // The slot passes straight to the next waiter, so `running` never drops below the real count.
      if (next) next();
      else this.running--;
    }
  }
}
