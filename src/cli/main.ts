import { Command } from 'commander';
import { registerFleetCommands } from './commands/fleet.js';
import { registerClusterCommands } from './commands/cluster.js';
import { registerServeCommand } from './commands/serve.js';
import { registerServicesCommands } from './commands/services.js';

const program = new Command();
program.name('meridian').description('Run Kubernetes in several regions from one place').showHelpAfterError();
registerFleetCommands(program);
registerClusterCommands(program);
registerServeCommand(program);
registerServicesCommands(program);

program.parseAsync(process.argv).catch((err: Error) => {
  process.stderr.write(`error: ${err.message}\n`);
  process.exit(1);
});
