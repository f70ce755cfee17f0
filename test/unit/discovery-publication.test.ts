import { describe, expect, it } from 'vitest';
import { clustersetSnapshot } from '../../src/discovery/clusterset.js';
import { checkPublication, publicationOf, PublishedMember, type MemberView } from '../../src/discovery/member-view.js';
import type { Affinity, ClusterExport } from '../../src/discovery/model.js';

// A member's view published by its holder and read back by another replica must answer exactly as
// the holder's own caches do: same exports, affinities and import addresses, the reader deciding
// only the cluster's readiness. Anything else in a publication is refused, naming the field.

function view(name: string, exports: Record<string, Omit<ClusterExport, 'cluster' | 'clusterReady'>>, extra: { affinities?: Record<string, Affinity>; imports?: Record<string, string[]>; importOnly?: string[] } = {}): MemberView {
  return {
    name, ready: true, synced: () => true,
    keys: () => [...Object.keys(exports), ...(extra.importOnly ?? [])],
    exportOf: (ns, n) => { const e = exports[`${ns}/${n}`]; return e ? { ...e, cluster: name, clusterReady: true } : undefined; },
    affinity: (ns, n) => extra.affinities?.[`${ns}/${n}`],
    importIps: (key) => extra.imports?.[key] ?? [],
  };
}

const web = {
  via: 'ServiceExport' as const, exportedAt: '2026-01-01T00:00:00Z', shared: true, weight: 2,
  service: { type: 'ClusterSetIP' as const, clusterIPs: ['10.201.0.7'], ports: [{ name: 'http', protocol: 'TCP' as const, port: 80 }], sessionAffinity: 'None' },
  endpoints: [{ addresses: ['10.101.0.4'], ready: true }, { addresses: ['10.101.0.5'], ready: false, hostname: 'db-1' }],
  slicePorts: [{ name: 'http', port: 8080, protocol: 'TCP' }], addressType: 'IPv4' as const,
};

describe('published member views', () => {
  it('a publication read back answers as the holder\'s view does, the reader deciding readiness', () => {
    const holder = view('us-east', { 'demo/web': web, 'demo/db': { ...web, via: 'annotation', affinity: 'local' } }, { affinities: { 'demo/db': 'local' }, imports: { 'demo/web': ['10.250.0.9'] }, importOnly: ['other/gone'] });
    const text = JSON.stringify(publicationOf(holder));
    const reader = { name: 'us-east', ready: false };
    const published = new PublishedMember(reader, () => checkPublication(JSON.parse(text)));
    expect(published.synced()).toBe(true);
    expect([...published.keys()]).toEqual(['demo/db', 'demo/web', 'other/gone']);
    expect(published.exportOf('demo', 'web')).toEqual({ ...holder.exportOf('demo', 'web'), clusterReady: false });
    expect(published.exportOf('other', 'gone')).toBeUndefined();
    expect(published.affinity('demo', 'db')).toBe('local');
    expect(published.importIps('demo/web')).toEqual(['10.250.0.9']);
    reader.ready = true;
    const ip = () => '10.250.0.9';
    expect(clustersetSnapshot([published], ip, 5, 1).services).toEqual(clustersetSnapshot([holder], ip, 5, 1).services);
  });

  it('equal views publish equal text, whatever order the caches list in', () => {
    const a = view('m', { 'demo/b': web, 'demo/a': web });
    const b = view('m', { 'demo/a': web, 'demo/b': web });
    expect(JSON.stringify(publicationOf(a))).toBe(JSON.stringify(publicationOf(b)));
  });

  it('refuses a publication that is wrong, naming the field, and keeps no key off the prototype chain', () => {
    const good = publicationOf(view('m', { 'demo/web': web }));
    expect(() => checkPublication({ ...good, version: 2 })).toThrow(/^version/);
    expect(() => checkPublication({ ...good, keys: ['demo/web', '../etc'] })).toThrow(/^keys/);
    expect(() => checkPublication({ ...good, exports: { 'demo/web': { ...web, endpoints: [{ addresses: 'x' }] } } })).toThrow(/exports\[demo\/web\]\.endpoints/);
    expect(() => checkPublication({ ...good, exports: { 'demo/web': { ...web, addressType: 'IPX' } } })).toThrow(/addressType/);
    expect(() => checkPublication({ ...good, affinities: { 'demo/web': 'near' } })).toThrow(/affinities\[demo\/web\]/);
    expect(() => checkPublication({ ...good, imports: { 'demo/web': [1] } })).toThrow(/imports\[demo\/web\]/);
    expect(() => checkPublication(JSON.parse('{"version":1,"keys":[],"exports":{"__proto__":{}}}'))).toThrow(/exports: bad key/);
    const checked = checkPublication(JSON.parse(JSON.stringify(good)));
    expect(checked.exports.get('demo/web')?.weight).toBe(2);
    expect(({} as Record<string, unknown>).weight).toBeUndefined();
  });

  it('a member with no publication yet is not synced and answers nothing', () => {
    const m = new PublishedMember({ name: 'x', ready: true }, () => undefined);
    expect(m.synced()).toBe(false);
    expect([...m.keys()]).toEqual([]);
    expect(m.exportOf('demo', 'web')).toBeUndefined();
  });
});
