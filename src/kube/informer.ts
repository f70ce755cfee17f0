import { EventEmitter } from 'node:events';
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
}

/** Events emitted: 'add' | 'update' | 'delete' with the object, 'synced', 'error' with the error. */
export type InformerEvent = 'add' | 'update' | 'delete';

const WATCH_TIMEOUT_S = 240;

/** The cache key of an object: `namespace/name`, or `name` for cluster-scoped objects. */
export function objectKey(obj: KubeObject): string {
  const ns = obj.metadata?.namespace;
  return ns ? `${ns}/${obj.metadata?.name}` : `${obj.metadata?.name}`;
}

/**
 * A list+watch cache for one kind on one server. Watches restart themselves: 410 relists,
 * a closed or timed-out watch resumes from the last resourceVersion, any other error restarts
 * with jittered exponential backoff. `hasSynced` says whether the first list has landed.
 */
export class Informer<T extends KubeObject = KubeObject> extends EventEmitter {
  private readonly cache = new Map<string, T>();
  private resourceVersion = '';
  private synced = false;
  private stopped = false;
  private abort = new AbortController();
  private failures = 0;

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

  /** Starts the list+watch loop in the background. */
  start(): this {
    void this.run();
    return this;
  }

  /** Stops watching. */
  stop(): void {
    this.stopped = true;
    this.abort.abort();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        if (!this.resourceVersion) await this.relist();
        await this.watch();
        this.failures = 0;
      } catch (err) {
        if (this.stopped) return;
        if (err instanceof KubeApiError && err.status === 410) {
          this.resourceVersion = '';
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
    for (const item of list.items) {
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
    if (!this.synced) {
      this.synced = true;
      this.emit('synced');
    }
  }

  private async watch(): Promise<void> {
    const { apiVersion, kind, namespace, labelSelector, fieldSelector } = this.spec;
    const ref = await this.client.discovery.resource(apiVersion, kind);
    this.abort = new AbortController();
    const query = { watch: true, resourceVersion: this.resourceVersion, allowWatchBookmarks: true, timeoutSeconds: WATCH_TIMEOUT_S, labelSelector, fieldSelector };
    await this.client.stream(this.client.path(ref, namespace), query, (line) => this.onEvent(line), this.abort.signal);
  }

  private onEvent(line: string): void {
    const event = JSON.parse(line) as { type: string; object: T & { code?: number; message?: string } };
    const obj = event.object;
    if (event.type === 'ERROR') {
      const code = obj.code ?? 500;
      this.abort.abort();
      throw new KubeApiError(`watch ${this.spec.kind}: ${obj.message ?? 'error'}`, code);
    }
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

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });
}
