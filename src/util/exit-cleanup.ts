/**
 * What a process must take down if it exits before stopping what it started (an uncaught error,
 * process.exit): children in process groups of their own (git pipelines, a test's servers) would
 * otherwise be left running, orphaned. Each cleanup kills by the ids it recorded, at once ('exit'
 * handlers cannot wait), and is forgotten once what it covers has stopped.
 */
const cleanups = new Set<() => void>();
let hooked = false;

/** Runs `cleanup` if this process exits first; returns the function that forgets it. */
export function cleanupOnExit(cleanup: () => void): () => void {
  cleanups.add(cleanup);
  if (!hooked) {
    hooked = true;
    process.once('exit', () => {
      for (const c of cleanups) {
        try { c(); } catch { /* the next cleanup still runs */ }
      }
    });
  }
  return () => { cleanups.delete(cleanup); };
}
