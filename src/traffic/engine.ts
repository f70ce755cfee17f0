import type { HealthCheckSpec, Policy } from '../api/globalservice.js';
import type { Logger } from '../util/log.js';
import type { Backend } from './backends.js';
import type { EdgeSync } from './edge.js';
import { isServing, type HealthState } from './health.js';
import { HealthMonitor, type CheckConfig } from './monitor.js';
import { selectBackends } from './policy.js';
import type { ProbeResult, ProbeTarget } from './probe.js';
import { compileHost, type HostEntry, type HostInput } from './snapshot.js';
import { nextSerial, type GslbZone } from './zone.js';

/** One GlobalService as the engine needs it: hostnames, policy, backends and how to check them. */
export interface ServiceInput {
  hostnames: string[];
  ttl: number;
  failClosed: boolean;
  policy: Policy;
  healthCheck: HealthCheckSpec;
  backends: Backend[];
}

/** A backend and its current health. */
export interface BackendHealth {
  backend: Backend;
  state: HealthState;
}

interface Registered {
  input: ServiceInput;
  checkKeys: Map<string, Backend>;
}

/** Options of the engine. */
export interface EngineOptions {
  zones: GslbZone[];
  log: Logger;
  /** Called after a backend's health flipped and the zone was rebuilt, with the service key. */
  onHealthChange?: (serviceKey: string) => void;
  /** External primaries per zone origin. */
  edges?: Map<string, EdgeSync>;
  probe?: (t: ProbeTarget) => Promise<ProbeResult>;
}

/**
 * The GSLB engine, free of Kubernetes: runs the health checks of every registered service and, on
 * each health flip or spec change, rebuilds the affected zone's snapshot (bumping its SOA serial
 * when anything changed) and pushes the records to the zone's external primary. The zone is rebuilt
 * in the health checker's callback itself, so an answer moves as soon as the threshold is crossed.
 */
export class TrafficEngine {
  private readonly services = new Map<string, Registered>();
  private readonly monitor: HealthMonitor;
  private readonly edges: Map<string, EdgeSync>;

  constructor(private readonly opts: EngineOptions) {
    this.edges = new Map(opts.edges ?? []);
    this.monitor = new HealthMonitor((checkKey) => this.onFlip(checkKey), opts.probe);
  }

  /** The zone that holds a hostname (the longest matching origin). */
  zoneFor(hostname: string): GslbZone | undefined {
    return this.opts.zones.filter((z) => hostname === z.origin || hostname.endsWith(`.${z.origin}`)).sort((a, b) => b.origin.length - a.origin.length)[0];
  }

  /** Registers or updates a service; its checks start at once. */
  apply(key: string, input: ServiceInput): void {
    const checkKeys = new Map<string, Backend>();
    for (const b of input.backends) {
      const checkKey = `${key}|${b.cluster}|${b.address}`;
      checkKeys.set(checkKey, b);
      this.monitor.set(checkKey, checkConfig(b, input));
    }
    this.services.set(key, { input, checkKeys });
    this.monitor.retain(new Set([...this.services.values()].flatMap((s) => [...s.checkKeys.keys()])));
    this.rebuild();
  }

  /** Forgets a service; its names leave the zone. */
  remove(key: string): void {
    if (!this.services.delete(key)) return;
    this.monitor.retain(new Set([...this.services.values()].flatMap((s) => [...s.checkKeys.keys()])));
    this.rebuild();
  }

  /** Health of each backend of a service. */
  health(key: string): BackendHealth[] {
    const s = this.services.get(key);
    if (!s) return [];
    return [...s.checkKeys].flatMap(([checkKey, backend]) => {
      const state = this.monitor.state(checkKey);
      return state ? [{ backend, state }] : [];
    });
  }

  /** Hostnames of a service that another service (earlier by key) already answers. */
  conflicts(key: string): string[] {
    const owner = this.owners();
    return (this.services.get(key)?.input.hostnames ?? []).filter((h) => owner.get(h) !== key);
  }

