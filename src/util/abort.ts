/**
 * A signal that fires when either of two fires, and `unlink()` to drop the link once the work is
 * done. Not AbortSignal.any: on Node 20 each call leaves an entry in every source signal for as long
 * as the source lives (nodejs/node#55351), and a write fence's signal lives as long as the lease, so
 * every fenced write with a deadline of its own would stay in memory for good.
 */
export function linkSignals(a: AbortSignal, b: AbortSignal): { signal: AbortSignal; unlink: () => void } {
  const linked = new AbortController();
  if (a.aborted || b.aborted) {
    linked.abort(a.aborted ? a.reason : b.reason);
    return { signal: linked.signal, unlink: () => undefined };
  }
  const fromA = () => linked.abort(a.reason);
  const fromB = () => linked.abort(b.reason);
  a.addEventListener('abort', fromA, { once: true });
  b.addEventListener('abort', fromB, { once: true });
  return {
    signal: linked.signal,
    unlink: () => {
      a.removeEventListener('abort', fromA);
      b.removeEventListener('abort', fromB);
    },
  };
}
