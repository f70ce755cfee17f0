import { splitKey, type Affinity, type ClusterExport, type ExportedEndpoint } from './model.js';

/**
 * What the clusterset's merge reads of one member: its own caches (MemberState, for a member this
 * replica holds) or what the replica holding it published on the hub (PublishedMember).
 */
export interface MemberView {
  readonly name: string;
  readonly ready: boolean;
  /** True once the view is whole: the caches have listed, or the holder has published. */
  synced(): boolean;
  /** Service keys (`namespace/name`) the member exports (ServiceExport or Cilium's global annotation) or imports through Meridian. */
  keys(): Iterable<string>;
  /** The member's export of a service, or undefined when it does not export it. */
  exportOf(namespace: string, name: string): ClusterExport | undefined;
  /** The affinity the member's own copy of the Service asks for. */
  affinity(namespace: string, name: string): Affinity | undefined;
  /** The ClusterSetIPs the member's ServiceImport of the key carries. */
  importIps(key: string): string[];
}

/** One export as published: a ClusterExport without what the reader decides (the cluster's name and readiness). */
export type PublishedExport = Omit<ClusterExport, 'cluster' | 'clusterReady'>;

/** A member's discovery state as its holder publishes it on the hub (`data.discovery.json`). */
export interface DiscoveryPublication {
  version: 1;
  keys: string[];
  exports: Record<string, PublishedExport>;
  affinities: Record<string, Affinity>;
  imports: Record<string, string[]>;
}

/** The publication of a member's whole view, keys sorted so that equal states publish equal text. */
export function publicationOf(view: MemberView): DiscoveryPublication {
  const keys = [...new Set(view.keys())].sort();
  const exports: Record<string, PublishedExport> = {};
  const affinities: Record<string, Affinity> = {};
  const imports: Record<string, string[]> = {};
  for (const key of keys) {
    const { namespace, name } = splitKey(key);
    const e = view.exportOf(namespace, name);
    if (e) {
      const { cluster: _cluster, clusterReady: _ready, ...rest } = e;
      exports[key] = rest;
    }
    const a = view.affinity(namespace, name);
    if (a) affinities[key] = a;
    const ips = view.importIps(key);
    if (ips.length > 0) imports[key] = ips;
  }
  return { version: 1, keys, exports, affinities, imports };
}

/** A publication checked field by field: maps of it are Maps (no key reaches an object's prototype). */
export interface CheckedPublication {
  keys: string[];
  exports: Map<string, PublishedExport>;
  affinities: Map<string, Affinity>;
  imports: Map<string, string[]>;
}

const KEY = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const AFFINITIES = new Set(['local', 'remote', 'none']);

/** Checks a parsed publication; the error names the field that is wrong. */
export function checkPublication(raw: unknown): CheckedPublication {
  if (!isRecord(raw) || raw.version !== 1) throw new Error('version: expected 1');
  if (!Array.isArray(raw.keys) || !raw.keys.every((k) => typeof k === 'string' && KEY.test(k))) throw new Error('keys: expected namespace/name strings');
  const keys = raw.keys as string[];
  const exports = new Map<string, PublishedExport>();
  for (const [key, e] of entries(raw.exports, 'exports')) {
    if (!KEY.test(key)) throw new Error(`exports: bad key ${JSON.stringify(key)}`);
    exports.set(key, checkExport(e, `exports[${key}]`));
  }
  const affinities = new Map<string, Affinity>();
  for (const [key, a] of entries(raw.affinities, 'affinities')) {
    if (!KEY.test(key) || typeof a !== 'string' || !AFFINITIES.has(a)) throw new Error(`affinities[${key}]: expected local, remote or none`);
    affinities.set(key, a as Affinity);
  }
  const imports = new Map<string, string[]>();
  for (const [key, ips] of entries(raw.imports, 'imports')) {
    if (!KEY.test(key) || !Array.isArray(ips) || !ips.every((ip) => typeof ip === 'string')) throw new Error(`imports[${key}]: expected a list of addresses`);
    imports.set(key, ips as string[]);
  }
  return { keys, exports, affinities, imports };
}

function checkExport(e: unknown, at: string): PublishedExport {
  if (!isRecord(e)) throw new Error(`${at}: expected an object`);
  if (e.via !== 'ServiceExport' && e.via !== 'annotation') throw new Error(`${at}.via: expected ServiceExport or annotation`);
  if (typeof e.exportedAt !== 'string' || typeof e.shared !== 'boolean' || typeof e.weight !== 'number') throw new Error(`${at}: exportedAt, shared and weight are required`);
  if (!Array.isArray(e.endpoints) || !e.endpoints.every(isEndpoint)) throw new Error(`${at}.endpoints: expected endpoints with addresses and ready`);
  if (!Array.isArray(e.slicePorts)) throw new Error(`${at}.slicePorts: expected a list`);
  if (e.addressType !== 'IPv4' && e.addressType !== 'IPv6') throw new Error(`${at}.addressType: expected IPv4 or IPv6`);
  if (e.service !== undefined && (!isRecord(e.service) || !Array.isArray(e.service.clusterIPs) || !Array.isArray(e.service.ports))) throw new Error(`${at}.service: expected type, clusterIPs and ports`);
  if (e.affinity !== undefined && (typeof e.affinity !== 'string' || !AFFINITIES.has(e.affinity))) throw new Error(`${at}.affinity: expected local, remote or none`);
  return e as unknown as PublishedExport;
}

function isEndpoint(x: unknown): x is ExportedEndpoint {
  return isRecord(x) && Array.isArray(x.addresses) && x.addresses.every((a) => typeof a === 'string') && typeof x.ready === 'boolean' && (x.hostname === undefined || typeof x.hostname === 'string');
}

function entries(v: unknown, field: string): Array<[string, unknown]> {
  if (v === undefined) return [];
  if (!isRecord(v)) throw new Error(`${field}: expected an object`);
  return Object.entries(v);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A member this replica does not hold (`serve --shards`), read from what its holder published on
 * the hub instead of from watches of its own. Readiness is the registry's (the Cluster status its
 * holder writes). Until a publication has been read the member is not synced, which holds back
 * every reconcile as a Ready member whose caches have not listed does.
 */
export class PublishedMember implements MemberView {
  private current: CheckedPublication | undefined;

  constructor(readonly member: { name: string; ready: boolean }, private readonly read: () => CheckedPublication | undefined) {
    this.refresh();
  }

  get name(): string {
    return this.member.name;
  }

  get ready(): boolean {
    return this.member.ready;
  }

  /** Re-reads the publication; returns the keys it named before and now (what to re-queue). */
  refresh(): Set<string> {
    const before = this.current?.keys ?? [];
    this.current = this.read();
    return new Set([...before, ...(this.current?.keys ?? [])]);
  }

  synced(): boolean {
    return this.current !== undefined;
  }

  keys(): Iterable<string> {
    return this.current?.keys ?? [];
  }

  exportOf(namespace: string, name: string): ClusterExport | undefined {
    const e = this.current?.exports.get(`${namespace}/${name}`);
    return e ? { ...e, cluster: this.name, clusterReady: this.ready } : undefined;
  }

  affinity(namespace: string, name: string): Affinity | undefined {
    return this.current?.affinities.get(`${namespace}/${name}`);
  }

  importIps(key: string): string[] {
    return this.current?.imports.get(key) ?? [];
  }
}
