import { parseIpv4Range } from './allocator.js';
import { ClusterViews, type ViewConfig } from './views.js';

/** Options of the discovery controller and its zone, validated. */
export interface DiscoveryOptions {
  /** IPv4 CIDR ClusterSetIPs are allocated from. */
  clustersetIpRange: string;
  /** The value of each member's `clusterset.k8s.io` ClusterProperty. */
  clustersetName: string;
  /** TTL of every answer, seconds (default 5). */
  ttlSeconds: number;
  views: ClusterViews;
  nameserverAddresses: string[];
  clusterSetIpAnswers: boolean;
  /** Periodic resync of every service key. */
  resyncMs: number;
  /** How long changes are gathered before the DNS snapshot is rebuilt. */
  snapshotDelayMs: number;
}

/** Raw discovery settings, as flags or a test give them. */
export interface DiscoverySettings {
  clustersetIpRange?: string;
  clustersetName?: string;
  ttlSeconds?: number;
  views?: ViewConfig;
  nameserverAddresses?: string[];
  clusterSetIpAnswers?: boolean;
  resyncMs?: number;
  snapshotDelayMs?: number;
}

/** The default ClusterSetIP range: outside the local fleet's pod (10.10x) and service (10.20x) ranges. */
export const DEFAULT_CLUSTERSET_IP_RANGE = '10.250.0.0/16';

/** Validates discovery settings; errors name the setting. */
export function discoveryOptions(s: DiscoverySettings = {}): DiscoveryOptions {
  const range = s.clustersetIpRange ?? DEFAULT_CLUSTERSET_IP_RANGE;
  parseIpv4Range(range);
  const ttl = s.ttlSeconds ?? 5;
  if (!Number.isInteger(ttl) || ttl < 0 || ttl > 86400) throw new Error(`DNS TTL: expected whole seconds between 0 and 86400, got ${ttl}`);
  return {
    clustersetIpRange: range,
    clustersetName: s.clustersetName ?? 'meridian',
    ttlSeconds: ttl,
    views: new ClusterViews(s.views),
    nameserverAddresses: s.nameserverAddresses ?? ['127.0.0.1'],
    clusterSetIpAnswers: s.clusterSetIpAnswers ?? false,
    resyncMs: s.resyncMs ?? 60_000,
    snapshotDelayMs: s.snapshotDelayMs ?? 10,
  };
}

/**
 * Parses `--dns-views`: `cluster=cidr|cidr,cluster2=...`, where an entry may also be `@addr:port`
 * (the listener the cluster's resolvers use), e.g. `us-east=10.101.0.0/16|@127.0.0.1:5301`.
 */
export function parseViews(text: string | undefined): ViewConfig {
  const cidrs: Record<string, string[]> = {};
  const listen: Record<string, string> = {};
  for (const entry of (text ?? '').split(',').map((x) => x.trim()).filter(Boolean)) {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new Error(`--dns-views: expected cluster=cidr|@addr:port, got "${entry}"`);
    const cluster = entry.slice(0, eq);
    for (const item of entry.slice(eq + 1).split('|').map((x) => x.trim()).filter(Boolean)) {
      if (item.startsWith('@')) listen[item.slice(1)] = cluster;
      else (cidrs[cluster] ??= []).push(item);
    }
  }
  new ClusterViews({ cidrs, listen });
  return { cidrs, listen };
}
