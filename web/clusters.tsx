import type { ClusterView } from '../src/dashboard/model.js';

/** Member clusters: Ready with its reason, version, nodes, capacity, CIDRs and the doctor's findings. */
export function Clusters({ clusters }: { clusters: ClusterView[] }) {
  if (clusters.length === 0) return <p>No member cluster has joined.</p>;
  return (
    <div class="scroll" tabIndex={0} aria-label="Clusters table">
      <table>
        <thead><tr><th scope="col">Cluster</th><th scope="col">Region</th><th scope="col">Ready</th><th scope="col">Version</th><th scope="col">Nodes</th><th scope="col">CPU req / alloc</th><th scope="col">Memory req / alloc</th><th scope="col">Pod / Service CIDRs</th><th scope="col">Findings</th></tr></thead>
        <tbody>
          {clusters.map((c) => (
            <tr key={c.name} data-cluster={c.name} data-ready={String(c.ready)}>
              <th scope="row">{c.name}</th>
              <td>{c.region}</td>
              <td><span class={`badge ${c.ready ? 'ok' : 'bad'}`}>{c.ready ? 'Ready' : 'Not Ready'}</span> <span class="reason" title={c.message}>{c.reason}</span></td>
              <td>{c.version ?? '–'}</td>
              <td>{c.nodes ?? '–'}</td>
              <td>{c.cpu ?? '–'}</td>
              <td>{c.memory ?? '–'}</td>
              <td class="mono">{c.podCIDRs.join(', ') || '–'}<br />{c.serviceCIDRs.join(', ') || '–'}</td>
              <td>{c.findings.length === 0 ? '–' : <ul class="plain">{c.findings.map((f) => <li key={f.type}><span class={`badge ${f.status === 'True' ? 'warn' : 'muted'}`}>{f.type}={f.status}</span> {f.reason}: {f.message}</li>)}</ul>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
