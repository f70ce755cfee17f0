import { hostname } from 'node:os';
import type { Command } from 'commander';
import { parseServeOptions, type ServeFlags } from '../../serve/options.js';
import { serve } from '../../serve/serve.js';
import { CONTROLLER_NAMES } from '../../serve/names.js';

async function run(flags: ServeFlags): Promise<void> {
  const options = parseServeOptions(flags, process.env, hostname());
  const handle = await serve(options);
  const stop = () => void handle.shutdown();
  process.on('SIGTERM', stop).on('SIGINT', stop);
  process.exit(await handle.done);
}

/** `meridian serve`: the control plane. */
export function registerServeCommand(program: Command): void {
  program.command('serve').description('run the controllers, DNS and HTTP (one leader acts; others stand by)')
    .option('--kubeconfig <file>').option('--context <name>', 'hub context', 'hub')
    .option('--controllers <list>', `controllers to run: * or names, -name to switch off (${CONTROLLER_NAMES.join(', ')})`, '*')
    .option('--probe-interval <seconds>', 'member probe interval', '5')
    .option('--http-address <addr>').option('--http-port <port>', 'HTTP port (0: any free port)')
    .option('--dns-address <addr>').option('--dns-port <port>')
    .option('--no-leader-elect', 'act without a lease (a single replica)')
    .option('--lease-name <name>').option('--lease-duration <seconds>')
    .option('--identity <id>').option('--log-level <level>')
    .action(run);
}
