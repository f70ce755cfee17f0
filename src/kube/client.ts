import { setMaxListeners } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeApiError } from './errors.js';
import { Discovery } from './discovery.js';
import { H2Connection, REQUEST_STREAMS, type Answer } from './h2.js';
import { RequestLanes, type RequestPriority } from './lanes.js';
import { apiError, plainAgents, readBody, reportRequest, reportWatchRead, REQUEST_CONNECTIONS, tlsAgents, type Agents } from './transport.js';
import type { KubeList, KubeObject, ResourceRef } from './types.js';
import { linkSignals } from '../util/abort.js';

/** Options for one API request. */
export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Skips the write fence (the leader election's own Lease writes). */
  unfenced?: boolean;
  /** Which requests go first when every connection is busy (RequestLanes); default `normal`. */
  priority?: RequestPriority;
}

/** Per-call options of the object verbs (create, mergePatch). */
export type CallOptions = Pick<RequestOptions, 'priority'>;

/** Options of a merge patch: the subresource (`status`) and the request's priority. */
export interface PatchOptions extends CallOptions {
  subresource?: string;
}

/** Guards every write of a client: writes are refused once `valid()` is false and cancelled when the signal fires. */
export interface WriteFence {
  valid(): boolean;
  signal: AbortSignal;
  /** Names the holder in the refusal message. */
  describe(): string;
}

/** Options shared by list calls. */
export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

/** Options for server-side apply. */
export interface ApplyOptions {
  fieldManager?: string;
  force?: boolean;
  dryRun?: boolean;
}

const DEFAULT_TIMEOUT_MS = 15_000;

/** A request checked and built once (KubeClient.prepare). */
interface Prepared {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: string | undefined;
  signal: AbortSignal | undefined;
  timeoutMs: number;
  priority: RequestPriority;
  /** `${method} ${server}${path}`, the prefix of its error messages. */
  what: string;
  /** Drops the link between the caller's signal and the write fence's, once the request is done. */
  unlink?: () => void;
}

function noConnection(p: Prepared): KubeApiError {
  return new KubeApiError(`${p.what}: no connection free within ${p.timeoutMs} ms`, 0);
}

export const FIELD_MANAGER = 'meridian';

/**
 * A small generic REST client over one kubeconfig context. It speaks to any kind through API
 * discovery (so one code path serves Kubernetes 1.20 and current releases), with explicit timeouts
 * so that a member that stops answering fails fast instead of hanging a controller.
 */
export class KubeClient {
  /** The API server URL. */
  readonly server: string;
  /** The kubeconfig context the client was built from. */
  readonly contextName: string;
  readonly discovery: Discovery;
  private readonly agents: Agents;
  /** Admission to the request connections, by priority (the agent itself queues in arrival order). */
  private readonly lanes: RequestLanes;
  /** Requests over HTTP/2: one connection, REQUEST_STREAMS streams at once, by priority. */
  private readonly h2: H2Connection | undefined;
  private readonly streams = new RequestLanes(REQUEST_STREAMS);
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;
  private fence: WriteFence | undefined;

  private constructor(server: string, contextName: string, agents: Agents, headers: Record<string, string>, timeoutMs: number) {
    this.server = server.replace(/\/$/, '');
    this.contextName = contextName;
    this.agents = agents;
    this.lanes = new RequestLanes(agents.requests.maxSockets);
    // MERIDIAN_KUBE_HTTP2=0 keeps every request on HTTP/1.1 (a comparison, or a proxy that breaks HTTP/2).
    this.h2 = agents.h2 && process.env.MERIDIAN_KUBE_HTTP2 !== '0' ? new H2Connection(this.server, agents.h2) : undefined;
    this.headers = headers;
    this.timeoutMs = timeoutMs;
    this.discovery = new Discovery(this);
  }