  /** Pushes a zone's records to an external primary from now on (and right away). */
  setEdge(origin: string, edge: EdgeSync): void {
    this.edges.set(origin, edge);
    const zone = this.opts.zones.find((z) => z.origin === origin);
    if (zone) this.pushEdge(zone, [...zone.snapshot().hosts.values()]);
  }

  /** Stops every health check. */
  stop(): void {
    this.monitor.stop();
  }

  private onFlip(checkKey: string): void {
    this.rebuild();
    this.opts.onHealthChange?.(checkKey.split('|')[0]);
  }

  private owners(): Map<string, string> {
    const owner = new Map<string, string>();
    for (const key of [...this.services.keys()].sort()) for (const h of this.services.get(key)?.input.hostnames ?? []) if (!owner.has(h)) owner.set(h, key);
    return owner;
  }

  private rebuild(): void {
    const byZone = new Map<GslbZone, HostEntry[]>(this.opts.zones.map((z) => [z, []]));
    for (const [hostname, key] of this.owners()) {
      const zone = this.zoneFor(hostname);
      const s = this.services.get(key);
      if (!zone || !s) continue;
      const backends = [...s.checkKeys].map(([checkKey, b]) => ({ cluster: b.cluster, region: b.region, address: b.address, healthy: isServing(this.monitor.state(checkKey) ?? { health: 'Unknown' } as HealthState) }));
      const input: HostInput = { hostname, ttl: s.input.ttl, failClosed: s.input.failClosed, policy: s.input.policy, backends };
      byZone.get(zone)?.push(compileHost(input));
    }
    for (const [zone, entries] of byZone) this.publish(zone, entries);
  }

  private publish(zone: GslbZone, entries: HostEntry[]): void {
    const prev = zone.snapshot();
    const hosts = new Map(entries.sort((a, b) => a.hostname.localeCompare(b.hostname)).map((e) => [e.hostname, e]));
    if (fingerprint(prev.hosts) === fingerprint(hosts)) return;
    zone.setSnapshot({ ...prev, serial: nextSerial(prev.serial), hosts });
    this.pushEdge(zone, entries);
  }

  private pushEdge(zone: GslbZone, entries: HostEntry[]): void {
    const edge = this.edges.get(zone.origin);
    if (!edge) return;
    edge.push(entries.map((e) => ({ name: e.hostname, ttl: e.ttl, addresses: edgeAddresses(e) })))
      .catch((err: Error) => this.opts.log.warn({ zone: zone.origin, err: err.message }, 'edge DNS update failed; drift repair will retry'));
  }
}

/** What an external primary, which has no policies, should hold: failover's choice, else the whole pool. */
export function edgeAddresses(e: HostEntry): string[] {
  const chosen = e.policy.type === 'failover' ? selectBackends(e, {}, 0).backends : e.pool;
  return chosen.map((b) => b.address);
}

/** A comparable rendering of a zone's hosts (CIDR tables hold bigints, which JSON cannot render). */
function fingerprint(hosts: ReadonlyMap<string, HostEntry>): string {
  return JSON.stringify([...hosts], (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

function checkConfig(b: Backend, input: ServiceInput): CheckConfig {
  const hc = input.healthCheck;
  const protocol = hc.protocol ?? 'http';
  return {
    target: {
      protocol, address: b.address, port: b.port, path: hc.path ?? '/', host: hc.host ?? input.hostnames[0],
      expectedStatus: hc.expectedStatus ?? [], timeoutMs: Math.round((hc.timeoutSeconds ?? 2) * 1000),
    },
    intervalMs: Math.round((hc.intervalSeconds ?? 10) * 1000),
    failureThreshold: hc.failureThreshold ?? 3,
    successThreshold: hc.successThreshold ?? 1,
  };
}
