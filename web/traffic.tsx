import type { TrafficView } from '../src/dashboard/model.js';

/** Global traffic: per GlobalService its policy, backends with health and last transition, answers and failovers. */
export function Traffic({ traffic }: { traffic: TrafficView[] }) {
  if (traffic.length === 0) return <p>No GlobalService yet.</p>;
  return (
    <>
      {traffic.map((t) => (
        <article key={t.key} class="card" data-service={t.key}>
          <h3>{t.hostnames.join(', ')} <small>({t.key}, {t.policy}{t.order.length ? `: ${t.order.join(' → ')}` : ''})</small></h3>
          <p>{t.ready}</p>
          <p>Answers now: {t.answers.map((a) => <span key={a.hostname} class="mono answer" data-regions={a.regions.join(',')}>{a.hostname} → {a.addresses.join(', ') || 'nothing'} ({a.regions.join(', ') || '–'}) </span>)}</p>
          <div class="scroll" tabIndex={0} aria-label={`Backends of ${t.key}`}>
            <table>
              <thead><tr><th scope="col">Cluster</th><th scope="col">Region</th><th scope="col">Address</th><th scope="col">Health</th><th scope="col">Reason</th><th scope="col">Since</th></tr></thead>
              <tbody>{t.backends.map((b) => (
                <tr key={b.cluster + b.address} data-backend={b.cluster} data-health={b.health}>
                  <th scope="row">{b.cluster}</th><td>{b.region}</td><td class="mono">{b.address}</td>
                  <td><span class={`badge ${b.health === 'Healthy' ? 'ok' : b.health === 'Unhealthy' ? 'bad' : 'muted'}`}>{b.health}</span></td>
                  <td>{b.reason}</td><td><time>{b.lastTransitionTime}</time></td>
                </tr>
              ))}</tbody>
            </table>
          </div>
          <h4>Failover history</h4>
          {t.history.length === 0 ? <p>None recorded.</p> : <ul class="plain">{t.history.map((e) => <li key={e.time + e.reason}><time>{e.time}</time> <strong>{e.reason}</strong> {e.message}</li>)}</ul>}
        </article>
      ))}
    </>
  );
}
