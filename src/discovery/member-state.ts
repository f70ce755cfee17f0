import { ABOUT_API_VERSION, MCS_API_VERSION, memberDiscoveryCrdObjects, type ServiceExport, type ServiceImport } from '../api/mcs.js';
import { applyCrds } from '../clusters/install.js';
import type { KubeClient } from '../kube/client.js';
import type { Informer } from '../kube/informer.js';
import type { KubeObject } from '../kube/types.js';
import { affinityOf, collectExport, isGlobalService, type EndpointSliceObject, type MemberCaches, type ServiceObject } from './collect.js';
import { MCS_SERVICE_NAME, SERVICE_NAME, SLICE_MANAGED_BY, SLICE_MANAGER } from './labels.js';
import type { MemberView } from './member-view.js';
import { isManagedImport } from './sync.js';
import { serviceKey, type Affinity, type ClusterExport } from './model.js';

/** What discovery needs of a member: the registry's MemberCluster satisfies it. */
export interface DiscoveryMember {
  name: string;
  ready: boolean;
  client: KubeClient;
  informer<T extends KubeObject = KubeObject>(apiVersion: string, kind: string, namespace?: string): Informer<T>;
}

/** EndpointSlice versions, newest first: v1 from Kubernetes 1.21, v1beta1 on 1.20. */
export const ENDPOINT_SLICE_VERSIONS = ['discovery.k8s.io/v1', 'discovery.k8s.io/v1beta1'];

/**
 * Discovery's view of one member: the MCS CRDs and ClusterProperties installed, and the shared
 * informers it reads (Services, EndpointSlices in the version the server serves, ServiceExports,
 * ServiceImports, Namespaces). Built once per member connection.
 */
export class MemberState implements MemberCaches, MemberView {
  readonly name: string;
  sliceApiVersion = '';
  services!: Informer<ServiceObject>;
  slices!: Informer<EndpointSliceObject>;
  exports!: Informer<ServiceExport>;
  imports!: Informer<ServiceImport>;
  namespaces!: Informer<KubeObject>;
  private detachers: Array<() => void> = [];

  constructor(readonly member: DiscoveryMember) {
    this.name = member.name;
  }

  /** True while the member answers its probe. */
  get ready(): boolean {
    return this.member.ready;
  }

  /**
   * Installs what the member lacks and starts the informers; throws when the member does not
   * answer, or when `wanted()` turns false meanwhile (the member moved to another replica): no
   * informer is asked for then, since nothing would stop it.
   */
  async setUp(clustersetName: string, onEvent: (obj: KubeObject, kind: string) => void, wanted: () => boolean = () => true): Promise<void> {
    await this.install(clustersetName);
    await this.attach(onEvent, wanted);
  }

  /** Installs the MCS CRDs when missing and writes the member's ClusterProperties. */
  async install(clustersetName: string): Promise<void> {
    const client = this.member.client;
    const missing = [];
    for (const kind of ['ServiceExport', 'ServiceImport']) if (!(await client.discovery.has(MCS_API_VERSION, kind))) missing.push(kind);
    if (!(await client.discovery.has(ABOUT_API_VERSION, 'ClusterProperty'))) missing.push('ClusterProperty');
    if (missing.length > 0) await applyCrds(client, memberDiscoveryCrdObjects());
    for (const [name, value] of [['id.k8s.io', this.name], ['clusterset.k8s.io', clustersetName]]) {
      await client.apply({ apiVersion: ABOUT_API_VERSION, kind: 'ClusterProperty', metadata: { name }, spec: { value } });
    }
  }

