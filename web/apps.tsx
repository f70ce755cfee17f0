import { useState } from 'preact/hooks';
import type { AppCell, AppsView } from '../src/dashboard/model.js';
import { DiffDialog } from './diff.js';

function cellClass(c: AppCell): string {
  if (c.clusterDown) return 'bad';
  if (c.health === 'Degraded' || c.health === 'Missing') return 'bad';
  if (c.sync === 'OutOfSync' || c.health === 'Progressing' || c.health === 'Suspended') return 'warn';
  if (c.sync === 'Synced' && c.health === 'Healthy') return 'ok';
  return 'muted';
}

/**
 * Applications x clusters: each cell is the Application's sync/health at its revision and rollout
 * step, red when its member is down. Every cell is a button: Enter or a click shows its diff.
 */
export function Apps({ apps }: { apps: AppsView }) {
  const [open, setOpen] = useState<AppCell | undefined>(undefined);
  if (apps.rows.length === 0) return <p>No Application yet.</p>;
  return (
    <>
      <div class="scroll" tabIndex={0} aria-label="Applications by cluster">
        <table class="matrix">
          <thead><tr><th scope="col">Application</th>{apps.clusters.map((c) => <th scope="col" key={c}>{c}</th>)}<th scope="col">Rollout</th></tr></thead>
          <tbody>
            {apps.rows.map((r) => (
              <tr key={r.name} data-app={r.name}>
                <th scope="row">{r.name}</th>
                {apps.clusters.map((cluster) => {
                  const c = r.cells[cluster];
                  if (!c) return <td key={cluster} class="muted">–</td>;
                  const label = c.clusterDown ? `${c.sync}/${c.health} (cluster down)` : `${c.sync}/${c.health}`;
                  return (
                    <td key={cluster} class={`cell ${cellClass(c)}`} data-cluster={cluster} data-sync={c.sync} data-health={c.health} data-down={String(c.clusterDown)}>
                      <button type="button" onClick={() => setOpen(c)} aria-label={`${c.application} in ${cluster}: ${label} at ${c.revision || 'no revision'}; show diff`}>
                        <span class="state">{label}</span>
                        <span class="rev mono">{c.revision ? `@${c.revision}` : ''}{c.rolloutStep ? ` · step ${c.rolloutStep} ${c.rolloutStatus ?? ''}` : ''}{c.outOfSync ? ` · ${c.outOfSync} out of sync` : ''}</span>
                      </button>
                    </td>
                  );
                })}
                <td>{r.rollout ? (
                  <details>
                    <summary><span class={`badge ${r.rollout.phase === 'Halted' || r.rollout.phase === 'RolledBack' ? 'bad' : 'muted'}`}>{r.rollout.phase || '–'}</span> step {r.rollout.step} → {r.rollout.target}</summary>
                    {r.rollout.message ? <p>{r.rollout.message}</p> : null}
                    <ul class="plain">{r.rollout.events.map((e) => <li key={e.time + e.type}><time>{e.time}</time> {e.type} {e.revision}: {e.message}</li>)}</ul>
                  </details>
                ) : '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {open ? <DiffDialog cell={open} onClose={() => setOpen(undefined)} /> : null}
    </>
  );
}
