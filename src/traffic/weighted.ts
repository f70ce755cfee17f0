/**
 * The order in which smooth weighted round robin (nginx's algorithm) picks keys over one full
 * cycle. Each cycle holds every key exactly `weight / gcd` times, spread as evenly as possible, so
 * any run of queries matches the weights to within one cycle — exact shares, no randomness.
 */
export function smoothWeightedSequence(weights: Array<{ key: string; weight: number }>): string[] {
  const live = weights.filter((w) => w.weight > 0);
  if (live.length === 0) return [];
  const g = live.reduce((acc, w) => gcd(acc, w.weight), 0);
  const scaled = live.map((w) => ({ key: w.key, weight: w.weight / g, current: 0 }));
  const total = scaled.reduce((n, w) => n + w.weight, 0);
  const out: string[] = [];
  for (let i = 0; i < total; i++) {
    let best = scaled[0];
    for (const w of scaled) {
      w.current += w.weight;
      if (w.current > best.current) best = w;
    }
    best.current -= total;
    out.push(best.key);
  }
  return out;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
