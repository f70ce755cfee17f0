import { Command } from 'commander';
import { registerFleetCommands } from './commands/fleet.js';
import { registerClusterCommands } from './commands/cluster.js';
import { registerServeCommand } from './commands/serve.js';
import { registerDrillCommands } from './commands/drill.js';
import { registerRenderCommand } from './commands/render.js';
import { registerApplyCommands } from './commands/apply.js';
import { registerAppsCommand } from './commands/apps.js';
import { registerSyncCommand } from './commands/sync.js';
import { registerDiffCommand } from './commands/diff.js';
import { registerRolloutCommands } from './commands/rollout.js';
import { registerServicesCommands } from './commands/services.js';
import { registerDemoCommands } from './commands/demo.js';
import { registerNetworkCommands } from './commands/network.js';

const program = new Command();
program.name('meridian').description('Run Kubernetes in several regions from one place').showHelpAfterError();
registerFleetCommands(program);
registerClusterCommands(program);
registerServeCommand(program);
registerDrillCommands(program);
registerRenderCommand(program);
registerApplyCommands(program);
registerAppsCommand(program);
registerSyncCommand(program);
registerDiffCommand(program);
registerRolloutCommands(program);
registerServicesCommands(program);
registerDemoCommands(program);
registerNetworkCommands(program);

program.parseAsync(process.argv).catch((err: Error) => {
  process.stderr.write(`error: ${err.message}\n`);
  process.exit(1);
});
