// The messages between the DNS worker pool (primary) and its workers: plain data only, so a
// snapshot crosses the process boundary as its input and is rebuilt on the other side.

import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import type { PortableZone } from './portable.js';
import type { RrlOptions } from './rrl.js';
import type { UdpIo } from './udp-native.js';

/** One more address and port every worker answers on (e.g. a listener per cluster view). */
export interface WorkerListener {
  address: string;
  port: number;
}

/** The DnsServer options a worker needs (all serializable). */
export interface WorkerServerOptions {
  address?: string;
  port?: number;
  /** Listeners beyond address:port, each with a fixed port. */
  listeners?: WorkerListener[];
  maxUdpSize?: number;
  tcpIdleTimeoutMs?: number;
  maxTcpConnections?: number;
  rrl?: Partial<RrlOptions> | false;
  minimalAny?: boolean;
  /** UDP I/O path (src/dns/udp-native.ts); default native when the addon loads. */
  udpIo?: UdpIo;
}

/** Primary to worker. */
export type ToWorker =
  | { kind: 'init'; server: WorkerServerOptions; workers: number; version: number; zones: PortableZone[] }
  | { kind: 'zones'; version: number; zones: PortableZone[] }
  | { kind: 'stats' }
  | { kind: 'metrics'; request: number }
  | { kind: 'stop' };

/** Worker to primary. */
export type FromWorker =
  | { kind: 'ready' }
  | { kind: 'serving'; version: number; udpIo?: UdpIo; udpIoFallback?: string }
  | { kind: 'stats'; version: number; queries: number; cached: number }
  | { kind: 'metrics'; request: number; metrics: Array<MetricObjectWithValues<MetricValue<string>>> }
  | { kind: 'failed'; version?: number; error: string };