  /**
   * Builds a client for the current context of a loaded KubeConfig; `connections` bounds its request
   * connections (REQUEST_CONNECTIONS unless the caller sends more at once, as serve's hub client).
   */
  static async fromKubeConfig(kc: KubeConfig, timeoutMs = DEFAULT_TIMEOUT_MS, connections = REQUEST_CONNECTIONS): Promise<KubeClient> {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error(`kubeconfig context "${kc.getCurrentContext()}" has no cluster`);
    const opts: https.RequestOptions = {};
    await kc.applyToHTTPSOptions(opts);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(opts.headers ?? {})) if (typeof v === 'string') headers[k] = v;
    const secure = cluster.server.startsWith('https:');
    const agents = secure ? tlsAgents({ ca: opts.ca, cert: opts.cert, key: opts.key }, !cluster.skipTLSVerify, connections) : plainAgents(connections);
    return new KubeClient(cluster.server, kc.getCurrentContext(), agents, headers, timeoutMs);
  }

  /** Builds a client from a kubeconfig file (or the default locations) and an optional context; `connections` as fromKubeConfig. */
  static async fromFile(path: string | undefined, context?: string, timeoutMs?: number, connections?: number): Promise<KubeClient> {
    const kc = new KubeConfig();
    if (path) kc.loadFromFile(path);
    else kc.loadFromDefault();
    if (context) {
      if (!kc.getContextObject(context)) throw new Error(`kubeconfig ${path ?? '(default)'} has no context "${context}"`);
      kc.setCurrentContext(context);
    }
    return KubeClient.fromKubeConfig(kc, timeoutMs, connections);
  }

  /** Builds a client from a server URL, CA and bearer token (the credentials Secret of a member). */
  static fromToken(server: string, caPem: string, token: string, name: string, timeoutMs?: number): KubeClient {
    return new KubeClient(server, name, tlsAgents({ ca: caPem }, true), { Authorization: `Bearer ${token}` }, timeoutMs ?? DEFAULT_TIMEOUT_MS);
  }

  /**
   * From now on every write (anything but GET) is sent only while the fence is valid, and cancelled
   * when its signal fires: a replica that lost leadership stops writing even with work in flight.
   */
  fenceWrites(fence: WriteFence): void {
    this.fence = fence;
  }

  /** Closes pooled connections. */
  close(): void {
    this.agents.requests.destroy();
    this.agents.watches.destroy();
    this.h2?.close();
  }

  /** Sends one request and parses the JSON answer; non-2xx answers throw KubeApiError. */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const timing = { started: performance.now(), waitMs: 0, status: 0 };
    let prepared: Prepared | undefined;
    try {
      prepared = this.prepare(method, path, options);
      const { status, text } = await this.exchange(prepared, timing);
      timing.status = status;
      if (status >= 300) throw apiError(method, path, status, text);
      return (text ? JSON.parse(text) : {}) as T;
    } finally {
      prepared?.unlink?.();
      reportRequest({ client: this.contextName, method, priority: options.priority ?? 'normal', waitMs: timing.waitMs, totalMs: performance.now() - timing.started, status: timing.status });
    }
  }

  /** A GET that returns the status and the raw text (health endpoints such as /readyz). */
  async getText(path: string, timeoutMs?: number): Promise<{ status: number; text: string }> {
    return this.exchange(this.prepare('GET', path, { timeoutMs }));
  }

  /** Opens a streaming GET (watch); calls onLine for each JSON line until the stream ends. */
  async stream(path: string, query: RequestOptions['query'], onLine: (line: string) => void, signal: AbortSignal): Promise<void> {
    const res = await this.send(this.prepare('GET', path, { query, signal, timeoutMs: 0 }), this.agents.watches);
    if ((res.statusCode ?? 0) >= 300) throw apiError('WATCH', path, res.statusCode ?? 0, await readBody(res));
    let buffer = '';
    res.setEncoding('utf8');
    const resource = path.slice(path.lastIndexOf('/') + 1);
    await new Promise<void>((resolve, reject) => {
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let nl: number;
        let events = 0;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl).trim();
          buffer = buffer.slice(nl + 1);
          if (!line) continue;
          events++;
          try {
            onLine(line);
          } catch (err) {
            // Reject before destroying: destroy() emits 'aborted' at once, and that error settling
            // first hid the line's own (a watch's 410 Expired, which the informer cures by a relist).
            reject(err);
            res.destroy();
            return;
          }
        }
        reportWatchRead({ client: this.contextName, resource, events });
      });
      res.on('end', () => resolve());
      res.on('error', reject);
      res.on('aborted', () => reject(new KubeApiError(`watch ${path} aborted`, 0)));
      // A stream cut without 'end' or 'error' (the socket closed, or our signal fired) must still
      // settle, or the watch loop waits on it forever.
      res.on('close', () => reject(new KubeApiError(`watch ${path}: connection closed`, 0)));
      const onAbort = () => {
        res.destroy();
        reject(new KubeApiError(`watch ${path}: aborted`, 0));
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
      res.once('close', () => signal.removeEventListener('abort', onAbort));
    });
  }

  /** Everything a request needs, checked once: the write fence, URL, headers, body and deadline. */
  private prepare(method: string, path: string, options: RequestOptions): Prepared {
    const fence = method !== 'GET' && !options.unfenced ? this.fence : undefined;
    const what = `${method} ${this.server}${path}`;
    if (fence && (!fence.valid() || fence.signal.aborted)) throw new KubeApiError(`${what}: refused, ${fence.describe()} does not hold the lease for this write`, 0, 'NotLeader');
    const url = new URL(this.server + path);
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    const headers: Record<string, string> = { ...this.headers, Accept: 'application/json', 'User-Agent': 'meridian' };
    if (body !== undefined) {
      headers['Content-Type'] = options.contentType ?? 'application/json';
      // Without a length Node sends DELETE bodies chunked, which the API server does not read to the
      // end, and the next request on that keep-alive connection then fails with 400.
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    // Linked last, once nothing above can throw: the request's end unlinks them (request()).
    let signal = options.signal;
    let unlink: (() => void) | undefined;
    if (fence && signal) {
      // One listener per write in flight, removed when it ends (bounded by the lanes, so no leak):
      // not a reason for Node's warning about more than ten.
      setMaxListeners(0, fence.signal);
      ({ signal, unlink } = linkSignals(signal, fence.signal));
    } else if (fence) {
      signal = fence.signal;
    }
    return { method, url, headers, body, signal, timeoutMs: options.timeoutMs ?? this.timeoutMs, priority: options.priority ?? 'normal', what, unlink };
  }

  /**
   * Waits for a slot of `lanes` by priority, within the request's deadline; returns the release and
   * what is left of the deadline (0: none).
   */
  private async admit(p: Prepared, lanes: RequestLanes, timing?: { waitMs: number }): Promise<{ release: () => void; left: number }> {
    const started = Date.now();
    const release = await lanes.acquire(p.priority, p.timeoutMs, () => noConnection(p), p.signal).catch((err: unknown) => {
      throw err instanceof KubeApiError ? err : new KubeApiError(`${p.what}: ${(err as Error).message}`, 0, '', { cause: err });
    });
    const waited = Date.now() - started;
    if (timing) timing.waitMs = waited;
    return { release, left: p.timeoutMs > 0 ? Math.max(1, p.timeoutMs - waited) : 0 };
  }

  /** Sends a request over HTTP/2 when the server speaks it (client-go's default), else HTTP/1.1, and reads its answer. */
  private async exchange(p: Prepared, timing?: { waitMs: number }): Promise<Answer> {
    if (this.h2 && !this.h2.unsupported) {
      const { release, left } = await this.admit(p, this.streams, timing);
      try {
        const answer = await this.h2.send({ method: p.method, path: p.url.pathname + p.url.search, headers: p.headers, body: p.body, timeoutMs: left, signal: p.signal, what: p.what });
        if (answer) return answer;
      } finally {
        release();
      }
    }
    const res = await this.send(p, this.agents.requests, timing);
    return { status: res.statusCode ?? 0, text: await readBody(res) };
  }

  /** HTTP/1.1: requests wait for one of the pool's connections by priority; watches hold connections of their own. */
  private async send(p: Prepared, agent: http.Agent, timing?: { waitMs: number }): Promise<http.IncomingMessage> {
    const lib = p.url.protocol === 'https:' ? https : http;
    const { release, left } = agent === this.agents.requests ? await this.admit(p, this.lanes, timing) : { release: undefined, left: p.timeoutMs };
    return new Promise((resolve, reject) => {
      const req = lib.request(p.url, { method: p.method, headers: p.headers, agent, signal: p.signal }, resolve);
      // The slot is held until the answer has been read (or the request failed): the connection
      // is busy until then.
      if (release) req.once('close', release);
      if (left > 0) {
        // The socket's timeout starts once the request has a connection; the wait for one has
        // what is left of the same deadline.
        const waiting = setTimeout(() => req.destroy(noConnection(p)), left);
        req.once('socket', () => clearTimeout(waiting)).once('close', () => clearTimeout(waiting));
        req.setTimeout(p.timeoutMs, () => req.destroy(new KubeApiError(`${p.what}: no answer within ${p.timeoutMs} ms`, 0)));
      }
      req.on('error', (err) => reject(err instanceof KubeApiError ? err : new KubeApiError(`${p.what}: ${err.message}`, 0, '', { cause: err })));
      req.end(p.body);
    });
  }

  /** The server's version (`/version`). */
  version(timeoutMs?: number): Promise<{ gitVersion: string; major: string; minor: string }> {
    return this.request('GET', '/version', { timeoutMs });
  }

  /** The REST path of a collection or object. */
  path(ref: ResourceRef, namespace?: string, name?: string, subresource?: string): string {
    const base = ref.apiVersion.includes('/') ? `/apis/${ref.apiVersion}` : `/api/${ref.apiVersion}`;
    const ns = ref.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
    const obj = name ? `/${encodeURIComponent(name)}` : '';
    return `${base}${ns}/${ref.plural}${obj}${subresource && name ? `/${subresource}` : ''}`;
  }

  /** Reads one object; undefined when it does not exist. */
  async get<T extends KubeObject = KubeObject>(apiVersion: string, kind: string, name: string, namespace?: string): Promise<T | undefined> {
    const ref = await this.discovery.resource(apiVersion, kind);
    try {
      return await this.request<T>('GET', this.path(ref, namespace, name));
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 404) return undefined;
      throw err;
    }
  }

  /** Lists objects of a kind, following continue tokens. */
  async list<T extends KubeObject = KubeObject>(apiVersion: string, kind: string, options: ListOptions = {}): Promise<KubeList<T>> {
    const ref = await this.discovery.resource(apiVersion, kind);
    const items: T[] = [];
    let cont: string | undefined;
    let resourceVersion: string | undefined;
    do {
      const page = await this.request<KubeList<T>>('GET', this.path(ref, options.namespace), {
        query: { labelSelector: options.labelSelector, fieldSelector: options.fieldSelector, limit: 500, continue: cont },
      });
      items.push(...page.items.map((i) => ({ apiVersion, kind, ...i })));
      cont = page.metadata?.continue || undefined;
      resourceVersion = page.metadata?.resourceVersion;
    } while (cont);
    return { apiVersion, kind: `${kind}List`, metadata: { resourceVersion }, items };
  }

  /** Creates an object. */
  async create<T extends KubeObject>(obj: T, options: CallOptions = {}): Promise<T> {
    const ref = await this.refOf(obj);
    return this.request<T>('POST', this.path(ref, obj.metadata?.namespace), { body: obj, priority: options.priority });
  }

  /** Server-side apply with Meridian's field manager. */
  async apply<T extends KubeObject>(obj: T, options: ApplyOptions = {}): Promise<T> {
    const ref = await this.refOf(obj);
    const name = obj.metadata?.name;
    if (!name) throw new Error(`apply ${obj.kind}: metadata.name is required`);
    return this.request<T>('PATCH', this.path(ref, obj.metadata?.namespace, name), {
      body: obj,
      contentType: 'application/apply-patch+yaml',
      query: { fieldManager: options.fieldManager ?? FIELD_MANAGER, force: options.force ?? true, dryRun: options.dryRun ? 'All' : undefined },
    });
  }

  /** JSON merge patch on the object or one of its subresources. */
  async mergePatch<T extends KubeObject>(apiVersion: string, kind: string, name: string, namespace: string | undefined, patch: unknown, subresource?: string | PatchOptions): Promise<T> {
    const ref = await this.discovery.resource(apiVersion, kind);
    const options: PatchOptions = typeof subresource === 'string' ? { subresource } : subresource ?? {};
    return this.request<T>('PATCH', this.path(ref, namespace, name, options.subresource), { body: patch, contentType: 'application/merge-patch+json', priority: options.priority });
  }

  /** Replaces the status subresource with `status` (merge patch, so concurrent spec edits are untouched). */
  patchStatus<T extends KubeObject>(apiVersion: string, kind: string, name: string, namespace: string | undefined, status: unknown): Promise<T> {
    return this.mergePatch<T>(apiVersion, kind, name, namespace, { status }, 'status');
  }

  /** Replaces an object (PUT), guarded by its resourceVersion. */
  async replace<T extends KubeObject>(obj: T, subresource?: string): Promise<T> {
    const ref = await this.refOf(obj);
    return this.request<T>('PUT', this.path(ref, obj.metadata?.namespace, obj.metadata?.name, subresource), { body: obj });
  }

  /** Deletes an object; false when it was already gone. */
  async delete(apiVersion: string, kind: string, name: string, namespace?: string, options: { propagationPolicy?: string; gracePeriodSeconds?: number } = {}): Promise<boolean> {
    const ref = await this.discovery.resource(apiVersion, kind);
    try {
      await this.request('DELETE', this.path(ref, namespace, name), {
        body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: options.propagationPolicy ?? 'Background', gracePeriodSeconds: options.gracePeriodSeconds },
      });
      return true;
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 404) return false;
      throw err;
    }
  }

  private refOf(obj: KubeObject): Promise<ResourceRef> {
    if (!obj.apiVersion || !obj.kind) throw new Error(`object ${obj.metadata?.name ?? '(unnamed)'}: apiVersion and kind are required`);
    return this.discovery.resource(obj.apiVersion, obj.kind);
  }
}
