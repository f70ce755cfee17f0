import { OwnsEverything } from '../../src/serve/ownership.js';
import { ClusterManager } from '../../src/clusters/manager.js';
import { ClusterRegistry } from '../../src/clusters/registry.js';
import type { KubeClient } from '../../src/kube/client.js';
import { SchedulingController } from '../../src/scheduling/controller.js';
import type { SchedulingOptions } from '../../src/scheduling/options.js';
import type { ControllerContext } from '../../src/serve/controller.js';
import { createHttp } from '../../src/serve/http.js';
import { parseServeOptions } from '../../src/serve/options.js';
import type { Logger } from '../../src/util/log.js';

/** What `meridian serve --controllers clusters,scheduling` runs, in this process. */
export interface SchedulingStack {
  registry: ClusterRegistry;
  scheduling: SchedulingController;
  stop(): Promise<void>;
}

/** Starts the registry, the cluster manager (probe interval in seconds) and the scheduling controller. */
export async function startSchedulingStack(hub: KubeClient, log: Logger, probeSeconds = 1, overrides: Partial<SchedulingOptions> = {}): Promise<SchedulingStack> {
  const options = parseServeOptions({ controllers: 'clusters,scheduling', probeInterval: String(probeSeconds) }, {}, 'test');
  const registry = new ClusterRegistry(hub, log.child({ component: 'registry' }));
  const { http, metrics } = createHttp({ registry: () => registry, isLeader: () => true, identity: 'test' });
  const ctx: ControllerContext = { hub, registry, log, http, metrics, options, shards: new OwnsEverything(), dns: { addZone: () => undefined, removeZone: () => false } };
  const manager = new ClusterManager(ctx);
  const scheduling = new SchedulingController(ctx, overrides);
  await registry.start();
  await manager.start();
  await scheduling.start();
  return {
    registry, scheduling,
    stop: async () => {
      await scheduling.stop();
      await manager.stop();
      registry.stop();
      await http.close();
    },
  };
}
