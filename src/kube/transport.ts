import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import { KubeApiError } from './errors.js';
import type { RequestPriority } from './lanes.js';

// What KubeClient's transport is made of, apart from the client: its connection pools, the
// timing observer serve's metrics hang on, and how answers are read and errors named.

/** What one request cost, for metrics: the wait for a connection and the whole request. */
export interface RequestTiming {
  /** The client's kubeconfig context or member name. */
  client: string;
  method: string;
  priority: RequestPriority;
  /** Waited for one of the client's request connections (RequestLanes). */
  waitMs: number;
  /** From the call until the answer was read, the wait included. */
  totalMs: number;
  /** HTTP status; 0 when no answer came. */
  status: number;
}

let requestObserver: ((t: RequestTiming) => void) | undefined;

/**
 * Sets the one observer of every request's timing in this process (serve's metrics); undefined
 * removes it. Process-wide because clients are made in many places (members, peers, the hub).
 */
export function observeRequests(observer: ((t: RequestTiming) => void) | undefined): void {
  requestObserver = observer;
}

/** Hands one request's timing to the observer, if any. */
export function reportRequest(t: RequestTiming): void {
  requestObserver?.(t);
}

/** One read from a watch stream: how many events it carried (a read is one wake-up of this process). */
export interface WatchRead {
  client: string;
  /** The watched resource, as in the path (`pods`, `deployments`, ...). */
  resource: string;
  events: number;
}

let watchObserver: ((r: WatchRead) => void) | undefined;

/** Sets the one observer of every watch stream's reads in this process (serve's metrics). */
export function observeWatchReads(observer: ((r: WatchRead) => void) | undefined): void {
  watchObserver = observer;
}

/** Hands one watch read to the observer, if any. */
export function reportWatchRead(r: WatchRead): void {
  watchObserver?.(r);
}

/**
 * Connections a client keeps for requests to its server (watches have their own, one each). A
 * burst beyond it waits for a warm connection rather than opening more: a new TLS connection costs
 * a handshake on this process's one thread and on the server, and a burst of a hundred bindings
 * and delegates opened some 150 at once, each waiting half a second for its handshake while the
 * server answered the requests themselves in tens of milliseconds. Client-go multiplexes every
 * request over one HTTP/2 connection; this is the HTTP/1.1 equivalent of not opening dozens.
 */
export const REQUEST_CONNECTIONS = 16;

/** The two connection pools of a client: bounded for requests, one connection per watch. */
export interface Agents {
  requests: http.Agent;
  watches: http.Agent;
  /** TLS for the HTTP/2 connection of requests (https servers only). */
  h2?: { secureContext: tls.SecureContext; rejectUnauthorized: boolean };
}
/**
 * Keep-alive HTTPS agents whose connections share one TLS context. Given `ca`, `cert` and `key`
 * instead, Node parses them into a new context for every connection it opens: a burst of requests
 * to a member (a commit to many Applications) opened dozens at once, and parsing the PEMs was the
 * largest CPU cost of `meridian serve` in that window. Requests share REQUEST_CONNECTIONS warm
 * connections (most recently used first, so that idle ones stay idle); each watch holds its own.
 */
export function tlsAgents(credentials: Pick<tls.SecureContextOptions, 'ca' | 'cert' | 'key'>, rejectUnauthorized: boolean, connections = REQUEST_CONNECTIONS): Agents {
  const secureContext = tls.createSecureContext(credentials);
  return {
    requests: new https.Agent({ keepAlive: true, maxSockets: connections, scheduling: 'lifo', secureContext, rejectUnauthorized }),
    watches: new https.Agent({ keepAlive: true, secureContext, rejectUnauthorized }),
    h2: { secureContext, rejectUnauthorized },
  };
}

export function plainAgents(connections = REQUEST_CONNECTIONS): Agents {
  return { requests: new http.Agent({ keepAlive: true, maxSockets: connections, scheduling: 'lifo' }), watches: new http.Agent({ keepAlive: true }) };
}

export function readBody(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}

export function apiError(method: string, path: string, status: number, text: string): KubeApiError {
  let message = text.slice(0, 500);
  let reason = '';
  try {
    const parsed = JSON.parse(text) as { message?: string; reason?: string };
    message = parsed.message ?? message;
    reason = parsed.reason ?? '';
  } catch {
    // not a Status object; keep the raw text
  }
  return new KubeApiError(`${method} ${path}: ${status} ${message}`, status, reason);
}
