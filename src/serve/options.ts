import { CONTROLLER_NAMES } from './names.js';
import { parseViews } from '../discovery/options.js';
import type { ViewConfig } from '../discovery/views.js';
import type { RrlOptions } from '../dns/rrl.js';
import type { UdpIo } from '../dns/udp-native.js';
import { parseDnsIo, parseDnsWorkers } from '../dns/workers-option.js';
import { checkHttpExposure, parseDnsRrl, type DnsRrlFlags, type HttpExposureOptions } from './exposure.js';

/** Options of `meridian serve`, validated. */
export interface ServeOptions {
  kubeconfig?: string;
  hubContext?: string;
  /** Names of the controllers to run. */
  controllers: string[];
  probeIntervalMs: number;
  httpAddress: string;
  httpPort: number;
  /** TLS pair and bearer-token file of the HTTP API (required on a non-loopback address). */
  httpExposure: HttpExposureOptions;
  /** Response-rate limiting of the DNS listeners: undefined is the default (on for non-loopback). */
  dnsRrl?: Partial<RrlOptions> | false;
  dnsAddress: string;
  dnsPort: number;
  /** More DNS listeners (`addr:port`), e.g. one per cluster view on the local fleet. */
  dnsListen: Array<{ address: string; port: number }>;
  /** DNS worker processes sharing the listeners; 0 answers in this process (src/dns/serve-dns.ts). */
  dnsWorkers: number;
  /** UDP I/O path for DNS (`--dns-io`); undefined: native when the addon loads. */
  dnsIo: UdpIo | undefined;
  leaderElection: boolean;
  /** Split the members between replicas (a Lease per member) instead of electing one leader. */
  shards: boolean;
  /** Replicas with the same shard group share the members. */
  shardGroup: string;
  leaseName: string;
  leaseDurationMs: number;
  /** A leader that could not renew for this long stops acting (shorter than the lease). */
  renewDeadlineMs: number;
  /** Time between lease acquire/renew attempts. */
  retryPeriodMs: number;
  identity: string;
  logLevel: string;
  /** gitops: where Git repositories and checked-out trees are cached. */
  gitopsCacheDir?: string;
  /** gitops: how long a resolved branch or tag is trusted before fetching again. */
  gitopsPollIntervalMs?: number;
  /** gitops: how often every Application is compared with its member (drift). */
  gitopsResyncMs?: number;
  /** gitops: allow file:// repositories (off unless asked; the local demo turns it on). */
  gitopsAllowFileRepos?: boolean;
  /** gitops: file holding the Git webhook secret (HMAC / token); else the hub Secret, else unsigned. */
  gitopsWebhookSecretFile?: string;
  /** gitops: total size of extracted Git trees kept on disk. */
  gitopsTreeCacheMaxBytes?: number;
  /** GSLB zones the traffic controller answers. */
  gslbZones: string[];
  /** Hub Secret (namespace/name) with the edge DNS primary and TSIG key; none: no push. */
  gslbEdgeSecret?: string;
  /** Discovery: ClusterSetIP range, clusterset.local TTL (s), which cluster asks by source or listener. */
  clustersetIpRange?: string;
  clustersetDnsTtl?: number;
  dnsViews?: ViewConfig;
}

/** Raw flags as commander gives them. */
export interface ServeFlags extends DnsRrlFlags {
  httpTlsCert?: string;
  httpTlsKey?: string;
  httpTokenFile?: string;
  kubeconfig?: string;
  context?: string;
  controllers?: string;
  probeInterval?: string;
  httpAddress?: string;
  httpPort?: string;
  dnsAddress?: string;
  dnsPort?: string;
  dnsListen?: string;
  dnsWorkers?: string;
  dnsIo?: string;
  leaderElect?: boolean;
  shards?: boolean;
  shardGroup?: string;
  leaseName?: string;
  leaseDuration?: string;
  renewDeadline?: string;
  retryPeriod?: string;
  identity?: string;
  logLevel?: string;
  gitopsCacheDir?: string;
  gitopsPollInterval?: string;
  gitopsResync?: string;
  allowFileRepos?: boolean;
  gitopsWebhookSecretFile?: string;
  gitopsTreeCacheSize?: string;
  gslbZones?: string;
  gslbEdgeSecret?: string;
  clustersetIpRange?: string;
  clustersetDnsTtl?: string;
  dnsViews?: string;
}

/**
 * Parses `--controllers` like kube-controller-manager: `*` is every controller, `-name` switches
 * one off, `name` switches one on (e.g. `*,-traffic`).
 */
export function parseControllers(spec: string, known: readonly string[] = CONTROLLER_NAMES): string[] {
  const enabled = new Set<string>();
  for (const raw of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const off = raw.startsWith('-');
    const name = off ? raw.slice(1) : raw;
    if (name === '*') known.forEach((k) => enabled.add(k));
    else if (!known.includes(name)) throw new Error(`--controllers: unknown controller "${name}" (known: ${known.join(', ')})`);
    else if (off) enabled.delete(name);
    else enabled.add(name);
  }
  return known.filter((k) => enabled.has(k));
}

