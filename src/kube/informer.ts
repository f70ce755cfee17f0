import { EventEmitter } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { KubeApiError } from './errors.js';
import type { KubeClient } from './client.js';
import type { KubeObject } from './types.js';

/** What an informer watches. */
export interface InformerSpec {
  apiVersion: string;
  kind: string;
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /**
   * Keeps only what the caller reads of each object (e.g. a Pod without its spec), so a cache of
   * every Pod of a member stays small. Applied before the object is cached or emitted.
   */
  transform?: (obj: KubeObject) => KubeObject;
  /** A watch that sends nothing (not even a bookmark) for this long is taken as dead and resumed. */
  idleTimeoutMs?: number;
}

/** Events emitted: 'add' | 'update' | 'delete' with the object, 'synced', 'error' with the error. */
export type InformerEvent = 'add' | 'update' | 'delete';

const WATCH_TIMEOUT_S = 240;
// The server ends every watch after WATCH_TIMEOUT_S; silence well beyond that is a half-open connection.
const DEFAULT_IDLE_TIMEOUT_MS = (WATCH_TIMEOUT_S + 60) * 1000;

/** The cache key of an object: `namespace/name`, or `name` for cluster-scoped objects. */
export function objectKey(obj: KubeObject): string {
  const ns = obj.metadata?.namespace;
  return ns ? `${ns}/${obj.metadata?.name}` : `${obj.metadata?.name}`;
}

/**
 * A list+watch cache for one kind on one server. Watches restart themselves: 410 relists,
 * a closed or timed-out watch resumes from the last resourceVersion, any other error restarts
 * with jittered exponential backoff. `hasSynced` says whether the first list has landed. A watch
 * silent for longer than the idle deadline is cut and resumed (half-open connections hang silently).
 */
export class Informer<T extends KubeObject = KubeObject> extends EventEmitter {
  private readonly cache = new Map<string, T>();
  private resourceVersion = '';
  private synced = false;
  private stopped = false;
  private abort = new AbortController();
  private failures = 0;
  private loop: Promise<void> = Promise.resolve();
  /** Watch connections opened so far (a diagnostic: restarts show up here). */
  watchesOpened = 0;

  constructor(private readonly client: KubeClient, readonly spec: InformerSpec) {
    super();
    this.on('error', () => undefined); // errors are also visible through lastError; never crash the process
  }

  /** The last error the watch loop met, cleared on success. */
  lastError: Error | undefined;

  /** True once the initial list has been loaded. */
  hasSynced(): boolean {
    return this.synced;
  }

  /** Every cached object. */
  list(): T[] {
    return [...this.cache.values()];
  }

  /** One cached object by `namespace/name` or `name`. */
  get(key: string): T | undefined {
    return this.cache.get(key);
  }

