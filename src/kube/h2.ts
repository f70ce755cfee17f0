import http2 from 'node:http2';
import type tls from 'node:tls';
import { KubeApiError } from './errors.js';

/**
 * Streams a client keeps in flight at once over its one HTTP/2 connection (the API server allows
 * 250 by default); beyond it requests wait by priority (RequestLanes).
 */
export const REQUEST_STREAMS = 100;

/**
 * Flow-control windows this client gives the server, as client-go's transport does (4 MiB per
 * stream, 1 GiB for the connection). Node's defaults are 64 KiB for both, and Node sends a window
 * update only as the event loop reads the data: a burst of answers (sixty status writes, forty
 * applies with their managed fields) stalled the server every 64 KiB until a loop busy with the
 * same burst got round to reading. Every answer is read whole by request() anyway.
 */
const STREAM_WINDOW = 4 << 20;
const CONNECTION_WINDOW = 1 << 30;

/** How long a connection that let a request time out gets to answer a PING before it is dropped. */
const PING_DEADLINE_MS = 5000;

/** One request's answer. */
export interface Answer {
  status: number;
  text: string;
}

/** One request to send over HTTP/2. */
export interface H2Request {
  method: string;
  /** Path and query string. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Prefix of error messages: `${method} ${server}${path}`. */
  what: string;
}

/**
 * The HTTP/2 connection of one client to one API server, as client-go holds it: every request is
 * a stream on one TLS connection, so a burst of a hundred writes needs no new handshakes and waits
 * for no free connection. The connection is opened on first use, replaced when it closes, goes
 * away (GOAWAY) or stops answering, and does not keep the process alive while idle. A server that
 * does not offer HTTP/2 (ALPN) is remembered, and the client uses HTTP/1.1 for it from then on.
 */
export class H2Connection {
  private session: http2.ClientHttp2Session | undefined;
  private connecting: Promise<http2.ClientHttp2Session | undefined> | undefined;
  /** Streams in flight per connection: a connection holds the process open only while it has some. */
  private readonly active = new WeakMap<http2.ClientHttp2Session, number>();
  private closed = false;
  /** True once the server turned HTTP/2 down: the caller uses HTTP/1.1. */
  unsupported = false;

  constructor(private readonly server: string, private readonly tlsOptions: { secureContext: tls.SecureContext; rejectUnauthorized: boolean }) {}

  /** Sends one request; undefined when the server does not speak HTTP/2 (then `unsupported` is set). */
  async send(req: H2Request): Promise<Answer | undefined> {
    const session = await this.open(req);
    if (!session) return undefined;
    return this.exchange(session, req);
  }

  /** Closes the connection; requests in flight fail. */
  close(): void {
    this.closed = true;
    this.session?.destroy();
    this.session = undefined;
  }

  private open(req: H2Request): Promise<http2.ClientHttp2Session | undefined> {
    if (this.closed) return Promise.reject(new KubeApiError(`${req.what}: client closed`, 0));
    if (this.session && !this.session.closed && !this.session.destroyed) return Promise.resolve(this.session);
    this.connecting ??= this.connect(req).finally(() => { this.connecting = undefined; });
    return this.connecting;
  }

  private connect(req: H2Request): Promise<http2.ClientHttp2Session | undefined> {
    return new Promise((resolve, reject) => {
      const session = http2.connect(this.server, { ...this.tlsOptions, settings: { enablePush: false, initialWindowSize: STREAM_WINDOW } });
      let connected = false;
      const timer = req.timeoutMs > 0 ? setTimeout(() => session.destroy(new Error(`no connection within ${req.timeoutMs} ms`)), req.timeoutMs) : undefined;
      const forget = () => {
        if (this.session === session) this.session = undefined;
      };
      session.once('connect', () => {
        connected = true;
        if (timer) clearTimeout(timer);
        if (session.alpnProtocol !== 'h2') {
          this.unsupported = true;
          session.destroy();
          resolve(undefined);
          return;
        }
        session.setLocalWindowSize(CONNECTION_WINDOW);
        this.session = session;
        if (!this.active.get(session)) session.unref();
        resolve(session);
      });
      session.on('error', (err: NodeJS.ErrnoException) => {
        forget();
        if (connected) return; // the streams in flight report it
        if (timer) clearTimeout(timer);
        if (err.code === 'ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL') {
          this.unsupported = true;
          resolve(undefined);
          return;
        }
        reject(new KubeApiError(`${req.what}: ${err.message}`, 0, '', { cause: err }));
      });
      session.on('goaway', forget);
      session.on('close', () => {
        forget();
        if (timer) clearTimeout(timer);
        if (!connected) reject(new KubeApiError(`${req.what}: connection closed`, 0));
      });
    });
  }

  private exchange(session: http2.ClientHttp2Session, req: H2Request): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const headers: http2.OutgoingHttpHeaders = { ':method': req.method, ':path': req.path };
      for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = v;
      let stream: http2.ClientHttp2Stream;
      try {
        stream = session.request(headers, { endStream: req.body === undefined, signal: req.signal });
      } catch (err) {
        // The session went away between open() and here.
        if (this.session === session) this.session = undefined;
        reject(new KubeApiError(`${req.what}: ${(err as Error).message}`, 0, '', { cause: err }));
        return;
      }
      this.started(session);
      let status = 0;
      const chunks: Buffer[] = [];
      let settled = false;
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        reject(err instanceof KubeApiError ? err : new KubeApiError(`${req.what}: ${err.message}`, 0, '', { cause: err }));
      };
      stream.on('response', (h) => { status = Number(h[':status'] ?? 0); });
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (settled) return;
        settled = true;
        resolve({ status, text: Buffer.concat(chunks).toString('utf8') });
      });
      stream.on('error', fail);
      stream.on('close', () => {
        this.finished(session);
        // Every stream closes, most after their answer: only a stream closed unanswered is an error.
        if (!settled) fail(new KubeApiError(`${req.what}: stream closed (code ${stream.rstCode})`, 0));
      });
      if (req.timeoutMs > 0) {
        stream.setTimeout(req.timeoutMs, () => {
          fail(new KubeApiError(`${req.what}: no answer within ${req.timeoutMs} ms`, 0));
          stream.close(http2.constants.NGHTTP2_CANCEL);
          this.check(session);
        });
      }
      if (req.body !== undefined) stream.end(req.body);
    });
  }

  /** A request timed out: the connection must answer a PING soon or it is replaced. */
  private check(session: http2.ClientHttp2Session): void {
    if (session.destroyed) return;
    const dead = setTimeout(() => session.destroy(), PING_DEADLINE_MS).unref();
    const sent = session.ping((err) => {
      if (!err) clearTimeout(dead);
    });
    if (!sent) clearTimeout(dead);
  }

  private started(session: http2.ClientHttp2Session): void {
    const n = this.active.get(session) ?? 0;
    this.active.set(session, n + 1);
    if (n === 0) session.ref();
  }

  private finished(session: http2.ClientHttp2Session): void {
    const n = (this.active.get(session) ?? 1) - 1;
    this.active.set(session, n);
    if (n === 0 && !session.destroyed) session.unref();
  }
}
