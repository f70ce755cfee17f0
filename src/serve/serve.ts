import { KubeClient } from '../kube/client.js';
import { ClusterRegistry } from '../clusters/registry.js';
import { SYSTEM_NAMESPACE } from '../clusters/install.js';
import { createLogger, type Logger } from '../util/log.js';
import type { Controller, ControllerContext } from './controller.js';
import { CONTROLLERS } from './controllers.js';
import { createHttp } from './http.js';
import { loadHttpSecurity } from './exposure.js';
import { LeaderElector } from './leader.js';
import { ServeDns } from '../dns/serve-dns.js';
import type { ServeOptions } from './options.js';
import { answerRecorder } from '../dashboard/answers.js';
import { ShardCoordinator } from './shards.js';
import { HubPublications } from './publications.js';
import { HUB_SHARD, OwnsEverything, type Ownership } from './ownership.js';

/** A running `meridian serve`. */
export interface ServeHandle {
  /** Resolves when the process should exit (lost leadership or shutdown). */
  done: Promise<number>;
  httpPort: number;
  shutdown(): Promise<void>;
  isLeader(): boolean;
}

/**
 * Runs Meridian: HTTP on every replica; the member registry and the enabled controllers only on
 * the leader. Losing the lease ends the process (as controller-runtime does) so that a fresh
 * start never acts on stale state; shutdown stops controllers and hands the lease over. With
 * `--shards` there is no leader: every replica runs the controllers, each acting on the members
 * whose shard Lease it holds (src/serve/shards.ts), and every replica answers DNS and the
 * dashboard for the whole fleet.
 */
export async function serve(options: ServeOptions, log: Logger = createLogger(options.logLevel)): Promise<ServeHandle> {
  const hub = await KubeClient.fromFile(options.kubeconfig, options.hubContext);
  let elector: LeaderElector | undefined;
  let registryStarted = false;
  // With --shards every replica acts, each on the members whose Lease it holds (no leader).
  const coordinator: ShardCoordinator | undefined = options.shards ? new ShardCoordinator(hub, {
    namespace: SYSTEM_NAMESPACE, group: options.shardGroup, identity: options.identity, leaseDurationMs: options.leaseDurationMs,
    renewDeadlineMs: options.renewDeadlineMs, retryPeriodMs: options.retryPeriodMs, keys: (): string[] => registry.clusterObjects().map((c) => c.metadata?.name ?? ''),
  }, log.child({ component: 'shards' })) : undefined;
  const shards: Ownership = coordinator ?? new OwnsEverything();
  const registry: ClusterRegistry = new ClusterRegistry(hub, log.child({ component: 'registry' }), 5000, coordinator ? (name) => coordinator.memberFence(name) : undefined);
  // A member changing hands re-queues what depends on it, as a member turning Ready does.
  // A member that moved away is no longer watched here: its holder publishes what the others read.
  shards.on('change', (key: string) => {
    if (key === HUB_SHARD) return;
    if (coordinator && !coordinator.owns(key)) registry.releaseInformers(key);
    registry.emit('change', key);
  });
  const publications = coordinator ? new HubPublications(hub, { namespace: SYSTEM_NAMESPACE, group: options.shardGroup, within: (m, fn) => coordinator.within(m, fn), clusterOf: (m) => registry.clusterObjects().find((c) => c.metadata?.name === m) }, log.child({ component: 'publications' })) : undefined;
  const { http, metrics } = createHttp({ registry: () => (registryStarted ? registry : undefined), isLeader: () => (coordinator ? coordinator.ownsHub() : elector?.isLeader() ?? true), identity: options.identity }, loadHttpSecurity(options.httpExposure));
  let finish: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => (finish = resolve));

  // Controllers are built before the HTTP server listens, so that they can register their routes;
  // they start only when this replica leads.
  const recorder = answerRecorder(metrics);
  const dns = new ServeDns({ listeners: [{ address: options.dnsAddress, port: options.dnsPort }, ...options.dnsListen], workers: options.dnsWorkers, udpIo: options.dnsIo, rrl: options.dnsRrl, metrics, tap: (z) => recorder.tap(z), log });
  const ctx: ControllerContext = { hub, log, http, metrics, options, registry, shards, dns, publications };
  const controllers = options.controllers.map((name) => ({ name, controller: CONTROLLERS[name as keyof typeof CONTROLLERS](ctx) }));
  const running: Controller[] = [];
  for (const { controller } of controllers) for (const zone of controller.zones ?? []) ctx.dns.addZone(zone);
  let dnsStarted = false;
  const startControllers = async (signal?: AbortSignal) => {
    await registry.start();
    registryStarted = true;
    if (coordinator) {
      // Hub writes are judged by the shard of the work that sends them; member writes by the member's.
      hub.fenceWrites(coordinator.hubFence());
      await coordinator.start();
      publications?.start();
      log.info({ group: options.shardGroup, replicas: coordinator.replicas(), owned: coordinator.ownedKeys() }, 'shards: joined the group');
    }
    await dns.start();
    dnsStarted = true;
    for (const { name, controller } of controllers) {
      if (signal?.aborted) return;
      await controller.start(signal);
      running.push(controller);
      log.info({ controller: name }, 'controller started');
    }
  };
  await http.listen({ host: options.httpAddress, port: options.httpPort });
  const address = http.server.address();
  const httpPort = typeof address === 'object' && address ? address.port : options.httpPort;
  log.info({ http: `${options.httpAddress}:${httpPort}`, controllers: options.controllers }, 'meridian serve started');

  if (options.leaderElection && !coordinator) {
    elector = new LeaderElector(hub, {
      namespace: SYSTEM_NAMESPACE, name: options.leaseName, identity: options.identity, leaseDurationMs: options.leaseDurationMs,
      renewDeadlineMs: options.renewDeadlineMs, retryPeriodMs: options.retryPeriodMs,
      onStartedLeading: (signal) => {
        const e = elector as LeaderElector;
        // Every hub write from now on is sent only while this replica leads, and cut when it stops.
        hub.fenceWrites({ valid: () => e.isLeader(), signal, describe: () => options.identity });
        return startControllers(signal);
      },
      onStoppedLeading: async () => {
        await stopControllers();
        finish(1);
      },
    }, log);
    void elector.run();
  } else {
    await startControllers();
  }

  async function stopControllers() {
    for (const c of running.splice(0).reverse()) await c.stop().catch((err: Error) => log.warn({ err: err.message }, 'controller stop failed'));
    await coordinator?.stop();
    publications?.stop();
    registry.stop();
  }
  const shutdown = async () => {
    await stopControllers();
    if (dnsStarted) await dns.stop().catch(() => undefined);
    await elector?.stop();
    await http.close();
    hub.close();
    finish(0);
  };
  return { done, httpPort, shutdown, isLeader: () => (coordinator ? coordinator.ownsHub() : elector?.isLeader() ?? true) };
}
