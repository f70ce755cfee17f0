import type { EgressView } from '../src/dashboard/model.js';

const money = (n: number, currency: string) => `${currency === 'USD' ? '$' : `${currency} `}${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** Inter-region egress: per DNS name, the share of answers that sent a client to another region and the monthly estimate. */
export function Egress({ egress }: { egress: EgressView[] }) {
  if (egress.length === 0) return <p>No DNS answers to a known region yet (queries must come through a cluster's DNS view or from its pod network).</p>;
  return (
    <div class="scroll" tabIndex={0} aria-label="Inter-region egress">
      <table>
        <thead><tr><th scope="col">Name</th><th scope="col">Answers</th><th scope="col">Cross-region</th><th scope="col">Pairs (answers, price/GB)</th><th scope="col">Volume assumed</th><th scope="col">GB / month</th><th scope="col">Estimate / month</th></tr></thead>
        <tbody>{egress.map((e) => (
          <tr key={e.name} data-egress={e.name}>
            <th scope="row" class="mono">{e.name}</th><td>{e.answers}</td><td>{(e.share * 100).toFixed(1)}%</td>
            <td>{e.pairs.map((p) => <div key={p.from + p.to}>{p.from} → {p.to}: {p.answers} at {money(p.pricePerGb, e.currency)}</div>)}</td>
            <td>{e.requestsPerSecond} req/s × {(e.bytesPerRequest / 1000).toFixed(0)} kB</td><td>{e.gbPerMonth}</td>
            <td><strong>{money(e.monthlyCost, e.currency)}</strong></td>
          </tr>
        ))}</tbody>
      </table>
    </div>
  );
}
