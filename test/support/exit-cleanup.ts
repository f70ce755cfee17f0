/**
 * What a test process must take down if it exits without stopping what it started (an uncaught
 * error, process.exit in a hook): real servers it spawned would otherwise be left running, orphaned,
 * for every later test and run on the machine. Each cleanup kills by the ids it recorded, at once
 * ('exit' handlers cannot wait), and is forgotten when the test stops its servers itself.
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
