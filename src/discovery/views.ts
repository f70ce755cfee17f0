import { isIPv4, isIPv6 } from 'node:net';
import type { QueryContext } from '../dns/types.js';

/** How the zone tells which cluster asks. */
export interface ViewConfig {
  /** Server address and port a cluster's resolvers are pointed at: `addr:port`, `addr`, or `:port`. */
  listen?: Record<string, string>;
  /** Source networks per cluster (pod CIDRs, node networks, loopback addresses on the local fleet). */
  cidrs?: Record<string, string[]>;
}

interface Net {
  v6: boolean;
  base: bigint;
  prefix: number;
}

/** The querying cluster, and the prefix length the decision rested on (for ECS scope). */
export interface ViewMatch {
  cluster: string;
  scope: number;
}

function toBig(address: string): { v6: boolean; value: bigint } | undefined {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return toBig(mapped[1]);
  if (isIPv4(address)) return { v6: false, value: address.split('.').reduce((n, o) => (n << 8n) | BigInt(Number(o)), 0n) };
  if (!isIPv6(address)) return undefined;
  const [head, tail] = address.split('%')[0].split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return { v6: true, value: groups.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n) };
}

/** Parses a CIDR (or a bare address); throws naming the text when malformed. */
export function parseNet(text: string): Net {
  const [addr, len] = text.trim().split('/');
  const parsed = toBig(addr ?? '');
  const bits = parsed?.v6 ? 128 : 32;
  const prefix = len === undefined ? bits : Number(len);
  if (!parsed || !Number.isInteger(prefix) || prefix < 0 || prefix > bits) throw new Error(`invalid network "${text}" in the DNS view configuration`);
  const host = BigInt(bits - prefix);
  return { v6: parsed.v6, base: (parsed.value >> host) << host, prefix };
}

function toNets(cidrs: Record<string, string[]>): Array<{ cluster: string; net: Net }> {
  return Object.entries(cidrs).flatMap(([cluster, list]) => list.map((c) => ({ cluster, net: parseNet(c) }))).sort((a, b) => b.net.prefix - a.net.prefix);
}

function inNet(net: Net, a: { v6: boolean; value: bigint } | undefined): boolean {
  if (!a || a.v6 !== net.v6) return false;
  const host = BigInt((net.v6 ? 128 : 32) - net.prefix);
  return a.value >> host === net.base >> host;
}

/** ClusterViews as plain data (what DNS worker processes receive): the configuration and the members' networks. */
export interface ViewsData {
  config: ViewConfig;
  clusterNetworks: Record<string, string[]>;
}

/**
 * Tells the querying cluster from a query: first by the local address/port it was sent to (a
 * listener per cluster), then by its EDNS Client Subnet, then by its source address, longest
 * prefix first. Undefined when nothing matches: such clients get every healthy cluster.
 */
export class ClusterViews {
  private readonly listen: Map<string, string>;
  private readonly configured: Array<{ cluster: string; net: Net }>;
  private nets: Array<{ cluster: string; net: Net }>;
  private clusterNetworks: Record<string, string[]> = {};
  private readonly listeners = new Set<() => void>();

  constructor(private readonly config: ViewConfig = {}) {
    this.listen = new Map(Object.entries(config.listen ?? {}));
    this.configured = toNets(config.cidrs ?? {});
    this.nets = this.configured;
  }

  /** Rebuilds views from toData() output (in a DNS worker process). */
  static fromData(data: ViewsData): ClusterViews {
    const views = new ClusterViews(data.config);
    views.setClusterNetworks(data.clusterNetworks);
    return views;
  }

  /** The configuration and members' networks as plain data; fromData() rebuilds equal views. */
  toData(): ViewsData {
    return { config: { listen: { ...this.config.listen }, cidrs: { ...this.config.cidrs } }, clusterNetworks: this.clusterNetworks };
  }

  /** Calls `listener` after every setClusterNetworks (so DNS workers get the new views); returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Adds the members' own networks (Cluster spec.podCIDRs) beside the configured ones, replacing
   * the previous set; malformed entries are skipped (the Cluster object is not ours to reject).
   */
  setClusterNetworks(cidrs: Record<string, string[]>): void {
    const valid: Record<string, string[]> = {};
    for (const [cluster, list] of Object.entries(cidrs)) valid[cluster] = list.filter((c) => { try { parseNet(c); return true; } catch { return false; } });
    this.nets = [...this.configured, ...toNets(valid)].sort((a, b) => b.net.prefix - a.net.prefix);
    this.clusterNetworks = valid;
    for (const listener of this.listeners) listener();
  }

  /** The cluster asking, if known. */
  match(ctx: QueryContext): ViewMatch | undefined {
    const byListen = this.listen.get(`${ctx.localAddress}:${ctx.localPort}`) ?? this.listen.get(ctx.localAddress) ?? this.listen.get(`:${ctx.localPort}`);
    if (byListen) return { cluster: byListen, scope: 0 };
    if (this.nets.length === 0) return undefined;
    if (ctx.ecsSubnet) {
      const ecs = toBig(ctx.ecsSubnet.address);
      const hit = this.nets.find((n) => n.net.prefix <= ctx.ecsSubnet!.sourcePrefix && inNet(n.net, ecs));
      if (hit) return { cluster: hit.cluster, scope: hit.net.prefix };
    }
    // The address is parsed once per query, not once per network.
    const client = toBig(ctx.clientAddress);
    const hit = this.nets.find((n) => inNet(n.net, client));
    return hit ? { cluster: hit.cluster, scope: 0 } : undefined;
  }
}