function positiveNumber(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${flag}: expected a non-negative number, got "${value}"`);
  return n;
}

/** Parses `--dns-listen 127.0.1.1:5353,127.0.1.2:5353`. */
export function parseListeners(value: string | undefined): Array<{ address: string; port: number }> {
  return (value ?? '').split(',').map((s) => s.trim()).filter(Boolean).map((entry) => {
    const m = /^(.+):(\d+)$/.exec(entry);
    const port = Number(m?.[2]);
    if (!m || port < 1 || port > 65535) throw new Error(`--dns-listen: expected addr:port, got "${entry}"`);
    return { address: m[1].replace(/^\[|\]$/g, ''), port };
  });
}

/**
 * Controllers that do not follow members' shards yet: bursting acts on two members at once, and the
 * secrets controllers have not been run under `--shards`. `--shards` leaves them out by default.
 */
const UNSHARDED_CONTROLLERS = ['scheduling', 'secrets', 'secretstores'];

function shardGroup(value: string | undefined): string {
  const g = value ?? 'meridian-shards';
  if (!/^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/.test(g)) throw new Error(`--shard-group: expected a DNS label of at most 40 characters, got "${g}"`);
  return g;
}

/** `--shards` with a controller that cannot be sharded is refused with what to do instead. */
export function checkShardable(flags: Pick<ServeFlags, 'shards' | 'gslbEdgeSecret'>, controllers: string[]): void {
  if (!flags.shards) return;
  const bad = controllers.filter((c) => UNSHARDED_CONTROLLERS.includes(c));
  if (bad.length > 0) throw new Error(`--shards: controller ${bad.join(', ')} is not sharded yet; leave it out (--controllers '*,-${bad.join(',-')}') and run it in one replica without --shards`);
  if (flags.gslbEdgeSecret) throw new Error('--shards: --gslb-edge-secret pushes to the edge DNS from one replica only; run the edge push in one replica without --shards');
}

function controllersOf(flags: ServeFlags): string[] {
  const spec = flags.controllers ?? (flags.shards ? ['*', ...UNSHARDED_CONTROLLERS.map((c) => `-${c}`)].join(',') : '*');
  const controllers = parseControllers(spec);
  checkShardable(flags, controllers);
  return controllers;
}

/** Validates the flags of `meridian serve`. */
export function parseServeOptions(flags: ServeFlags, env: NodeJS.ProcessEnv, hostname: string): ServeOptions {
  const httpExposure = { httpTlsCertFile: flags.httpTlsCert, httpTlsKeyFile: flags.httpTlsKey, httpTokenFile: flags.httpTokenFile };
  checkHttpExposure(flags.httpAddress ?? '127.0.0.1', httpExposure);
  return {
    httpExposure,
    dnsRrl: parseDnsRrl(flags),
    kubeconfig: flags.kubeconfig ?? env.KUBECONFIG,
    hubContext: flags.context ?? 'hub',
    controllers: controllersOf(flags),
    probeIntervalMs: positiveNumber('--probe-interval', flags.probeInterval, 5) * 1000,
    httpAddress: flags.httpAddress ?? '127.0.0.1',
    httpPort: positiveNumber('--http-port', flags.httpPort, 8480),
    dnsAddress: flags.dnsAddress ?? '127.0.0.1',
    dnsPort: positiveNumber('--dns-port', flags.dnsPort, 5353),
    dnsListen: parseListeners(flags.dnsListen),
    dnsWorkers: parseDnsWorkers(flags.dnsWorkers, flags.dnsAddress ?? '127.0.0.1'),
    dnsIo: parseDnsIo(flags.dnsIo),
    leaderElection: flags.leaderElect ?? true,
    shards: flags.shards ?? false,
    shardGroup: shardGroup(flags.shardGroup),
    leaseName: flags.leaseName ?? 'meridian-leader',
    leaseDurationMs: positiveNumber('--lease-duration', flags.leaseDuration, 15) * 1000,
    renewDeadlineMs: positiveNumber('--renew-deadline', flags.renewDeadline, Math.min(10, (2 / 3) * Number(flags.leaseDuration ?? 15))) * 1000,
    retryPeriodMs: positiveNumber('--retry-period', flags.retryPeriod, Math.min(2, (2 / 15) * Number(flags.leaseDuration ?? 15))) * 1000,
    identity: flags.identity ?? `${hostname}-${process.pid}`,
    logLevel: flags.logLevel ?? 'info',
    gitopsCacheDir: flags.gitopsCacheDir ?? (env.HOME ? `${env.HOME}/.meridian/gitops` : undefined),
    gitopsPollIntervalMs: positiveNumber('--gitops-poll-interval', flags.gitopsPollInterval, 30) * 1000,
    gitopsResyncMs: positiveNumber('--gitops-resync', flags.gitopsResync, 20) * 1000,
    gitopsAllowFileRepos: flags.allowFileRepos ?? false,
    gitopsWebhookSecretFile: flags.gitopsWebhookSecretFile,
    gitopsTreeCacheMaxBytes: positiveNumber('--gitops-tree-cache-size', flags.gitopsTreeCacheSize, 2048) * 1024 * 1024,
    gslbZones: (flags.gslbZones ?? 'global.example.test').split(',').map((z) => z.trim().toLowerCase().replace(/\.$/, '')).filter(Boolean),
    gslbEdgeSecret: flags.gslbEdgeSecret,
    clustersetIpRange: flags.clustersetIpRange,
    clustersetDnsTtl: positiveNumber('--clusterset-dns-ttl', flags.clustersetDnsTtl, 5),
    dnsViews: parseViews(flags.dnsViews),
  };
}
