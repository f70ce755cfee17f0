import type { Command } from 'commander';
import { API_VERSION } from '../../api/schema.js';
import { peeringName, type Peering } from '../../api/peering.js';
import { waitFor } from '../../util/wait.js';
import { clientFor } from '../options/common.js';
import { parsePeerFlags, type PeerFlags } from '../options/scheduling.js';

async function peer(flags: PeerFlags): Promise<void> {
  const o = parsePeerFlags(flags);
  const hub = await clientFor(o.kubeconfig, o.context);
  try {
    const name = peeringName(o.from, o.to);
    await hub.apply<Peering>({ apiVersion: API_VERSION, kind: 'Peering', metadata: { name }, spec: { from: o.from, to: o.to, ...(o.sharePercent ? { sharePercent: o.sharePercent } : {}) } });
    console.log(`peering ${name}: ${o.from} may run pods in ${o.to} (virtual node liqo-${o.to} in ${o.from})`);
    if (o.waitMs > 0) {
      const ready = await waitFor(async () => {
        const p = await hub.get<Peering>(API_VERSION, 'Peering', name);
        return p?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? p : undefined;
      }, { timeoutMs: o.waitMs, intervalMs: 500, what: `Peering ${name} Ready (is \`meridian serve\` running with the scheduling controller?)` });
      console.log(`virtual node ${ready.status?.virtualNode} Ready, allocatable cpu ${ready.status?.allocatable?.cpu}, memory ${ready.status?.allocatable?.memory}, pods ${ready.status?.allocatable?.pods}`);
    }
  } finally {
    hub.close();
  }
}

async function unpeer(flags: PeerFlags): Promise<void> {
  const o = parsePeerFlags(flags);
  const hub = await clientFor(o.kubeconfig, o.context);
  try {
    const name = peeringName(o.from, o.to);
    if (!(await hub.delete(API_VERSION, 'Peering', name))) throw new Error(`no Peering ${name} on the hub`);
    if (o.waitMs > 0) await waitFor(async () => !(await hub.get(API_VERSION, 'Peering', name)), { timeoutMs: o.waitMs, intervalMs: 500, what: `Peering ${name} removed (virtual node and remote pods cleaned up)` });
    console.log(`peering ${name} removed`);
  } finally {
    hub.close();
  }
}

/** `meridian peer` and `meridian unpeer`: let one member run pods in another through a virtual node. */
export function registerPeerCommands(program: Command): void {
  const common = (c: Command) => c.requiredOption('--from <cluster>', 'member that offloads pods').requiredOption('--to <cluster>', 'member that runs them')
    .option('--kubeconfig <file>').option('--context <name>', 'hub context', 'hub').option('--wait <seconds>', 'wait for the result (0: do not)', '60');
  common(program.command('peer').description('peer two members: a virtual node for --to appears in --from').option('--share <percent>', 'share of the peer\'s free capacity offered (default 90)')).action(peer);
  common(program.command('unpeer').description('remove a peering: the virtual node, its pods and everything Meridian created in the peer')).action(unpeer);
}
