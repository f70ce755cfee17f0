import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { deployDemoApps, demoHints } from '../../demo/demo.js';
import { requireFleet } from '../../fleet/state.js';
import { clientFor, resolveStateDir } from '../options/common.js';

const EXAMPLES = fileURLToPath(new URL('../../../examples', import.meta.url));

interface DemoFlags {
  kubeconfig?: string;
  context: string;
  stateDir?: string;
  dnsPort: string;
  serveUrl?: string;
}

async function deploy(flags: DemoFlags): Promise<void> {
  const stateDir = resolveStateDir(flags.stateDir);
  requireFleet(stateDir);
  const hub = await clientFor(flags.kubeconfig, flags.context);
  await deployDemoApps(hub, { examplesDir: EXAMPLES, stateDir, serveUrl: flags.serveUrl }, (m) => console.log(m));
  hub.close();
}

function hints(flags: DemoFlags): void {
  const spec = requireFleet(resolveStateDir(flags.stateDir));
  const members = spec.clusters.filter((c) => c.role === 'member');
  console.log(demoHints(Number(flags.dnsPort), members.map((c) => ({ region: c.region, address: c.ingressAddress, port: c.ingressPort }))));
}

/** `meridian demo deploy|hints`: the README's first command, after the fleet is up and joined. */
export function registerDemoCommands(program: Command): void {
  const demo = program.command('demo').description('the example ApplicationSet and global service on the local fleet');
  const common = (c: Command) => c.option('--kubeconfig <file>').option('--context <name>', 'hub context', 'hub').option('--state-dir <dir>').option('--dns-port <port>', 'DNS port of meridian serve', '5353');
  common(demo.command('deploy').description('make examples/fleet-repo a Git repository, deploy web-app to every region, and route web.global.example.test'))
    .option('--serve-url <url>', 'meridian serve HTTP, for the Git webhook', 'http://127.0.0.1:8480').action(deploy);
  common(demo.command('hints').description('print the dig and curl lines to try')).action(hints);
}
