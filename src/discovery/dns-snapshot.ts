import type { ServicePort } from '../api/mcs.js';
import type { ResolvedService } from './conflicts.js';
import type { Affinity } from './model.js';

/** One healthy cluster's copy of a service, as DNS answers it. */
export interface DnsBackend {
  cluster: string;
  weight: number;
  /** ClusterSetIP services: the cluster's Service ClusterIPs. Headless: its ready endpoint addresses. */
  addresses: string[];
  /** Ready endpoints with their DNS hostname (the endpoint's hostname, else its address dashed). */
  endpoints: Array<{ hostname: string; addresses: string[] }>;
}

/** One exported service in the DNS snapshot. */
export interface DnsService {
  namespace: string;
  name: string;
  type: 'ClusterSetIP' | 'Headless';
  clusterSetIps: string[];
  ports: ServicePort[];
  /** Ready clusters that share ready endpoints, oldest export first. */
  backends: DnsBackend[];
  /** Every cluster that exports the service, healthy or not (its per-cluster name exists). */
  exporters: string[];
  /** The affinity each cluster's own Service asks for; `defaultAffinity` for the others. */
  affinityByCluster: Record<string, Affinity>;
  defaultAffinity: Affinity;
}

/** The immutable data the clusterset.local zone answers from. */
export interface DiscoverySnapshot {
  readonly serial: number;
  readonly ttl: number;
  /** Services by `<name>.<namespace>`. */
  readonly services: ReadonlyMap<string, DnsService>;
  /** Namespaces that hold at least one exported service. */
  readonly namespaces: ReadonlySet<string>;
  /** PTR targets by address: endpoint and per-cluster addresses to their clusterset.local names. */
  readonly reverse: ReadonlyMap<string, string>;
}

/** What one service contributes to a snapshot. */
export interface SnapshotInput {
  namespace: string;
  name: string;
  resolved: ResolvedService;
  clusterSetIp?: string;
  exporters: string[];
  affinityByCluster: Record<string, Affinity>;
}

/** An endpoint's DNS hostname: its own, else its first address with dots and colons as dashes. */
export function endpointHostname(hostname: string | undefined, address: string): string {
  return (hostname ?? address.replace(/[.:]/g, '-')).toLowerCase();
}

/** Builds a frozen snapshot; only Ready clusters' ready endpoints make it in. */
export function buildDnsSnapshot(inputs: SnapshotInput[], ttl: number, serial: number, origin = 'clusterset.local'): DiscoverySnapshot {
  const services = new Map<string, DnsService>();
  const namespaces = new Set<string>();
  const reverse = new Map<string, string>();
  for (const input of inputs) {
    const svc = toDnsService(input);
    services.set(`${svc.name}.${svc.namespace}`, deepFreeze(svc));
    namespaces.add(svc.namespace);
    const base = `${svc.name}.${svc.namespace}.svc.${origin}`;
    for (const ip of svc.clusterSetIps) reverse.set(ip, base);
    for (const [ip, target] of reverseEntries(svc, base)) reverse.set(ip, target);
  }
  return Object.freeze({ serial, ttl, services, namespaces, reverse });
}

function reverseEntries(svc: DnsService, base: string): Array<[string, string]> {
  if (svc.type === 'ClusterSetIP') return svc.backends.flatMap((b) => b.addresses.map((ip): [string, string] => [ip, `${b.cluster}.${base}`]));
  return svc.backends.flatMap((b) => b.endpoints.flatMap((e) => e.addresses.map((ip): [string, string] => [ip, `${e.hostname}.${b.cluster}.${base}`])));
}

function toDnsService(input: SnapshotInput): DnsService {
  const { resolved } = input;
  const headless = resolved.type === 'Headless';
  const backends: DnsBackend[] = [];
  for (const p of resolved.participants) {
    if (!p.shared || !p.clusterReady || p.weight === 0) continue;
    const endpoints = p.endpoints.filter((e) => e.ready && e.addresses.length > 0)
      .map((e) => ({ hostname: endpointHostname(e.hostname, e.addresses[0]), addresses: [...e.addresses] }));
    if (endpoints.length === 0) continue;
    const addresses = headless ? endpoints.flatMap((e) => e.addresses) : [...(p.service?.clusterIPs ?? [])];
    if (addresses.length === 0) continue;
    backends.push({ cluster: p.cluster, weight: p.weight, addresses, endpoints });
  }
  const oldest = resolved.participants[0];
  return {
    namespace: input.namespace, name: input.name, type: resolved.type,
    clusterSetIps: input.clusterSetIp && !headless ? [input.clusterSetIp] : [],
    ports: resolved.ports, backends, exporters: [...input.exporters].sort(),
    affinityByCluster: input.affinityByCluster, defaultAffinity: oldest?.affinity ?? 'none',
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
