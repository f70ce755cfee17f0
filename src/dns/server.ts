// Meridian's authoritative DNS server: UDP and TCP on one address and port, queries routed to the
// zone with the longest matching origin, optional forwarding of other names to a loopback resolver.

import type { Registry } from 'prom-client';
import { createDispatch } from './dispatch.js';
import { UpstreamForwarder, type UpstreamOptions } from './forwarder.js';
import { noDnsMetrics, prometheusDnsMetrics, type DnsMetrics } from './metrics.js';
import { ZoneRouter } from './router.js';
import type { ReplyCache } from './reply-cache.js';
import { ResponseRateLimiter, type RrlOptions } from './rrl.js';
import { isLoopbackAddress } from '../util/loopback.js';
import { listenTcp, type TcpListener } from './tcp.js';
import type { ZoneAuthority } from './types.js';
import { listenUdp, type UdpListener } from './udp.js';
import { listenUdpNative, udpBatchAddon, type UdpIo } from './udp-native.js';

/** How the server listens and answers. */
export interface DnsServerOptions {
  /** Address to bind, IPv4 or IPv6; default 127.0.0.1. */
  address?: string;
  /** Port for UDP and TCP; 0 (the default) picks a free one, reported by start(). */
  port?: number;
  zones?: ZoneAuthority[];
  /** A zone table to share with other listeners (zones added to it are served by all); `zones` join it. */
  router?: ZoneRouter;
  /** Largest UDP reply to EDNS clients, 512..4096; default 1232 (the DNS Flag Day 2020 value). */
  maxUdpSize?: number;
  /** Resolver on 127.0.0.0/8 for names outside our zones; without it those get REFUSED. */
  upstream?: UpstreamOptions;
  tcpIdleTimeoutMs?: number;
  maxTcpConnections?: number;
  /** Metrics callbacks; or pass `registry` to count in prom-client. */
  metrics?: DnsMetrics;
  registry?: Registry;
  /**
   * Response-rate limiting of UDP replies (BIND-style RRL): on by default on a non-loopback address,
   * off on loopback; `false` switches it off, an object tunes it.
   */
  rrl?: Partial<RrlOptions> | false;
  /** ANY over UDP answered with one RRset (RFC 8482); default: on for a non-loopback address. */
  minimalAny?: boolean;
  /** Run as one of several cluster workers on one port: share the primary's sockets (src/dns/workers.ts). */
  clusterWorker?: boolean;
  /** Reuse UDP replies (src/dns/reply-cache.ts); the owner must clear it whenever zone data changes. */
  replyCache?: ReplyCache;
  /**
   * How UDP is read: 'native' (batched recvmmsg/sendmmsg, native/udp-batch; the default when the
   * addon loads) or 'node' (dgram). Asked for 'native' without the addon, the server uses 'node'
   * and says why in `udpIoFallback`.
   */
  udpIo?: UdpIo;
  /** Socket errors that do not stop the server (e.g. a send to a vanished client). */
  onError?: (err: Error) => void;
}

/** Where the server ended up listening. */
export interface BoundAddress {
  address: string;
  port: number;
}

/** Tries to find a port free for both UDP and TCP when asked for an ephemeral one. */
const EPHEMERAL_ATTEMPTS = 8;

/** An authoritative DNS server over UDP and TCP; zones can be added and removed while it runs. */
export class DnsServer {
  /** The zone table queries are routed through. */
  readonly router: ZoneRouter;
  private readonly options: DnsServerOptions;
  private readonly forwarder: UpstreamForwarder | undefined;
  private readonly metrics: DnsMetrics;
  private readonly rrl: ResponseRateLimiter | undefined;
  private readonly minimalAny: boolean;
  private udp: UdpListener | undefined;
  private tcp: TcpListener | undefined;
  /** Why 'native' UDP I/O was asked for (or defaulted to) but not used. */
  private fallback: string | undefined;

