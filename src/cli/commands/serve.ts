import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { parseServeOptions, type ServeFlags } from '../../serve/options.js';
import { serve } from '../../serve/serve.js';
import { CONTROLLER_NAMES } from '../../serve/names.js';
import { servePaths, startDetached, stopDetached } from '../../serve/detach.js';
import { resolveStateDir } from '../options/common.js';

const CLI_ENTRY = fileURLToPath(new URL('../main.js', import.meta.url));

interface ServeCommandFlags extends ServeFlags {
  detach?: boolean;
  stop?: boolean;
  stateDir?: string;
}

async function run(flags: ServeCommandFlags): Promise<void> {
  const options = parseServeOptions(flags, process.env, hostname());
  const stateDir = resolveStateDir(flags.stateDir);
  if (flags.stop) {
    console.log((await stopDetached(stateDir)) ? 'meridian serve stopped' : 'no detached meridian serve was running');
    return;
  }
  if (flags.detach) {
    const args = process.argv.slice(process.argv.indexOf('serve') + 1).filter((a) => a !== '--detach');
    const scheme = options.httpExposure.httpTlsCertFile ? 'https' : 'http';
    const host = options.httpAddress.includes(':') ? `[${options.httpAddress}]` : options.httpAddress;
    const pid = await startDetached(CLI_ENTRY, args, stateDir, `${scheme}://${host}:${options.httpPort}/healthz`);
    console.log(`meridian serve running in the background (pid ${pid}, ${scheme}://${host}:${options.httpPort}, log ${servePaths(stateDir).log})`);
    return;
  }
  const handle = await serve(options);
  const stop = () => void handle.shutdown();
  process.on('SIGTERM', stop).on('SIGINT', stop);
  process.exit(await handle.done);
}

/** `meridian serve`: the control plane. */
export function registerServeCommand(program: Command): void {
  program.command('serve').description('run the controllers, DNS and HTTP (one leader acts; others stand by)')
    .option('--kubeconfig <file>').option('--context <name>', 'hub context', 'hub')
    .option('--controllers <list>', `controllers to run: * or names, -name to switch off (${CONTROLLER_NAMES.join(', ')}); default * (with --shards: *,-scheduling,-secrets,-secretstores)`)
    .option('--probe-interval <seconds>', 'member probe interval', '5')
    .option('--http-address <addr>').option('--http-port <port>', 'HTTP port (0: any free port)')
    .option('--dns-address <addr>').option('--dns-port <port>')
    .option('--http-tls-cert <file>', 'PEM certificate chain: serve HTTPS (required with a non-loopback --http-address)').option('--http-tls-key <file>', 'PEM private key for --http-tls-cert')
    .option('--http-token-file <file>', 'bearer token every API request must carry (required with a non-loopback --http-address; /healthz and /readyz stay open)')
    .option('--dns-rrl', 'response-rate limiting even on loopback (always on for a non-loopback --dns-address)').option('--no-dns-rrl', 'no response-rate limiting, even on a public address')
    .option('--dns-rrl-rate <n>', 'RRL: identical replies per second per client /24 or /56 (default 5)').option('--dns-rrl-window <seconds>', 'RRL: averaging window (default 15)')
    .option('--dns-rrl-slip <n>', 'RRL: every n-th limited reply sent truncated, 0 never (default 2)').option('--dns-rrl-ipv4-prefix <bits>', 'RRL: IPv4 client prefix (default 24)').option('--dns-rrl-ipv6-prefix <bits>', 'RRL: IPv6 client prefix (default 56)')
    .option('--dns-listen <addr:port,...>', 'more DNS listeners, e.g. one per cluster view')
    .option('--dns-io <path>', 'how DNS reads UDP: native (batched recvmmsg/sendmmsg addon; each worker its own SO_REUSEPORT socket) or node (dgram); default native when the addon is built, else node with a warning')
    .option('--dns-workers <n>', 'DNS worker processes sharing the DNS listeners; 0 answers in the serve process (default: 0 on a loopback --dns-address, else the number of cores)')
    .option('--no-leader-elect', 'act without a lease (a single replica)')
    .option('--shards', 'split the member clusters between replicas (a Lease per member, rendezvous hashing) instead of electing one leader')
    .option('--shard-group <name>', 'replicas with the same group share the members (default meridian-shards)')
    .option('--lease-name <name>').option('--lease-duration <seconds>')
    .option('--renew-deadline <seconds>', 'a leader that cannot renew for this long stops acting (default 10, below the lease)').option('--retry-period <seconds>', 'lease renew/acquire interval (default 2)')
    .option('--identity <id>').option('--log-level <level>')
    .option('--gitops-cache-dir <dir>', 'gitops: Git cache (default ~/.meridian/gitops)').option('--gitops-poll-interval <seconds>', 'gitops: Git poll interval', '30').option('--gitops-resync <seconds>', 'gitops: drift check interval', '20')
    .option('--allow-file-repos', 'gitops: allow file:// repositories (the local demo; off by default)')
    .option('--gitops-webhook-secret-file <file>', 'gitops: Git webhook secret (GitHub/Gitea HMAC, GitLab token); default: hub Secret meridian-system/meridian-git-webhook')
    .option('--gitops-tree-cache-size <MiB>', 'gitops: disk kept for extracted Git trees, least recently used removed first', '2048')
    .option('--gslb-zones <zones>', 'GSLB zones the traffic controller answers (comma-separated)', 'global.example.test')
    .option('--gslb-edge-secret <namespace/name>', 'Secret with server, zones, keyName, secret: push GSLB records there with RFC 2136 + TSIG')
    .option('--clusterset-ip-range <cidr>', 'IPv4 range ClusterSetIPs are allocated from (default 10.250.0.0/16)')
    .option('--clusterset-dns-ttl <seconds>', 'TTL of clusterset.local answers', '5')
    .option('--dns-views <views>', 'which cluster asks: cluster=cidr|@addr:port,... (e.g. us-east=10.101.0.0/16)')
    .option('--detach', 'run in the background; pid and log under the fleet state dir')
    .option('--stop', 'stop the background serve started with --detach')
    .option('--state-dir <dir>', 'where --detach records its pid and log')
    .action(run);
}
