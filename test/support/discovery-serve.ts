import { OwnsEverything } from '../../src/serve/ownership.js';
import { ClusterManager } from '../../src/clusters/manager.js';
import { ClusterRegistry } from '../../src/clusters/registry.js';
import { DiscoveryServeController } from '../../src/discovery/serve.js';
import { DnsServer } from '../../src/dns/server.js';
import type { KubeClient } from '../../src/kube/client.js';
import type { ControllerContext } from '../../src/serve/controller.js';
import { createHttp } from '../../src/serve/http.js';
import { parseServeOptions, type ServeFlags } from '../../src/serve/options.js';
import type { Logger } from '../../src/util/log.js';

/** The real registry, cluster manager and discovery controller in this process, with a DNS server. */
export interface DiscoveryStack {
  registry: ClusterRegistry;
  discovery: DiscoveryServeController;
  dnsPort: number;
  httpPort: number;
  stop(): Promise<void>;
}

/**
 * Runs what `meridian serve --controllers clusters,discovery` runs, in-process, plus a DnsServer
 * answering the discovery zone (serve will host it once the DNS server is wired into serve).
 */
export async function startDiscoveryStack(hub: KubeClient, flags: ServeFlags, log: Logger): Promise<DiscoveryStack> {
  const options = parseServeOptions({ controllers: 'clusters,discovery', ...flags }, {}, 'test');
  const registry = new ClusterRegistry(hub, log.child({ component: 'registry' }));
  const { http, metrics } = createHttp({ registry: () => registry, isLeader: () => true, identity: 'test' });
  // Zones are served by the DnsServer below, so the shared zone host is not used here.
  const ctx: ControllerContext = { hub, registry, log, http, metrics, options, shards: new OwnsEverything(), dns: { addZone: () => undefined, removeZone: () => false } };
  const manager = new ClusterManager(ctx);
  const discovery = new DiscoveryServeController(ctx);
  const dns = new DnsServer({ zones: discovery.zones });
  const dnsPort = (await dns.start()).port;
  await http.listen({ host: '127.0.0.1', port: 0 });
  const address = http.server.address();
  await registry.start();
  await manager.start();
  await discovery.start();
  return {
    registry, discovery, dnsPort, httpPort: typeof address === 'object' && address ? address.port : 0,
    stop: async () => {
      await discovery.stop();
      await manager.stop();
      registry.stop();
      await dns.stop();
      await http.close();
    },
  };
}
