import type { AnswerCounts } from './answers.js';
import type { EgressView } from './model.js';

/**
 * Inputs of the egress estimate. Prices are per GB leaving a region for another; `pairs` entries
 * (`"from>to"`) override `perRegion` (keyed by the source region), which overrides `defaultPerGb`.
 * Volumes are per DNS name: requests per second the clients send once resolved, and the bytes
 * each request moves across the region boundary (request + response).
 */
export interface EgressConfig {
  currency: string;
  defaultPerGb: number;
  perRegion: Record<string, number>;
  pairs: Record<string, number>;
  defaultVolume: { requestsPerSecond: number; bytesPerRequest: number };
  volumes: Record<string, { requestsPerSecond: number; bytesPerRequest: number }>;
}

/** Public list prices (2024) for inter-region transfer: AWS and GCP within a continent $0.02/GB. */
export const DEFAULT_EGRESS: EgressConfig = {
  currency: 'USD', defaultPerGb: 0.02,
  perRegion: { 'ap-south': 0.086, 'ap-south-1': 0.086, 'sa-east': 0.138, 'sa-east-1': 0.138 },
  pairs: {},
  defaultVolume: { requestsPerSecond: 100, bytesPerRequest: 20_000 },
  volumes: {},
};

/** Seconds in the 30-day month the estimate uses. */
export const SECONDS_PER_MONTH = 30 * 24 * 3600;

/** Price per GB from one region to another. */
export function pricePerGb(config: EgressConfig, from: string, to: string): number {
  return config.pairs[`${from}>${to}`] ?? config.perRegion[from] ?? config.defaultPerGb;
}

/**
 * Per DNS name: the share of answers (from queries whose region is known) that sent the client to
 * another region, and the monthly cost if the name's request volume followed the answers in the
 * same shares: GB/month = rps x 2,592,000 s x bytes/request / 1e9 x cross share; cost sums each
 * (from, to) pair's GB at its price. An answer with addresses in several regions counts each
 * address equally (clients pick one at random).
 */
export function estimateEgress(counts: AnswerCounts, regionOfCluster: (cluster: string) => string | undefined, regionOfAddress: (address: string) => string | undefined, config: EgressConfig): EgressView[] {
  const views: EgressView[] = [];
  for (const [name, byKey] of counts.byName) {
    let answers = 0;
    let cross = 0;
    const pairs = new Map<string, number>();
    for (const [key, n] of byKey) {
      const [querier, list] = key.split('\t');
      const from = querier ? regionOfCluster(querier) : undefined;
      const addresses = list.split(',').filter(Boolean);
      if (!from || addresses.length === 0) continue;
      answers += n;
      for (const a of addresses) {
        const to = regionOfAddress(a);
        if (!to || to === from) continue;
        const weight = n / addresses.length;
        cross += weight;
        pairs.set(`${from}>${to}`, (pairs.get(`${from}>${to}`) ?? 0) + weight);
      }
    }
    if (answers === 0) continue;
    const volume = config.volumes[name] ?? config.defaultVolume;
    const gbAll = (volume.requestsPerSecond * SECONDS_PER_MONTH * volume.bytesPerRequest) / 1e9;
    const pairRows = [...pairs].map(([k, n]) => { const [from, to] = k.split('>'); return { from, to, answers: round(n, 2), pricePerGb: pricePerGb(config, from, to) }; }).sort((a, b) => b.answers - a.answers);
    const cost = pairRows.reduce((sum, p) => sum + gbAll * (p.answers / answers) * p.pricePerGb, 0);
    views.push({
      name, answers, crossRegion: round(cross, 2), share: round(cross / answers, 4), pairs: pairRows,
      requestsPerSecond: volume.requestsPerSecond, bytesPerRequest: volume.bytesPerRequest,
      gbPerMonth: round(gbAll * (cross / answers), 1), monthlyCost: round(cost, 2), currency: config.currency,
    });
  }
  return views.sort((a, b) => b.monthlyCost - a.monthlyCost || a.name.localeCompare(b.name));
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
