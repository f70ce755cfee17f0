/** Deadlines of a keyed lock. */
export interface LockDeadlines {
  /** Longest wait for the lock before giving up (the holder is named in the error). */
  waitMs: number;
  /** Longest hold: the holder's signal is aborted and the lock released at this deadline. */
  holdMs: number;
}

/**
 * One holder per key at a time (one git operation per repository), first come first served, with a
 * deadline on waiting and on holding: a holder that never settles is aborted (its signal fires, so
 * its pipeline is killed) and the lock passes on, instead of every later caller waiting forever.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly holders = new Map<string, { what: string; since: number }>();

  /** Number of keys locked or waited for (for tests and metrics). */
  get size(): number {
    return this.tails.size;
  }

  /** What holds the key now, if anything. */
  holder(key: string): { what: string; since: number } | undefined {
    return this.holders.get(key);
  }

  /** Runs fn while holding the key's lock; fn's signal aborts at the hold deadline or when the caller's signal fires. */
  async run<T>(key: string, what: string, deadlines: LockDeadlines, fn: (signal: AbortSignal) => Promise<T>, caller?: AbortSignal): Promise<T> {
    caller?.throwIfAborted();
    const prev = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const tail = prev.then(() => mine);
    this.tails.set(key, tail);
    const done = () => {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
    let waitTimer: NodeJS.Timeout | undefined;
    const onCallerAbort = () => clearTimeout(waitTimer);
    const acquired = await Promise.race([
      prev.then(() => true),
      new Promise<false>((r) => {
        waitTimer = setTimeout(() => r(false), deadlines.waitMs);
        caller?.addEventListener('abort', () => { onCallerAbort(); r(false); }, { once: true });
      }),
    ]);
    clearTimeout(waitTimer);
    if (!acquired && caller?.aborted) {
      void prev.then(done);
      throw new Error(`${what}: gave up waiting for the lock of ${key}: ${(caller.reason as Error | undefined)?.message ?? 'aborted'}`);
    }
    if (!acquired) {
      // Keep our place in the chain consistent: hand the lock on as soon as it reaches us.
      void prev.then(done);
      const h = this.holders.get(key);
      throw new Error(`${what}: waited ${deadlines.waitMs} ms for the lock of ${key}${h ? `, held by ${h.what} for ${Date.now() - h.since} ms` : ''}`);
    }
    this.holders.set(key, { what, since: Date.now() });
    const ac = new AbortController();
    let holdTimer: NodeJS.Timeout | undefined;
    let onHoldAbort: (() => void) | undefined;
    const expired = new Promise<never>((_, reject) => {
      const expire = (e: Error) => { ac.abort(e); reject(e); };
      holdTimer = setTimeout(() => expire(new Error(`${what}: still running after the ${deadlines.holdMs} ms lock deadline; aborted`)), deadlines.holdMs);
      // The caller's own deadline (its reconcile's signal) also ends the hold and kills its pipeline.
      onHoldAbort = () => expire(new Error(`${what}: aborted by the caller: ${(caller?.reason as Error | undefined)?.message ?? 'aborted'}`));
      caller?.addEventListener('abort', onHoldAbort, { once: true });
    });
    const work = fn(ac.signal);
    work.catch(() => undefined); // a holder that settles after its deadline is no unhandled rejection
    try {
      return await Promise.race([work, expired]);
    } finally {
      clearTimeout(holdTimer);
      if (onHoldAbort) caller?.removeEventListener('abort', onHoldAbort);
      this.holders.delete(key);
      done();
    }
  }
}