  /** Validates options; nothing listens until start(). */
  constructor(options: DnsServerOptions = {}) {
    const maxUdp = options.maxUdpSize ?? 1232;
    if (!Number.isInteger(maxUdp) || maxUdp < 512 || maxUdp > 4096) throw new Error(`maxUdpSize ${maxUdp} is outside 512..4096`);
    this.options = { ...options, maxUdpSize: maxUdp };
    this.router = options.router ?? new ZoneRouter();
    for (const zone of options.zones ?? []) this.router.add(zone);
    this.forwarder = options.upstream ? new UpstreamForwarder(options.upstream) : undefined;
    this.metrics = options.metrics ?? (options.registry ? prometheusDnsMetrics(options.registry) : noDnsMetrics);
    const exposed = !isLoopbackAddress(options.address ?? '127.0.0.1');
    const rrl = options.rrl ?? (exposed ? {} : false);
    this.rrl = rrl === false ? undefined : new ResponseRateLimiter(rrl);
    this.minimalAny = options.minimalAny ?? exposed;
  }

  /** Whether UDP replies are rate-limited and ANY is minimal: the exposure this server runs with. */
  get protections(): { rrl: boolean; minimalAny: boolean } {
    return { rrl: this.rrl !== undefined, minimalAny: this.minimalAny };
  }

  /** The UDP I/O path in use (after start). */
  get udpIo(): UdpIo | undefined {
    return this.udp?.io;
  }

  /** Why the addon's UDP I/O is not used although it was asked for; undefined when it is or was not asked. */
  get udpIoFallback(): string | undefined {
    return this.fallback;
  }

  /** Serves a zone (its origin must not be served already). */
  addZone(zone: ZoneAuthority): void {
    this.router.add(zone);
  }

  /** Stops serving a zone. */
  removeZone(origin: string): boolean {
    return this.router.remove(origin);
  }

  /** The port both transports listen on (after start). */
  get port(): number {
    if (!this.udp) throw new Error('DNS server is not started');
    return this.udp.port;
  }

  /** Binds UDP, then TCP on the same port; with port 0 retries until one port is free for both. */
  async start(): Promise<BoundAddress> {
    if (this.udp) throw new Error('DNS server is already started');
    const o = this.options;
    const address = o.address ?? '127.0.0.1';
    const onError = o.onError ?? (() => undefined);
    const metrics = this.metrics;
    const limits = { maxUdpSize: o.maxUdpSize!, forwarding: this.forwarder !== undefined, minimalAny: this.minimalAny };
    const dispatch = createDispatch({ router: this.router, metrics, forwarder: this.forwarder, rrl: this.rrl, limits, replyCache: o.replyCache });
    const tcpOptions = { idleTimeoutMs: o.tcpIdleTimeoutMs ?? 10_000, maxConnections: o.maxTcpConnections ?? 1000, exclusive: !o.clusterWorker };
    const addon = o.udpIo === 'node' ? {} : udpBatchAddon();
    this.fallback = o.udpIo !== 'node' && !addon.binding ? `UDP I/O addon not loaded (${addon.error}); using Node's dgram` : undefined;
    // Cluster workers each own a socket on the shared port (SO_REUSEPORT); one server binds exclusively.
    const bindUdp = (port: number): Promise<UdpListener> => addon.binding
      ? Promise.resolve().then(() => listenUdpNative(addon.binding!, address, port, o.clusterWorker === true, dispatch, onError))
      : listenUdp(address, port, dispatch, onError);
    for (let attempt = 1; ; attempt++) {
      const udp = await bindUdp(o.port ?? 0);
      try {
        this.tcp = await listenTcp(address, udp.port, dispatch, tcpOptions, () => metrics.drop('tcp-limit', 'tcp'));
        this.udp = udp;
        return { address, port: udp.port };
      } catch (err) {
        await udp.close();
        if ((o.port ?? 0) !== 0 || attempt >= EPHEMERAL_ATTEMPTS) throw new Error(`cannot listen on TCP ${address}:${udp.port}`, { cause: err });
      }
    }
  }

  /** Closes both listeners, open TCP connections and the forwarder. */
  async stop(): Promise<void> {
    const { udp, tcp } = this;
    this.udp = undefined;
    this.tcp = undefined;
    this.forwarder?.close();
    await Promise.all([udp?.close(), tcp?.close()]);
  }
}
