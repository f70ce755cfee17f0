// The `--dns-workers` flag of `meridian serve`: how many processes answer DNS.

import { availableParallelism } from 'node:os';
import { isLoopbackAddress } from '../util/loopback.js';
import type { UdpIo } from './udp-native.js';

/**
 * The DNS worker count from `--dns-workers` (0..64; 0 answers in the serve process on one thread).
 * Default: one thread on a loopback address (the local fleet, the demo and tests, where a few
 * hundred queries a second arrive and every extra process costs memory and start-up time); every
 * core on an exposed address, where throughput and amplification resistance must match BIND's.
 */
export function parseDnsWorkers(flag: string | undefined, dnsAddress: string): number {
  if (flag === undefined) return isLoopbackAddress(dnsAddress) ? 0 : availableParallelism();
  const n = Number(flag);
  if (!/^\d+$/.test(flag.trim()) || n > 64) throw new Error(`--dns-workers: expected a whole number 0..64, got "${flag}"`);
  return n;
}

/**
 * The UDP I/O path from `--dns-io`: 'native' (the batched addon, native/udp-batch) or 'node'
 * (dgram); undefined (the default) takes native when the addon loads.
 */
export function parseDnsIo(flag: string | undefined): UdpIo | undefined {
  if (flag === undefined) return undefined;
  if (flag !== 'native' && flag !== 'node') throw new Error(`--dns-io: expected native or node, got "${flag}"`);
  return flag;
}
