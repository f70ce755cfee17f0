/** Options of a work queue. */
export interface QueueOptions {
  /** First retry delay after a failure. */
  baseDelayMs?: number;
  /** Longest retry delay. */
  maxDelayMs?: number;
  /** Overall rate limit: reconciles started per second across all keys. */
  ratePerSecond?: number;
  /** Reconciles running at once (different keys). */
  concurrency?: number;
  /** Deadline of one reconcile: its AbortSignal fires then, and the key is retried with backoff. */
  deadlineMs?: number;
  /** How long an aborted reconcile may take to return before its key is declared stuck and freed. */
  stuckGraceMs?: number;
  /** Called when a key is declared stuck (log it, count it); the key is then retried. */
  onStuck?: (key: string, runningMs: number) => void;
  /** Called as a reconcile starts, with how long its key waited since it was queued (a metric of queue wait). */
  onStart?: (key: string, waitedMs: number) => void;
}

/** The outcome of one reconcile: done, or come back after a delay (e.g. a periodic resync). */
export type ReconcileResult = void | { requeueAfterMs: number };

/** Reconciles one key; throw to retry with backoff. The signal fires at the deadline or when the queue stops. */
export type Reconciler = (key: string, signal: AbortSignal) => Promise<ReconcileResult>;

/** The error a reconcile that ran past its deadline is retried with. */
export class ReconcileDeadlineError extends Error {
  constructor(key: string, ms: number) {
    super(`reconcile of ${key} ran past its deadline of ${ms} ms`);
    this.name = 'ReconcileDeadlineError';
  }
}

/**
 * A work queue like client-go's: a key is queued once however often it is added, one reconcile
 * per key at a time (a key added while it runs is queued again after), per-key exponential
 * backoff on failure, and an overall token-bucket rate limit. A failed key is retried, never dropped.
 * Every reconcile has a deadline: its AbortSignal fires, and a reconcile that still has not returned
 * a grace period later is reported stuck, its key freed (later adds are not absorbed) and retried.
 */
export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  /** Running keys and the abort controller of their current run. */
  private readonly running = new Map<string, AbortController>();
  private readonly dirtyWhileRunning = new Set<string>();
  /** When each waiting key was first queued (a key added while it runs: when that add came). */
  private readonly queuedAt = new Map<string, number>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Map<string, { due: number; timer: NodeJS.Timeout }>();
  private readonly opts: Required<QueueOptions>;
  private tokens: number;
  private lastRefill = Date.now();
  private pumpTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly reconcile: Reconciler, options: QueueOptions = {}, private readonly onError?: (key: string, err: unknown) => void) {
    this.opts = { baseDelayMs: 200, maxDelayMs: 60_000, ratePerSecond: 50, concurrency: 4, deadlineMs: 120_000, stuckGraceMs: 10_000, onStuck: () => undefined, onStart: () => undefined, ...options };
    this.tokens = this.opts.ratePerSecond;
  }

  /** Queues a key now. */
  add(key: string): void {
    if (this.stopped) return;
    if (this.running.has(key)) {
      if (!this.dirtyWhileRunning.has(key)) this.queuedAt.set(key, Date.now());
      this.dirtyWhileRunning.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    if (!this.queuedAt.has(key)) this.queuedAt.set(key, Date.now());
    this.queued.add(key);
    this.queue.push(key);
    this.pump();
  }

  /**
   * Queues a key after a delay. Of two pending delays for a key the one due sooner wins, as in
   * client-go's delaying queue: a resync due in 10 s no longer hides a re-check asked for in 1 s.
   */
  addAfter(key: string, delayMs: number): void {
    if (this.stopped) return;
    const due = Date.now() + delayMs;
    const pending = this.timers.get(key);
    if (pending && pending.due <= due) return;
    if (pending) clearTimeout(pending.timer);
    this.timers.set(key, { due, timer: setTimeout(() => { this.timers.delete(key); this.add(key); }, delayMs).unref() });
  }

  /** How many times the key has failed in a row. */
  retries(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** Number of keys waiting or running. */
  get length(): number {
    return this.queue.length + this.running.size;
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (this.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Keys running now. */
  runningKeys(): string[] {
    return [...this.running.keys()];
  }

  /** Stops taking work and aborts running reconciles (their signals fire). */
  stop(): void {
    this.stopped = true;
    for (const ac of this.running.values()) ac.abort(new Error('work queue stopped'));
    for (const t of this.timers.values()) clearTimeout(t.timer);
    this.timers.clear();
    this.queuedAt.clear();
    if (this.pumpTimer) clearTimeout(this.pumpTimer);
  }

  private pump(): void {
    while (!this.stopped && this.queue.length > 0 && this.running.size < this.opts.concurrency) {
      if (!this.takeToken()) {
        this.pumpTimer ??= setTimeout(() => { this.pumpTimer = undefined; this.pump(); }, 1000 / this.opts.ratePerSecond).unref();
        return;
      }
      const key = this.queue.shift() as string;
      this.queued.delete(key);
      const ac = new AbortController();
      this.running.set(key, ac);
      const since = this.queuedAt.get(key);
      this.queuedAt.delete(key);
      try {
        this.opts.onStart(key, since === undefined ? 0 : Date.now() - since);
      } catch {
        // an observer's failure must not leave the key marked running
      }
      void this.process(key, ac);
    }
  }

  private takeToken(): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.opts.ratePerSecond, this.tokens + ((now - this.lastRefill) / 1000) * this.opts.ratePerSecond);
    this.lastRefill = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private async process(key: string, ac: AbortController): Promise<void> {
    const started = Date.now();
    const { deadlineMs, stuckGraceMs } = this.opts;
    let deadline: NodeJS.Timeout | undefined;
    let grace: NodeJS.Timeout | undefined;
    // Settles when the reconcile returns, or when it ignored its aborted signal for the grace period.
    const timedOut = new Promise<'stuck'>((resolve) => {
      deadline = setTimeout(() => {
        ac.abort(new ReconcileDeadlineError(key, deadlineMs));
        grace = setTimeout(() => resolve('stuck'), stuckGraceMs).unref();
      }, deadlineMs).unref();
    });
    try {
      const result = await Promise.race([this.reconcile(key, ac.signal), timedOut]);
      if (result === 'stuck') {
        this.opts.onStuck(key, Date.now() - started);
        throw new ReconcileDeadlineError(key, deadlineMs);
      }
      if (ac.signal.aborted && !this.stopped) throw new ReconcileDeadlineError(key, deadlineMs);
      this.failures.delete(key);
      if (result && result.requeueAfterMs > 0) this.addAfter(key, result.requeueAfterMs);
    } catch (err) {
      const n = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, n);
      this.onError?.(key, err);
      this.addAfter(key, Math.min(this.opts.maxDelayMs, this.opts.baseDelayMs * 2 ** (n - 1)));
    } finally {
      clearTimeout(deadline);
      clearTimeout(grace);
      if (this.running.get(key) === ac) this.running.delete(key);
      if (this.dirtyWhileRunning.delete(key)) this.add(key);
      this.pump();
      if (this.length === 0) for (const w of this.idleWaiters.splice(0)) w();
    }
  }
}
