/**
 * Which requests a client sends first when all its connections are busy:
 * - `high`: writes a user is waiting on right now (a proxy pod's mirrored status: the pod turns
 *   Running only when it lands);
 * - `normal`: everything else;
 * - `low`: best-effort bookkeeping (Events), sent when nothing else waits.
 */
export type RequestPriority = 'high' | 'normal' | 'low';

const ORDER: readonly RequestPriority[] = ['high', 'normal', 'low'];

interface Waiter {
  grant(): void;
}

/**
 * At most `slots` requests of a client hold a connection at once; the others wait, the higher
 * priority first and in arrival order within one. Node's agent queues in arrival order only: in a
 * burst of a hundred bindings and two hundred Events, the one status write that turns a pod Running
 * waited behind all of them. A waiter leaves the queue when its deadline or signal fires, so a
 * request's deadline covers its wait for a connection too.
 */
export class RequestLanes {
  private busy = 0;
  private readonly queues: Record<RequestPriority, Waiter[]> = { high: [], normal: [], low: [] };

  constructor(readonly slots: number) {
    if (!(Number.isInteger(slots) && slots >= 1)) throw new Error(`request lanes: slots must be a whole number >= 1, got ${slots}`);
  }

  /** Requests holding a slot now. */
  get active(): number {
    return this.busy;
  }

  /** Requests waiting, per priority. */
  waiting(priority: RequestPriority): number {
    return this.queues[priority].length;
  }

  /**
   * Resolves with a release function once a slot is this request's; rejects with `onTimeout()` after
   * `timeoutMs` (0: no deadline) or with the signal's reason when it fires first.
   */
  acquire(priority: RequestPriority, timeoutMs: number, onTimeout: () => Error, signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    if (this.busy < this.slots) {
      this.busy++;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const queue = this.queues[priority];
      let timer: NodeJS.Timeout | undefined;
      const leave = () => {
        const i = queue.indexOf(waiter);
        if (i >= 0) queue.splice(i, 1);
        if (timer) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        leave();
        reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      };
      const waiter: Waiter = {
        grant: () => {
          leave();
          resolve(this.releaser());
        },
      };
      queue.push(waiter);
      if (timeoutMs > 0) {
        timer = setTimeout(() => {
          leave();
          reject(onTimeout());
        }, timeoutMs);
      }
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** A release that passes the slot to the next waiter (or frees it) once, however often it is called. */
  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const p of ORDER) {
        const next = this.queues[p][0];
        if (next) {
          next.grant(); // the slot passes on: `busy` stays the real count
          return;
        }
      }
      this.busy--;
    };
  }
}
