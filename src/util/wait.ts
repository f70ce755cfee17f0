/** Options of a bounded wait. */
export interface WaitOptions<T> {
  timeoutMs: number;
  intervalMs?: number;
  /** Describes what was seen, for the timeout error. */
  onTimeout?: (last: T | undefined, lastError: unknown) => string;
  /** What is being waited for, for the timeout error. */
  what?: string;
}

/**
 * Polls `cond` until it returns a truthy value, or throws after timeoutMs with a diagnostic of the
 * last value (and error) it saw. Errors thrown by `cond` count as "not yet".
 */
export async function waitFor<T>(cond: () => T | Promise<T>, options: WaitOptions<T>): Promise<NonNullable<T>> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 250;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await cond();
      lastError = undefined;
      if (last) return last as NonNullable<T>;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const seen = options.onTimeout ? options.onTimeout(last, lastError) : `last value ${safeJson(last)}${lastError ? `, last error: ${(lastError as Error).message}` : ''}`;
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what ?? 'condition'}: ${seen}`);
    }
    await sleep(Math.min(interval, Math.max(0, deadline - Date.now())));
  }
}

/** Resolves after ms. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v)?.slice(0, 800) ?? 'undefined';
  } catch {
    return String(v);
  }
}

/** A sleep that another part of the program can cut short (a loop that must notice stop() at once). */
export class WakeableSleep {
  private wakeUp: (() => void) | undefined;

  /** Resolves after ms, or as soon as wake() is called. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.wakeUp = undefined;
        resolve();
      };
      const t = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }

  /** Ends the current sleep, if any. */
  wake(): void {
    this.wakeUp?.();
  }
}
