import { describe, expect, it } from 'vitest';
import type { GlobalService } from '../../src/api/globalservice.js';
import type { MemberCluster } from '../../src/clusters/registry.js';
import type { Informer } from '../../src/kube/informer.js';
import type { KubeObject } from '../../src/kube/types.js';
import { EventEmitter } from 'node:events';
import { resolveBackends } from '../../src/traffic/backends.js';
import { MemberAddresses } from '../../src/traffic/published-addresses.js';
import { OwnsEverything, type Ownership } from '../../src/serve/ownership.js';
import type { MemberPublications } from '../../src/serve/publications.js';
import { silentLogger } from '../../src/util/log.js';
import { waitFor } from '../../src/util/wait.js';

const informed: string[] = [];
function member(name: string, labels: Record<string, string>, ingressAddresses: string[] | undefined, objects: Record<string, KubeObject> = {}, synced = true): MemberCluster {
  return {
    name, labels, ready: true, client: undefined as never,
    cluster: { apiVersion: 'meridian.dev/v1alpha1', kind: 'Cluster', metadata: { name }, spec: { server: 'https://x', secretRef: { name: 'n', namespace: 'ns' }, region: name, ingressAddresses, ingressPort: 18080 } },
    informer: <T extends KubeObject>() => { informed.push(name); return ({ get: (key: string) => objects[key] as T | undefined, hasSynced: () => synced }) as unknown as Informer<T>; },
  };
}

const watched = new MemberAddresses(new OwnsEverything(), undefined, silentLogger);
const lookup = watched.lookup.bind(watched);

/** Publications kept in memory, as the hub's ConfigMaps would hold them. */
class MemoryPublications extends EventEmitter implements MemberPublications {
  readonly parts = new Map<string, string>();
  writes = 0;
  hasSynced(): boolean { return true; }
  read<T>(member: string, part: string): T | undefined {
    const text = this.parts.get(`${member}/${part}`);
    return text === undefined ? undefined : JSON.parse(text) as T;
  }
  async publish(member: string, part: string, value: unknown): Promise<boolean> {
    if (this.parts.get(`${member}/${part}`) === JSON.stringify(value)) return false;
    this.parts.set(`${member}/${part}`, JSON.stringify(value));
    this.writes++;
    this.emit('change', member);
    return true;
  }
}

/** Holds only the named members. */
class Holds extends EventEmitter implements Ownership {
  constructor(private readonly held: string[]) { super(); }
  owns(member: string): boolean { return this.held.includes(member); }
  ownsHub(): boolean { return true; }
  within<T>(_member: string, fn: () => T): T { return fn(); }
}

const gs = (spec: Partial<GlobalService['spec']>): GlobalService => ({ metadata: { name: 'web', namespace: 'shop' }, spec: { hostnames: ['web.global.example.test'], policy: { type: 'roundRobin' }, ...spec } });

describe('backend resolution', () => {
  it('takes the selected members\' Cluster ingress addresses and port; a member without one is reported', () => {
    const r = resolveBackends(gs({ clusterSelector: { matchLabels: { env: 'production' } } }), [
      member('us-east', { env: 'production' }, ['127.0.13.1']), member('eu-west', { env: 'production' }, undefined), member('lab', { env: 'dev' }, ['127.0.13.9']),
    ], lookup);
    expect(r.backends).toEqual([{ cluster: 'us-east', region: 'us-east', address: '127.0.13.1', port: 18080 }]);
    expect(r.unresolved).toEqual([{ cluster: 'eu-west', message: 'Cluster eu-west: spec.ingressAddresses is empty' }]);
  });

  it('reads the load-balancer status of a named Ingress in each member', () => {
    const lb = { 'shop/web': { status: { loadBalancer: { ingress: [{ ip: '127.0.13.5' }, { hostname: 'lb.example' }] } } } };
    const r = resolveBackends(gs({ address: { from: 'Ingress', name: 'web' }, healthCheck: { protocol: 'https', port: 8443 } }), [member('us-east', {}, ['127.0.13.1'], lb), member('eu-west', {}, ['127.0.13.2'])], lookup);
    expect(r.backends).toEqual([{ cluster: 'us-east', region: 'us-east', address: '127.0.13.5', port: 8443 }]);
    expect(r.unresolved[0].message).toBe('Ingress shop/web in eu-west has no status.loadBalancer.ingress[].ip');
  });

  it('under shards, reads a member it does not hold from what its holder published, and never watches it', async () => {
    const lb = { 'shop/web': { status: { loadBalancer: { ingress: [{ ip: '127.0.13.5' }] } } } };
    const store = new MemoryPublications();
    const services = [gs({ address: { from: 'Ingress', name: 'web' } })];
    // us-east's holder publishes its addresses; only once its watch has listed.
    const holder = new MemberAddresses(new Holds(['us-east']), store, silentLogger);
    const unsynced = member('us-east', {}, [], lb, false);
    holder.schedule(() => [unsynced], () => services);
    await new Promise((r) => setTimeout(r, 50));
    expect(store.writes).toBe(0);
    holder.schedule(() => [member('us-east', {}, [], lb)], () => services);
    await waitFor(() => store.writes === 1, { timeoutMs: 5000, what: 'us-east published' });
    holder.stop();
    expect(store.read('us-east', 'traffic')).toEqual({ version: 1, addresses: { 'Ingress/shop/web': ['127.0.13.5'] } });
    // The replica holding eu-west reads us-east from the publication, without a watch of us-east.
    informed.length = 0;
    const reader = new MemberAddresses(new Holds(['eu-west']), store, silentLogger);
    const r = resolveBackends(services[0], [member('us-east', {}, [], {}), member('eu-west', {}, [], lb)], (m, s) => reader.lookup(m, s));
    expect(r.backends.map((b) => `${b.cluster}=${b.address}`)).toEqual(['eu-west=127.0.13.5', 'us-east=127.0.13.5']);
    expect(informed).toEqual(['eu-west']);
    // A member nobody has published yet has no address, and says so.
    const none = resolveBackends(services[0], [member('ap-south', {}, [], lb)], (m, s) => reader.lookup(m, s));
    expect(none.unresolved.map((u) => u.cluster)).toEqual(['ap-south']);
  });
});
