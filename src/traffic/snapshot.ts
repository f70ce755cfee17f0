import type { Policy } from '../api/globalservice.js';
import { parseCidr, type Network } from './cidr.js';
import { smoothWeightedSequence } from './weighted.js';

/** One backend address of a hostname, with its current health. */
export interface BackendAnswer {
  cluster: string;
  region: string;
  address: string;
  healthy: boolean;
}

/** A policy compiled for the query path: CIDR tables parsed, the weighted cycle precomputed. */
export type CompiledPolicy =
  | { type: 'failover'; order: string[] }
  | { type: 'roundRobin' }
  | { type: 'weighted'; sequence: string[] }
  | { type: 'geo'; rules: Array<{ nets: Network[]; value: string[] }>; defaultRegions: string[] }
  | { type: 'latency'; rows: Array<{ nets: Network[]; value: Record<string, number> }> };

/** Everything the zone needs to answer one hostname; immutable once built. */
export interface HostEntry {
  hostname: string;
  ttl: number;
  /** The backends answers are drawn from: the healthy ones, or all of them when failing open. */
  pool: BackendAnswer[];
  /** True when no backend is healthy and the pool is every backend (fail open). */
  failingOpen: boolean;
  policy: CompiledPolicy;
}

/** What a GlobalService contributes to its zone. */
export interface HostInput {
  hostname: string;
  ttl: number;
  failClosed: boolean;
  policy: Policy;
  backends: BackendAnswer[];
}

/** Builds the immutable entry of one hostname: picks the pool (fail open unless failClosed) and compiles the policy. */
export function compileHost(input: HostInput): HostEntry {
  const healthy = input.backends.filter((b) => b.healthy);
  const failingOpen = healthy.length === 0 && !input.failClosed && input.backends.length > 0;
  const pool = healthy.length > 0 ? healthy : failingOpen ? input.backends : [];
  return { hostname: input.hostname, ttl: input.ttl, pool, failingOpen, policy: compilePolicy(input.policy, pool, input.hostname) };
}

/** Checks a policy the way the query path will compile it; throws naming the hostname and field. */
export function validatePolicy(policy: Policy, hostname: string): void {
  compilePolicy(policy, [], hostname);
}

/** Identifies a backend inside the weighted cycle. */
export function backendKey(b: BackendAnswer): string {
  return `${b.cluster}/${b.address}`;
}

function compilePolicy(policy: Policy, pool: BackendAnswer[], where: string): CompiledPolicy {
  const nets = (cidrs: string[]) => cidrs.map((c) => {
    try {
      return parseCidr(c);
    } catch (err) {
      throw new Error(`${where}: spec.policy: ${(err as Error).message}`, { cause: err });
    }
  });
  switch (policy.type) {
    case 'failover':
      return { type: 'failover', order: policy.order ?? (policy.primaryRegion ? [policy.primaryRegion] : []) };
    case 'roundRobin':
      return { type: 'roundRobin' };
    case 'weighted': {
      const weights = policy.weights ?? {};
      return { type: 'weighted', sequence: smoothWeightedSequence(pool.map((b) => ({ key: backendKey(b), weight: weights[b.cluster] ?? weights[b.region] ?? 0 }))) };
    }
    case 'geo':
      return { type: 'geo', rules: (policy.geo?.rules ?? []).map((r) => ({ nets: nets(r.cidrs), value: r.regions })), defaultRegions: policy.geo?.defaultRegions ?? [] };
    case 'latency':
      return { type: 'latency', rows: (policy.latency?.networks ?? []).map((r) => ({ nets: nets(r.cidrs), value: r.rttMs })) };
  }
}
