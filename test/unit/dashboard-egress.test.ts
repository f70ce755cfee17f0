import { describe, expect, it } from 'vitest';
import type { Cluster } from '../../src/api/cluster.js';
import { AnswerRecorder } from '../../src/dashboard/answers.js';
import { addressOwner } from '../../src/dashboard/build.js';
import { DEFAULT_EGRESS, estimateEgress, pricePerGb, SECONDS_PER_MONTH } from '../../src/dashboard/egress.js';
import { parseEgressConfig } from '../../src/dashboard/egress-config.js';
import type { QueryContext, ZoneAuthority } from '../../src/dns/types.js';

const ctx = (localPort: number, clientAddress = '127.0.0.1'): QueryContext => ({ clientAddress, clientPort: 5000, localAddress: '127.0.0.1', localPort, transport: 'udp' });
const zone = (address: string): ZoneAuthority => ({ origin: 'g.test', answer: (qname) => ({ rcode: 'NOERROR', answers: [{ name: qname, type: 'A', ttl: 5, data: address }], authority: [] }) });
const REGION: Record<string, string> = { us: 'us-east', eu: 'eu-west', ap: 'ap-south' };
const PORT: Record<number, string> = { 1: 'us', 2: 'eu', 3: 'ap' };
const ADDRESS: Record<string, string> = { '10.0.0.1': 'us-east', '10.0.0.2': 'eu-west' };

function recorded(answers: Array<[number, string, number]>): AnswerRecorder {
  const r = new AnswerRecorder();
  r.setQuerier((c) => PORT[c.localPort]);
  for (const [port, address, n] of answers) { const z = r.tap(zone(address)); for (let i = 0; i < n; i++) z.answer('web.g.test', 'A', ctx(port)); }
  return r;
}

describe('inter-region egress estimate', () => {
  it('counts the share of answers that sent a client to another region and prices it per pair', () => {
    // us-east and ap-south clients are sent to eu-west; eu-west's stay home.
    const r = recorded([[1, '10.0.0.2', 10], [2, '10.0.0.2', 10], [3, '10.0.0.2', 20]]);
    const config = { ...DEFAULT_EGRESS, volumes: { 'web.g.test': { requestsPerSecond: 50, bytesPerRequest: 100_000 } } };
    const [row] = estimateEgress(r.counts(), (c) => REGION[c], (a) => ADDRESS[a], config);
    expect(row).toMatchObject({ name: 'web.g.test', answers: 40, crossRegion: 30, share: 0.75 });
    const gbAll = (50 * SECONDS_PER_MONTH * 100_000) / 1e9; // 12,960 GB
    expect(row.gbPerMonth).toBeCloseTo(gbAll * 0.75, 0);
    // ap-south leaves at $0.086/GB, us-east at $0.02/GB.
    expect(row.monthlyCost).toBeCloseTo(gbAll * (20 / 40) * 0.086 + gbAll * (10 / 40) * 0.02, 1);
    expect(row.pairs).toEqual([{ from: 'ap-south', to: 'eu-west', answers: 20, pricePerGb: 0.086 }, { from: 'us-east', to: 'eu-west', answers: 10, pricePerGb: 0.02 }]);
  });

  it('ignores answers whose asking region is unknown, and names with no such answers', () => {
    const r = new AnswerRecorder();
    r.tap(zone('10.0.0.2')).answer('web.g.test', 'A', ctx(9));
    expect(estimateEgress(r.counts(), (c) => REGION[c], (a) => ADDRESS[a], DEFAULT_EGRESS)).toEqual([]);
  });

  it('splits an answer with addresses in several regions equally; no A records, nothing recorded', () => {
    const r = new AnswerRecorder();
    r.setQuerier(() => 'us');
    r.tap({ origin: 'g.test', answer: (q) => ({ rcode: 'NOERROR', answers: [{ name: q, type: 'A', ttl: 5, data: '10.0.0.1' }, { name: q, type: 'A', ttl: 5, data: '10.0.0.2' }], authority: [] }) }).answer('rr.g.test', 'A', ctx(1));
    r.tap({ origin: 'g.test', answer: () => ({ rcode: 'NXDOMAIN', answers: [], authority: [] }) }).answer('nx.g.test', 'A', ctx(1));
    const rows = estimateEgress(r.counts(), (c) => REGION[c], (a) => ADDRESS[a], DEFAULT_EGRESS);
    expect(rows.map((x) => [x.name, x.share])).toEqual([['rr.g.test', 0.5]]);
  });

  it('a failing querier lookup never costs a query its answer', () => {
    const r = new AnswerRecorder();
    r.setQuerier(() => { throw new Error('bad view'); });
    expect(r.tap(zone('10.0.0.1')).answer('web.g.test', 'A', ctx(1)).answers).toHaveLength(1);
  });

  it('prices: pair overrides region overrides default; the ConfigMap is validated by field', () => {
    const c = parseEgressConfig('currency: EUR\ndefaultPerGb: 0.01\nperRegion: {eu-west: 0.02}\npairs: {"eu-west>us-east": 0.05}\nvolumes: {Web.G.Test.: {requestsPerSecond: 7}}\n');
    expect(pricePerGb(c, 'eu-west', 'us-east')).toBe(0.05);
    expect(pricePerGb(c, 'eu-west', 'ap-south')).toBe(0.02);
    expect(pricePerGb(c, 'us-east', 'ap-south')).toBe(0.01);
    expect(c.volumes['web.g.test']).toEqual({ requestsPerSecond: 7, bytesPerRequest: 20_000 });
    expect(() => parseEgressConfig('perRegion: {eu-west: -1}')).toThrow(/meridian-egress config.yaml: perRegion.eu-west: expected a non-negative number/);
    expect(() => parseEgressConfig('volumes: {x: {bytesPerRequest: "big"}}')).toThrow(/volumes.x.bytesPerRequest/);
    expect(parseEgressConfig(undefined)).toBe(DEFAULT_EGRESS);
  });

  it('tells an answered address\'s region from GlobalService backends, then service CIDRs and ingress addresses', () => {
    const c = (name: string, region: string, cidr: string, ingress: string): Cluster => ({ metadata: { name }, spec: { server: '', secretRef: { name, namespace: 'x' }, region, serviceCIDRs: [cidr], ingressAddresses: [ingress] } });
    const owner = addressOwner([c('us', 'us-east', '10.96.0.0/16', '127.0.19.1'), c('eu', 'eu-west', '10.97.0.0/16', '127.0.19.2')], []);
    expect(owner('10.97.3.4')).toBe('eu-west');
    expect(owner('127.0.19.1')).toBe('us-east');
    expect(owner('8.8.8.8')).toBeUndefined();
  });
});
