// One replica of the leader-election fencing drill: campaigns for a Lease with the product's
// LeaderElector and, while it leads, writes a fencing record (ConfigMap `fence`) as fast as it can
// through a client whose writes are fenced by the leadership. Prints one JSON line per event.
// Usage: node --import tsx leader-fence-child.ts KUBECONFIG CONTEXT IDENTITY LEASE_MS RENEW_MS RETRY_MS
import { KubeClient } from '../../src/kube/client.js';
import { LeaderElector } from '../../src/serve/leader.js';
import { silentLogger } from '../../src/util/log.js';

const [kubeconfig, context, identity, leaseMs, renewMs, retryMs] = process.argv.slice(2);
const print = (o: Record<string, unknown>) => process.stdout.write(`${JSON.stringify({ id: identity, ...o })}\n`);

async function writeWhileLeading(client: KubeClient, signal: AbortSignal, term: number): Promise<void> {
  let seq = 0;
  while (!signal.aborted) {
    const start = Date.now();
    try {
      await client.mergePatch('v1', 'ConfigMap', 'fence', 'default', { data: { holder: identity, term: String(term), seq: String(seq++) } });
      print({ write: { start, end: Date.now(), term } });
    } catch (err) {
      print({ failed: (err as Error).message.slice(0, 200) });
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

const client = await KubeClient.fromFile(kubeconfig, context, 2000);
for (;;) {
  const elector: LeaderElector = new LeaderElector(client, {
    namespace: 'default', name: 'fence-lease', identity, leaseDurationMs: Number(leaseMs), renewDeadlineMs: Number(renewMs), retryPeriodMs: Number(retryMs),
    onStartedLeading: (signal, term) => {
      print({ leading: term });
      client.fenceWrites({ valid: () => elector.isLeader(), signal, describe: () => identity });
      return writeWhileLeading(client, signal, term);
    },
    onStoppedLeading: () => {
      print({ stopped: Date.now() });
    },
  }, silentLogger);
  await elector.run();
}
