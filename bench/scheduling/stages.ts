// Helpers of burst.bench.ts: first-seen instants per pod from watch events, and percentile rows.

import type { Informer } from '../../src/kube/informer.js';
import type { Pod } from '../../src/scheduling/kinds.js';

/** Percentile p of xs (nearest rank); NaN when xs is empty. */
export function pct(xs: number[], p: number): number {
  const s = [...xs].filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

/**
 * Records, per pod (the key `match` returns), the first instant a watch saw `reached(pod)` true:
 * bound, Running, or merely present (the delegate's creation).
 */
export function firstSeen(informer: Informer<Pod>, match: (p: Pod) => string | undefined, reached: (p: Pod) => boolean): Map<string, number> {
  const seen = new Map<string, number>();
  const on = (p: Pod) => {
    const key = match(p);
    if (key && !seen.has(key) && reached(p)) seen.set(key, Date.now());
  };
  informer.on('add', on).on('update', on);
  for (const p of informer.list()) on(p);
  return seen;
}

/** Pod predicates for firstSeen. */
export const running = (p: Pod): boolean => p.status?.phase === 'Running';
export const bound = (p: Pod): boolean => Boolean(p.spec?.nodeName);
export const present = (): boolean => true;

/** Per pod, to - from (NaN when either instant is missing). */
export function between(from: Map<string, number>, to: Map<string, number>): number[] {
  return [...from].map(([name, t]) => (to.get(name) ?? NaN) - t);
}

/** A table row: what, n, p50, p99, max (ms). */
export function row(what: string, xs: number[]): string[] {
  const ok = xs.filter((x) => Number.isFinite(x));
  const ms = (v: number) => (Number.isFinite(v) ? `${v} ms` : '-');
  return [what, `${ok.length}`, ms(pct(ok, 50)), ms(pct(ok, 99)), ms(ok.length ? Math.max(...ok) : NaN)];
}

/** First to last instant of a set (how long a wave of pods took to pass a stage). */
export function span(xs: Map<string, number>): number {
  const v = [...xs.values()];
  return v.length ? Math.max(...v) - Math.min(...v) : NaN;
}

/** One histogram series of a Prometheus text exposition: cumulative bucket counts by upper bound, sum and count. */
export interface Histo {
  buckets: Array<[number, number]>;
  sum: number;
  count: number;
}

/** The series of histogram `name` in `text`, keyed by the value of `label`. */
export function histograms(text: string, name: string, label: string): Map<string, Histo> {
  const out = new Map<string, Histo>();
  const get = (key: string) => out.get(key) ?? out.set(key, { buckets: [], sum: 0, count: 0 }).get(key)!;
  const line = new RegExp(`^${name}_(bucket|sum|count)\\{([^}]*)\\} (\\S+)$`);
  for (const l of text.split('\n')) {
    const m = line.exec(l);
    if (!m) continue;
    const labels = Object.fromEntries([...m[2].matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    const h = get(labels[label] ?? '');
    if (m[1] === 'bucket') h.buckets.push([labels.le === '+Inf' ? Infinity : Number(labels.le), Number(m[3])]);
    else if (m[1] === 'sum') h.sum = Number(m[3]);
    else h.count = Number(m[3]);
  }
  return out;
}

/** The upper bound (seconds) of the bucket holding quantile q: "at most this long". */
export function bucketQuantile(h: Histo, q: number): number {
  const rank = q * h.count;
  for (const [le, n] of h.buckets) if (n >= rank) return le;
  return Infinity;
}
