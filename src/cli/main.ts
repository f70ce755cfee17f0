// How commands are registered (read this before adding one): main.ts stays cheap, because every
// `meridian` invocation pays for what it imports. Each command module is listed ONCE below, on one
// line: its top-level command names with the summary `meridian --help` shows, and a dynamic import
// of the module with its register function. The module is loaded only when one of its commands is
// on the command line (or follows `help`), so `meridian --help` and `meridian render` never load
// the Kubernetes client, Fastify or the controllers. Never import a command module statically here.
import { Command } from 'commander';
import { registerLazily, type LazyModule } from './lazy.js';

const modules: LazyModule[] = [
  { summaries: { fleet: 'run a real multi-region fleet on loopback' }, load: async () => (await import('./commands/fleet.js')).registerFleetCommands },
  { summaries: { install: 'install Meridian\'s CRDs on the hub', cluster: 'member clusters' }, load: async () => (await import('./commands/cluster.js')).registerClusterCommands },
  { summaries: { serve: 'run the controllers, DNS and HTTP (one leader acts; others stand by)' }, load: async () => (await import('./commands/serve.js')).registerServeCommand },
  { summaries: { drill: 'failover drills on the local fleet' }, load: async () => (await import('./commands/drill.js')).registerDrillCommands },
  { summaries: { render: 'render a kustomization (or a plain YAML directory) as kustomize build prints it' }, load: async () => (await import('./commands/render.js')).registerRenderCommand },
  { summaries: { apply: 'apply Meridian objects to the hub; argoproj.io ApplicationSets and Applications are translated', 'gitops-demo': 'make examples/fleet-repo a local Git repository and apply its seed ApplicationSet' }, load: async () => (await import('./commands/apply.js')).registerApplyCommands },
  { summaries: { apps: 'applications x clusters: sync/health@revision per cell' }, load: async () => (await import('./commands/apps.js')).registerAppsCommand },
  { summaries: { sync: 'render and apply an ApplicationSet\'s applications now (or one Application by name)' }, load: async () => (await import('./commands/sync.js')).registerSyncCommand },
  { summaries: { diff: 'unified diff of live state (managed fields) against what Git renders; exit 1 on differences' }, load: async () => (await import('./commands/diff.js')).registerDiffCommand },
  { summaries: { rollout: 'region-by-region rollouts of an ApplicationSet' }, load: async () => (await import('./commands/rollout.js')).registerRolloutCommands },
  { summaries: { services: 'exported services (ServiceExport or service.cilium.io/global) with their clusters, endpoints and health' }, load: async () => (await import('./commands/services.js')).registerServicesCommands },
  { summaries: { demo: 'the example ApplicationSet and global service on the local fleet' }, load: async () => (await import('./commands/demo.js')).registerDemoCommands },
  { summaries: { network: 'pod and service CIDRs across the fleet' }, load: async () => (await import('./commands/network.js')).registerNetworkCommands },
  { summaries: { mesh: 'Istio multi-primary and Cilium ClusterMesh across the fleet' }, load: async () => (await import('./commands/mesh.js')).registerMeshCommands },
  { summaries: { doctor: 'certificates, mesh trust, remote secrets, ClusterMesh IDs, CIDR overlaps, version skew' }, load: async () => (await import('./commands/doctor.js')).registerDoctorCommand },
  { summaries: { secrets: 'per-region External Secrets stores' }, load: async () => (await import('./commands/secrets.js')).registerSecretsCommands },
  { summaries: { peer: 'peer two members: a virtual node for --to appears in --from', unpeer: 'remove a peering and everything it created in the peer' }, load: async () => (await import('./commands/peer.js')).registerPeerCommands },
  { summaries: { nodes: 'physical and virtual nodes with capacity, and where offloaded pods run' }, load: async () => (await import('./commands/nodes.js')).registerNodesCommand },
];

const program = new Command();
program.name('meridian').description('Run Kubernetes in several regions from one place').showHelpAfterError();
registerLazily(program, modules, process.argv)
  .then(() => program.parseAsync(process.argv))
  .catch((err: Error) => {
    process.stderr.write(`error: ${err.message}\n`);
    process.exit(1);
  });
