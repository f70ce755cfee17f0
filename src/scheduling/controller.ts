import { LIQO_OFFLOADING_API_VERSION, ADMIRALTY_API_VERSION, type NamespaceOffloading } from '../api/offloading.js';
import type { Peering } from '../api/peering.js';
import { API_VERSION } from '../api/schema.js';
import type { MemberCluster } from '../clusters/registry.js';
import { Informer } from '../kube/informer.js';
import type { Controller, ControllerContext } from '../serve/controller.js';
import type { Node, Pod } from './kinds.js';
import { LIQO_TYPE_LABEL, SOURCE_CLUSTER_LABEL, VIRTUAL_NODE_TYPE } from './labels.js';
import { OffloadingController } from './offloading-controller.js';
import { schedulingOptions, type SchedulingOptions } from './options.js';
import { PeeringController } from './peering-controller.js';
import { needsPlacement, ProxyScheduler } from './proxy-scheduler.js';
import { Reflector, reflectKey } from './reflector.js';
import { SourceSetup } from './source-setup.js';
import { WebhookServer } from './webhook-server.js';

/**
 * The `scheduling` controller of `meridian serve`: bursting into other clusters, one engine for
 * Admiralty's elected pods and Liqo's virtual nodes. Peerings on the hub become virtual nodes;
 * the webhook marks elected and offloaded pods at creation; the proxy scheduler places elected
 * pods; the reflector runs whatever is bound to a virtual node in its peer.
 */
export class SchedulingController implements Controller {
  readonly options: SchedulingOptions;
  readonly reflector: Reflector;
  readonly scheduler: ProxyScheduler;
  private readonly peerings: Informer<Peering>;
  private readonly peeringController: PeeringController;
  private readonly offloading: OffloadingController;
  private readonly webhook: WebhookServer;
  private readonly watched = new WeakSet<MemberCluster>();
  private readonly watchedSources = new WeakSet<MemberCluster>();
  private webhookUrl = '';
  private readonly onChange = (name: string) => this.memberChanged(name);

  constructor(private readonly ctx: ControllerContext, overrides: Partial<SchedulingOptions> = {}) {
    const log = ctx.log.child({ controller: 'scheduling' });
    this.options = schedulingOptions(overrides);
    this.peerings = new Informer<Peering>(ctx.hub, { apiVersion: API_VERSION, kind: 'Peering' });
    this.reflector = new Reflector(ctx.registry, log, this.options.lostAfterMs, this.options.reflectConcurrency, ctx.metrics);
    this.scheduler = new ProxyScheduler(ctx.registry, log, { retryMs: this.options.retryUnschedulableMs, bindConcurrency: this.options.bindConcurrency, bindTimeoutMs: this.options.bindTimeoutMs,
      delegates: this.reflector,
    }, undefined, ctx.metrics);
    this.offloading = new OffloadingController(ctx.registry, log);
    this.webhook = new WebhookServer(this.options.webhookAddress, this.options.webhookPort, (cluster, ns) => this.offloadingOf(cluster, ns), log);
    const setup = new SourceSetup(() => ({ url: this.webhookUrl, caPem: this.webhook.caPem }), (m) => this.watchSource(m));
    this.peeringController = new PeeringController({ hub: ctx.hub, peerings: this.peerings, registry: ctx.registry, setup, reflector: this.reflector, options: this.options, log });
  }

  async start(): Promise<void> {
    this.webhookUrl = await this.webhook.start(this.options.webhookHost);
    const add = (p: Peering) => this.peeringController.add(p.metadata?.name ?? '');
    this.peerings.on('add', add).on('update', add).on('delete', add);
    this.peerings.start();
    this.ctx.registry.on('change', this.onChange);
    for (const m of this.ctx.registry.list()) this.memberChanged(m.name);
  }

  async stop(): Promise<void> {
    this.ctx.registry.off('change', this.onChange);
    this.peerings.stop();
    this.peeringController.stop();
    this.scheduler.stop();
    this.reflector.stop();
    this.offloading.stop();
    await this.webhook.stop();
  }

  private offloadingOf(cluster: string, namespace: string): NamespaceOffloading | undefined {
    return this.ctx.registry.get(cluster)?.informer<NamespaceOffloading>(LIQO_OFFLOADING_API_VERSION, 'NamespaceOffloading').list().find((o) => o.metadata?.namespace === namespace);
  }

  private memberChanged(name: string): void {
    const member = this.ctx.registry.get(name);
    if (member && !this.watched.has(member)) this.watchMember(member);
    this.peeringController.touch(name);
  }

  /** Every member's pods and nodes: local pods to place or reflect, delegates, peer capacity. */
  private watchMember(member: MemberCluster): void {
    this.watched.add(member);
    const pods = member.informer<Pod>('v1', 'Pod');
    const onPod = (pod: Pod, previous?: Pod) => {
      const key = reflectKey(member.name, pod.metadata?.namespace ?? '', pod.metadata?.name ?? '');
      this.scheduler.observed(key, pod);
      this.reflector.observed(key, pod);
      if (needsPlacement(pod)) this.scheduler.add(key);
      const node = pod.spec?.nodeName ? member.informer<Node>('v1', 'Node').get(pod.spec.nodeName) : undefined;
      if (node?.metadata?.labels?.[LIQO_TYPE_LABEL] === VIRTUAL_NODE_TYPE || pod.spec?.nodeName?.startsWith('liqo-')) this.reflector.add(key);
      if (pod.metadata?.labels?.[SOURCE_CLUSTER_LABEL]) this.reflector.addRemote(pod);
      if (!previous || previous.spec?.nodeName !== pod.spec?.nodeName || previous.status?.phase !== pod.status?.phase) this.peeringController.touch(member.name);
    };
    pods.on('add', (p: Pod) => onPod(p)).on('update', (p: Pod, prev: Pod) => onPod(p, prev)).on('delete', (p: Pod) => {
      onPod(p);
      this.reflector.observed(reflectKey(member.name, p.metadata?.namespace ?? '', p.metadata?.name ?? ''), undefined);
      this.scheduler.observed(reflectKey(member.name, p.metadata?.namespace ?? '', p.metadata?.name ?? ''), { ...p, metadata: { ...p.metadata, deletionTimestamp: 'deleted' } } as Pod);
    });
    const nodes = member.informer<Node>('v1', 'Node');
    nodes.on('add', () => this.peeringController.touch(member.name)).on('delete', () => this.peeringController.touch(member.name));
    for (const p of pods.list()) onPod(p);
  }

  /** A prepared source: its NamespaceOffloadings and Admiralty targets. */
  private watchSource(member: MemberCluster): void {
    if (this.watchedSources.has(member)) return;
    this.watchedSources.add(member);
    const nso = member.informer<NamespaceOffloading>(LIQO_OFFLOADING_API_VERSION, 'NamespaceOffloading');
    const onNso = (o: NamespaceOffloading) => this.offloading.add(`${member.name}\t${o.metadata?.namespace ?? ''}`);
    nso.on('add', onNso).on('update', onNso).on('delete', onNso);
    for (const o of nso.list()) onNso(o);
    member.informer(ADMIRALTY_API_VERSION, 'Target');
    member.informer(ADMIRALTY_API_VERSION, 'ClusterTarget');
  }
}
