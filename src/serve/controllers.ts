import { ClusterManager } from '../clusters/manager.js';
import { GitopsController } from '../gitops/controller/index.js';
import type { ControllerFactory } from './controller.js';
import { TrafficController } from '../traffic/controller.js';
import type { CONTROLLER_NAMES } from './names.js';
import { DiscoveryServeController } from '../discovery/serve.js';
import { DashboardController } from '../dashboard/controller.js';
import { SchedulingController } from '../scheduling/controller.js';
import { SecretsServeController } from '../secrets/serve.js';
import { SecretStorePlanServeController } from '../secrets/plan-serve.js';

/** Every controller by name; `meridian serve --controllers` picks from these. One line each. */
export const CONTROLLERS: Record<(typeof CONTROLLER_NAMES)[number], ControllerFactory> = {
  clusters: (ctx) => new ClusterManager(ctx),
  gitops: (ctx) => new GitopsController(ctx),
  traffic: (ctx) => new TrafficController(ctx),
  discovery: (ctx) => new DiscoveryServeController(ctx),
  dashboard: (ctx) => new DashboardController(ctx),
  scheduling: (ctx) => new SchedulingController(ctx),
  secrets: (ctx) => new SecretsServeController(ctx),
  secretstores: (ctx) => new SecretStorePlanServeController(ctx),
};