  /** Picks the EndpointSlice version the member serves and starts (or joins) the shared informers. */
  async attach(onEvent: (obj: KubeObject, kind: string) => void = () => undefined, wanted: () => boolean = () => true): Promise<void> {
    const client = this.member.client;
    const sliceApiVersion = await client.discovery.pickVersion(ENDPOINT_SLICE_VERSIONS, 'EndpointSlice');
    if (!wanted()) throw new MovedAway(this.name);
    this.services = this.member.informer<ServiceObject>('v1', 'Service');
    this.slices = this.member.informer<EndpointSliceObject>(sliceApiVersion, 'EndpointSlice');
    this.exports = this.member.informer<ServiceExport>(MCS_API_VERSION, 'ServiceExport');
    this.imports = this.member.informer<ServiceImport>(MCS_API_VERSION, 'ServiceImport');
    this.namespaces = this.member.informer('v1', 'Namespace');
    const kinds: Array<[Informer<KubeObject>, string]> = [[this.services, 'Service'], [this.slices, 'EndpointSlice'], [this.exports, 'ServiceExport'], [this.imports, 'ServiceImport'], [this.namespaces, 'Namespace']];
    for (const [inf, kind] of kinds) {
      const handler = (obj: KubeObject) => onEvent(obj, kind);
      inf.on('add', handler).on('update', handler).on('delete', handler);
      this.detachers.push(() => inf.off('add', handler).off('update', handler).off('delete', handler));
      for (const obj of inf.list()) onEvent(obj, kind);
    }
    // Set last: a member counts as set up (and is read) only once its informers exist.
    this.sliceApiVersion = sliceApiVersion;
  }

  /** Stops listening to the informers (the member moved to another replica, or left). */
  detach(): void {
    for (const off of this.detachers.splice(0)) off();
  }

  /** True once every informer has listed. */
  synced(): boolean {
    return Boolean(this.sliceApiVersion) && [this.services, this.slices, this.exports, this.imports, this.namespaces].every((i) => i.hasSynced());
  }

  service(namespace: string, name: string): ServiceObject | undefined {
    return this.services.get(`${namespace}/${name}`);
  }

  serviceExport(namespace: string, name: string): ServiceExport | undefined {
    return this.exports.get(`${namespace}/${name}`);
  }

  sourceSlices(namespace: string, name: string): EndpointSliceObject[] {
    return this.slices.list().filter((s) => s.metadata?.namespace === namespace && s.metadata?.labels?.[SERVICE_NAME] === name && s.metadata?.labels?.[SLICE_MANAGED_BY] !== SLICE_MANAGER);
  }

  /** The EndpointSlices discovery derived in this member for a service. */
  derivedSlices(namespace: string, name: string): EndpointSliceObject[] {
    return this.slices.list().filter((s) => s.metadata?.namespace === namespace && s.metadata?.labels?.[MCS_SERVICE_NAME] === name && s.metadata?.labels?.[SLICE_MANAGED_BY] === SLICE_MANAGER);
  }

  /** True when the member has the namespace (only such members import). */
  hasNamespace(namespace: string): boolean {
    const ns = this.namespaces.get(namespace);
    return Boolean(ns) && !ns?.metadata?.deletionTimestamp;
  }

  *keys(): Iterable<string> {
    if (!this.synced()) return;
    for (const e of this.exports.list()) yield serviceKey(e.metadata?.namespace ?? '', e.metadata?.name ?? '');
    for (const svc of this.services.list()) if (isGlobalService(svc)) yield serviceKey(svc.metadata?.namespace ?? '', svc.metadata?.name ?? '');
    for (const i of this.imports.list()) if (isManagedImport(i)) yield serviceKey(i.metadata?.namespace ?? '', i.metadata?.name ?? '');
  }

  exportOf(namespace: string, name: string): ClusterExport | undefined {
    return collectExport(this, namespace, name);
  }

  affinity(namespace: string, name: string): Affinity | undefined {
    return affinityOf(this.service(namespace, name));
  }

  importIps(key: string): string[] {
    return this.imports.get(key)?.spec?.ips ?? [];
  }
}

/** Set-up stopped because the member is no longer this replica's to watch. */
export class MovedAway extends Error {
  constructor(member: string) {
    super(`member ${member} moved to another replica during discovery set-up`);
  }
}
