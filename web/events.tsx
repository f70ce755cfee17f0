import type { EventView } from '../src/dashboard/model.js';

/** The timeline of Meridian's Events on the hub (what `kubectl get events -l meridian.dev/event` lists). */
export function Events({ events }: { events: EventView[] }) {
  if (events.length === 0) return <p>Nothing has happened yet: failovers, fail-backs, halted rollouts, prunes and members lost or back appear here.</p>;
  return (
    <ol class="timeline" aria-label="Events, newest first">
      {events.map((e, i) => (
        <li key={`${e.time}-${i}`} class={e.type === 'Warning' ? 'warning' : 'normal'} data-reason={e.reason}>
          <time>{e.time.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')}</time> <strong>{e.reason}</strong> <span class="mono">{e.object}</span> {e.message}
        </li>
      ))}
    </ol>
  );
}