  /** Resolves once the initial list has landed; rejects when the signal fires first. */
  waitForSync(signal?: AbortSignal): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(new Error(`cache of ${this.spec.kind} did not sync: ${this.lastError?.message ?? 'aborted'}`));
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.once('synced', () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  /** Starts the list+watch loop in the background. */
  start(): this {
    this.loop = this.run();
    return this;
  }

  /** Stops watching, also when called while a list is in flight. */
  stop(): void {
    this.stopped = true;
    this.abort.abort();
  }

  /** Resolves when the loop has exited after stop(): no request of this informer is open then. */
  done(): Promise<void> {
    return this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        if (!this.resourceVersion) await this.relist();
        await this.watch();
        this.failures = 0;
      } catch (err) {
        if (this.stopped) return;
        if (isStaleResourceVersion(err)) {
          // 410: our version was compacted. 504 "Too large resource version": the server's watch
          // cache has not caught up with the version our list returned (a new CRD's cache, a loaded
          // server). Both are cured by a fresh list, not by backing off on the same version: backing
          // off let failures pile up into half-minute sleeps during which the cache saw nothing.
          this.resourceVersion = '';
          await sleep(100, this.abort.signal);
          continue;
        }
        this.lastError = err as Error;
        this.emit('error', err);
        this.failures++;
        const delay = Math.min(30_000, 500 * 2 ** Math.min(this.failures, 6)) * (0.5 + Math.random() / 2);
        await sleep(delay, this.abort.signal);
      }
    }
  }

  private async relist(): Promise<void> {
    const { apiVersion, kind, namespace, labelSelector, fieldSelector } = this.spec;
    const list = await this.client.list<T>(apiVersion, kind, { namespace, labelSelector, fieldSelector });
    const seen = new Set<string>();
    if (this.stopped) return;
    for (const raw of list.items) {
      const item = this.transformed(raw);
      const key = objectKey(item);
      seen.add(key);
      const previous = this.cache.get(key);
      this.cache.set(key, item);
      if (!previous) this.emit('add', item);
      else if (previous.metadata?.resourceVersion !== item.metadata?.resourceVersion) this.emit('update', item, previous);
    }
    for (const [key, obj] of this.cache) {
      if (!seen.has(key)) {
        this.cache.delete(key);
        this.emit('delete', obj);
      }
    }
    this.resourceVersion = list.metadata?.resourceVersion ?? '';
    this.lastError = undefined;
    this.failures = 0; // a list that landed is healthy: a watch that never delivers (an empty kind) must not keep the old backoff
    if (!this.synced) {
      this.synced = true;
      this.emit('synced');
    }
  }

  private async watch(): Promise<void> {
    const { apiVersion, kind, namespace, labelSelector, fieldSelector } = this.spec;
    const ref = await this.client.discovery.resource(apiVersion, kind);
    // stop() may have run while we listed or resolved the kind: its abort hit the previous controller.
    if (this.stopped) return;
    const abort = new AbortController();
    this.abort = abort;
    const idleMs = this.spec.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    let idle = setTimeout(() => abort.abort(), idleMs);
    const query = { watch: true, resourceVersion: this.resourceVersion, allowWatchBookmarks: true, timeoutSeconds: Math.min(WATCH_TIMEOUT_S, Math.ceil(idleMs / 1000)), labelSelector, fieldSelector };
    this.watchesOpened++;
    try {
      await this.client.stream(this.client.path(ref, namespace), query, (line) => {
        clearTimeout(idle);
        idle = setTimeout(() => abort.abort(), idleMs);
        this.onEvent(line);
        this.failures = 0; // a watch that delivers events is healthy (an ERROR line throws above); earlier failures no longer count
      }, abort.signal);
    } catch (err) {
      // Our own idle cut: resume from the last resourceVersion like a watch the server closed.
      if (abort.signal.aborted && !this.stopped) return;
      throw err;
    } finally {
      clearTimeout(idle);
    }
  }

  private transformed(obj: T): T {
    return this.spec.transform ? (this.spec.transform(obj) as T) : obj;
  }

  private onEvent(line: string): void {
    const event = JSON.parse(line) as { type: string; object: T & { code?: number; message?: string } };
    if (event.type === 'ERROR') {
      throw new KubeApiError(`watch ${this.spec.kind}: ${event.object.message ?? 'error'}`, event.object.code ?? 500, (event.object as { reason?: string }).reason ?? '');
    }
    const obj = event.type === 'BOOKMARK' ? event.object : this.transformed(event.object);
    if (obj.metadata?.resourceVersion) this.resourceVersion = obj.metadata.resourceVersion;
    if (event.type === 'BOOKMARK') return;
    obj.apiVersion ??= this.spec.apiVersion;
    obj.kind ??= this.spec.kind;
    const key = objectKey(obj);
    const previous = this.cache.get(key);
    if (event.type === 'DELETED') {
      this.cache.delete(key);
      this.emit('delete', obj);
    } else {
      this.cache.set(key, obj);
      this.emit(previous ? 'update' : 'add', obj, previous);
    }
  }
}

/** True for watch errors that a relist cures: 410 Gone/Expired and 504 Too large resource version. */
export function isStaleResourceVersion(err: unknown): boolean {
  if (!(err instanceof KubeApiError)) return false;
  return err.status === 410 || err.reason === 'Expired' || err.reason === 'Gone' || (err.status === 504 && /too large resource version/i.test(err.message));
}

/**
 * Resolves after ms, or at once when the signal fires. Node's own timer takes its listener off the
 * signal when it fires: the informer's signal lives as long as the informer, and a listener left
 * there by every backoff (a member down for an hour) would pile up.
 */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return delay(ms, undefined, { signal }).catch(() => undefined);
}
