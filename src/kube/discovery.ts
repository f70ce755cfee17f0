import { KubeApiError } from './errors.js';
import type { ResourceRef } from './types.js';
import type { KubeClient } from './client.js';

interface ApiResourceList {
  groupVersion: string;
  resources: Array<{ name: string; kind: string; namespaced: boolean; verbs?: string[] }>;
}

interface ApiGroupList {
  groups: Array<{ name: string; versions: Array<{ groupVersion: string; version: string }>; preferredVersion?: { groupVersion: string } }>;
}

/**
 * API discovery with a per-groupVersion cache. Kinds are resolved against what the server serves,
 * so the same code works on Kubernetes 1.20 (EndpointSlice v1beta1) and current releases (v1).
 */
export class Discovery {
  private readonly byGroupVersion = new Map<string, Promise<ApiResourceList | undefined>>();
  private groups: Promise<ApiGroupList> | undefined;

  constructor(private readonly client: KubeClient) {}

  /** Forgets what was discovered (after CRDs are installed, for example). */
  invalidate(): void {
    this.byGroupVersion.clear();
    this.groups = undefined;
  }

  /** Resolves a kind in a groupVersion to its REST resource; throws when the server does not serve it. */
  async resource(apiVersion: string, kind: string): Promise<ResourceRef> {
    let found = await this.lookup(apiVersion, kind);
    if (!found) {
      // The kind may have been installed since the last look (a CRD): look once more, fresh.
      this.byGroupVersion.delete(apiVersion);
      found = await this.lookup(apiVersion, kind);
    }
    if (!found) throw new KubeApiError(`the server ${this.client.server} does not serve ${kind} in ${apiVersion}`, 404, 'NotFound');
    return found;
  }

  /** True when the server serves the kind in that groupVersion. */
  async has(apiVersion: string, kind: string): Promise<boolean> {
    return (await this.lookup(apiVersion, kind)) !== undefined;
  }

  /** The first of the candidate groupVersions that serves the kind (newest first, as given). */
  async pickVersion(candidates: string[], kind: string): Promise<string> {
    for (const apiVersion of candidates) if (await this.has(apiVersion, kind)) return apiVersion;
    throw new KubeApiError(`the server ${this.client.server} serves ${kind} in none of ${candidates.join(', ')}`, 404, 'NotFound');
  }

  /** The server's API groups. */
  apiGroups(): Promise<ApiGroupList> {
    this.groups ??= this.client.request<ApiGroupList>('GET', '/apis');
    this.groups.catch(() => (this.groups = undefined));
    return this.groups;
  }

  private async lookup(apiVersion: string, kind: string): Promise<ResourceRef | undefined> {
    const list = await this.resources(apiVersion);
    const r = list?.resources.find((x) => x.kind === kind && !x.name.includes('/'));
    return r ? { apiVersion, kind, plural: r.name, namespaced: r.namespaced } : undefined;
  }

  private resources(apiVersion: string): Promise<ApiResourceList | undefined> {
    let cached = this.byGroupVersion.get(apiVersion);
    if (!cached) {
      const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      cached = this.client.request<ApiResourceList>('GET', path).catch((err: unknown) => {
        this.byGroupVersion.delete(apiVersion);
        if (err instanceof KubeApiError && err.status === 404) return undefined;
        throw err;
      });
      this.byGroupVersion.set(apiVersion, cached);
    }
    return cached;
  }
}
