// Write requests seen by a member's kube-apiserver, from its own apiserver_request_total counters.

import type { KubeClient } from '../../src/kube/client.js';

const WRITE_VERBS = new Set(['POST', 'PUT', 'PATCH', 'DELETE', 'APPLY', 'CREATE', 'UPDATE']);
/** The resources the benchmark's applications are made of (no system component writes them in steady state). */
export const APP_RESOURCES = new Set(['namespaces', 'configmaps', 'deployments', 'services']);

/** Sum of write requests on the app resources (main resource, not status) since the server started. */
export async function memberWrites(client: KubeClient): Promise<number> {
  const { status, text } = await client.getText('/metrics', 10_000);
  if (status !== 200) throw new Error(`${client.server}/metrics: HTTP ${status}`);
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue;
    const labels = Object.fromEntries([...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (WRITE_VERBS.has(labels.verb) && APP_RESOURCES.has(labels.resource) && !labels.subresource && labels.dry_run === '') total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

/** Write counters of every member, summed. */
export async function fleetWrites(clients: KubeClient[]): Promise<number> {
  return (await Promise.all(clients.map(memberWrites))).reduce((a, b) => a + b, 0);
}

/** Write requests on the hub's Applications (main resource and status), from the hub's own counters. */
export async function hubApplicationWrites(hub: KubeClient): Promise<{ spec: number; status: number }> {
  const { status, text } = await hub.getText('/metrics', 10_000);
  if (status !== 200) throw new Error(`${hub.server}/metrics: HTTP ${status}`);
  const out = { spec: 0, status: 0 };
  for (const line of text.split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue;
    const labels = Object.fromEntries([...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (!WRITE_VERBS.has(labels.verb) || labels.resource !== 'applications' || labels.dry_run !== '') continue;
    const n = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (labels.subresource === 'status') out.status += n;
    else if (!labels.subresource) out.spec += n;
  }
  return out;
}

/** One labelled histogram from a Prometheus text exposition: cumulative bucket counts, sum and count per label value. */
export interface HistogramSeries { buckets: Array<[number, number]>; sum: number; count: number }

/** Reads every series of histogram `name` keyed by the value of `label`. */
export function parseHistogram(text: string, name: string, label: string): Map<string, HistogramSeries> {
  const out = new Map<string, HistogramSeries>();
  const series = (key: string) => out.get(key) ?? out.set(key, { buckets: [], sum: 0, count: 0 }).get(key) as HistogramSeries;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^(\w+)\{([^}]*)\} (\S+)$/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...m[2].matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    const s = series(labels[label] ?? '');
    const v = Number(m[3]);
    if (m[1] === `${name}_bucket`) s.buckets.push([labels.le === '+Inf' ? Infinity : Number(labels.le), v]);
    else if (m[1] === `${name}_sum`) s.sum = v;
    else if (m[1] === `${name}_count`) s.count = v;
  }
  return out;
}

/** What happened between two scrapes of one series. */
export function histogramDelta(after: HistogramSeries, before?: HistogramSeries): HistogramSeries {
  const prev = new Map(before?.buckets ?? []);
  return { buckets: after.buckets.map(([le, n]) => [le, n - (prev.get(le) ?? 0)]), sum: after.sum - (before?.sum ?? 0), count: after.count - (before?.count ?? 0) };
}

/** The q-quantile of a histogram, interpolated linearly inside its bucket (as Prometheus' histogram_quantile). */
export function quantile(h: HistogramSeries, q: number): number {
  if (h.count <= 0) return 0;
  const rank = q * h.count;
  let lower = 0;
  let below = 0;
  for (const [le, n] of [...h.buckets].sort((a, b) => a[0] - b[0])) {
    if (n >= rank) return le === Infinity ? lower : lower + ((le - lower) * (rank - below)) / Math.max(1e-9, n - below);
    lower = le;
    below = n;
  }
  return lower;
}

/** Rows of the per-stage breakdown between two scrapes of meridian's /metrics: count, p50, p99, summed time, in seconds. */
export function stageRows(before: string, after: string, stages: readonly string[]): Array<{ stage: string; count: number; p50: number; p99: number; sum: number }> {
  const name = 'meridian_gitops_sync_stage_seconds';
  const b = parseHistogram(before, name, 'stage');
  const a = parseHistogram(after, name, 'stage');
  return stages.map((stage) => {
    const cur = a.get(stage);
    const d = cur ? histogramDelta(cur, b.get(stage)) : { buckets: [], sum: 0, count: 0 };
    return { stage, count: d.count, p50: quantile(d, 0.5), p99: quantile(d, 0.99), sum: d.sum };
  });
}

/** The value of an unlabelled-or-summed counter in a Prometheus text exposition. */
export function counterTotal(text: string, name: string): number {
  let total = 0;
  for (const line of text.split('\n')) if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  return total;
}

/** The q-quantile of plain samples (nearest rank). */
export function sampleQuantile(samples: number[], q: number): number {
  if (!samples.length) return 0;
  const sorted = [...samples].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/**
 * An API server's own request latency (apiserver_request_duration_seconds), summed over the series
 * whose labels `match` accepts: what the server spent, beside what the controller waited.
 */
export function serverLatency(text: string, match: (labels: Record<string, string>) => boolean): HistogramSeries {
  return summedHistogram(text, 'apiserver_request_duration_seconds', match);
}

/** Histogram `name` summed over the series whose labels `match` accepts. */
export function summedHistogram(text: string, name: string, match: (labels: Record<string, string>) => boolean): HistogramSeries {
  const buckets = new Map<number, number>();
  const out: HistogramSeries = { buckets: [], sum: 0, count: 0 };
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}_`)) continue;
    const m = /^(\w+)\{([^}]*)\} (\S+)$/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...m[2].matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (!match(labels)) continue;
    const v = Number(m[3]);
    if (m[1] === `${name}_bucket`) {
      const le = labels.le === '+Inf' ? Infinity : Number(labels.le);
      buckets.set(le, (buckets.get(le) ?? 0) + v);
    } else if (m[1] === `${name}_sum`) out.sum += v;
    else if (m[1] === `${name}_count`) out.count += v;
  }
  out.buckets = [...buckets].sort((a, b) => a[0] - b[0]);
  return out;
}

/** Requests an API server counted (apiserver_request_total) by `VERB resource[/subresource]`, summed over scrapes. */
export function requestCounts(texts: string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const text of texts) {
    for (const line of text.split('\n')) {
      if (!line.startsWith('apiserver_request_total{')) continue;
      const labels = Object.fromEntries([...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
      const key = `${labels.verb} ${labels.resource}${labels.subresource ? `/${labels.subresource}` : ''}`;
      out.set(key, (out.get(key) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
    }
  }
  return out;
}

/** The `top` largest differences between two requestCounts, largest first, and the total. */
export function requestMix(before: Map<string, number>, after: Map<string, number>, top: number): { rows: Array<[string, number]>; total: number } {
  const rows = [...after].map(([k, n]): [string, number] => [k, n - (before.get(k) ?? 0)]).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  return { rows: rows.slice(0, top), total: rows.reduce((a, [, n]) => a + n, 0) };
}

/** A labelled counter's values in a Prometheus text exposition, summed by the value of one label. */
export function counterBy(text: string, name: string, label: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const v = new RegExp(`[{,]${label}="([^"]*)"`).exec(line)?.[1] ?? '';
    out.set(v, (out.get(v) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
  }
  return out;
}
