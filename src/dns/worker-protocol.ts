// The messages between the DNS worker pool (primary) and its workers: plain data only, so a
// snapshot crosses the process boundary as its input and is rebuilt on the other side.

import type { RrlOptions } from './rrl.js';
import type { ZoneSnapshotInput } from './snapshot.js';

/** The DnsServer options a worker needs (all serializable). */
export interface WorkerServerOptions {
  address?: string;
  port?: number;
  maxUdpSize?: number;
  tcpIdleTimeoutMs?: number;
  maxTcpConnections?: number;
  rrl?: Partial<RrlOptions> | false;
  minimalAny?: boolean;
}

/** Primary to worker. */
export type ToWorker =
  | { kind: 'init'; server: WorkerServerOptions; version: number; zones: ZoneSnapshotInput[] }
  | { kind: 'zones'; version: number; zones: ZoneSnapshotInput[] }
  | { kind: 'stats' }
  | { kind: 'stop' };

/** Worker to primary. */
export type FromWorker =
  | { kind: 'ready' }
  | { kind: 'serving'; version: number }
  | { kind: 'stats'; version: number; queries: number }
  | { kind: 'failed'; error: string };
