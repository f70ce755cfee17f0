import type { ServiceView } from '../src/dashboard/model.js';

/** Exported services: which clusters serve them, ready endpoints per cluster, who DNS answers with. */
export function Services({ services }: { services: ServiceView[] }) {
  if (services.length === 0) return <p>No exported service (ServiceExport or service.cilium.io/global), or the discovery controller is off.</p>;
  return (
    <div class="scroll" tabIndex={0} aria-label="Exported services">
      <table>
        <thead><tr><th scope="col">Service</th><th scope="col">Type</th><th scope="col">ClusterSet IP</th><th scope="col">Ready endpoints per cluster</th><th scope="col">Answering</th></tr></thead>
        <tbody>{services.map((s) => (
          <tr key={`${s.namespace}/${s.name}`} data-service={`${s.namespace}/${s.name}`}>
            <th scope="row">{s.name}.{s.namespace}</th><td>{s.type}</td><td class="mono">{s.clusterSetIps.join(', ') || '–'}</td>
            <td>{s.clusters.map((c) => <span key={c.cluster} class={`badge ${!c.clusterReady ? 'bad' : c.readyEndpoints > 0 ? 'ok' : 'warn'}`}>{c.cluster} {c.readyEndpoints}/{c.endpoints}{c.clusterReady ? '' : ' down'}</span>)}</td>
            <td>{s.answering.join(', ') || 'no healthy cluster'}</td>
          </tr>
        ))}</tbody>
      </table>
    </div>
  );
}
