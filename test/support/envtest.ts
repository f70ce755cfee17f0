import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeClient } from '../../src/kube/client.js';
import { locateBinaries } from '../../src/fleet/binaries.js';
import { apiserverSpec, etcdSpec } from '../../src/fleet/components.js';
import { prepareCluster } from '../../src/fleet/prepare.js';
import { clusterPaths, layoutFleet } from '../../src/fleet/layout.js';
import { applyCrds, ensureNamespace, SYSTEM_NAMESPACE } from '../../src/clusters/install.js';
import { hubCrdObjects } from '../../src/api/crds.js';
import { waitFor } from '../../src/util/wait.js';
import { cleanupOnExit } from '../../src/util/exit-cleanup.js';

/** A real kube-apiserver + etcd for a test suite. */
export interface Envtest {
  client: KubeClient;
  /** Path of an admin kubeconfig with one context, `context`. */
  kubeconfig: string;
  context: string;
  server: string;
  stop(): Promise<void>;
}

/** Options of startEnvtest. */
export interface EnvtestOptions {
  /** CRD objects to install; default: every Meridian hub CRD. */
  crds?: Array<Record<string, unknown>>;
  name?: string;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

/**
 * Starts etcd and kube-apiserver (binaries from the cache) on free loopback ports in a temp dir,
 * installs CRDs and the meridian-system namespace, and returns an admin client with generous
 * limits. Like controller-runtime's envtest: no controller-manager, scheduler or nodes.
 */
export async function startEnvtest(options: EnvtestOptions = {}): Promise<Envtest> {
  const name = options.name ?? 'envtest';
  const stateDir = await mkdtemp(join(tmpdir(), 'meridian-envtest-'));
  // Three distinct ports: two calls of freePort() may hand out the same one, and etcd then fails to start.
  const ports = new Set<number>();
  while (ports.size < 3) ports.add(await freePort());
  const [base, etcdClientPort, etcdPeerPort] = [...ports];
  const spec = layoutFleet({ stateDir, members: [], portBase: base });
  const c = { ...spec.clusters[0], name, apiserverPort: base, etcdClientPort, etcdPeerPort };
  spec.clusters = [c];
  await prepareCluster(spec, c);
  const paths = clusterPaths(spec, name);
  const bins = locateBinaries();
  const children: ChildProcess[] = [];
  const launch = (s: { command: string; args: string[] }) => {
    const child = spawn(s.command, s.args, { stdio: 'ignore' });
    children.push(child);
    return child;
  };
  // A test process that dies before stop() takes its servers with it (SIGKILL by the pids it holds).
  const forget = cleanupOnExit(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(stateDir, { recursive: true, force: true, maxRetries: 3 });
  });
  const stop = async () => {
    forget();
    for (const child of children.reverse()) {
      if (child.exitCode !== null) continue;
      child.kill('SIGTERM');
      await Promise.race([new Promise((r) => child.once('exit', r)), new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    await rm(stateDir, { recursive: true, force: true });
  };
  try {
    const etcd = launch(etcdSpec(c, bins, paths));
    await waitFor(() => fetch(`http://127.0.0.1:${c.etcdClientPort}/health`).then((r) => r.ok), {
      timeoutMs: 90_000, intervalMs: 100, what: 'envtest etcd', onTimeout: () => `etcd exit code ${etcd.exitCode}, ports ${[...ports].join(', ')}`,
    });
    launch(apiserverSpec(c, bins, paths));
    const client = await KubeClient.fromFile(paths.adminKubeconfig, name, 30_000);
    await waitFor(async () => (await client.getText('/readyz', 2000)).status === 200, { timeoutMs: 90_000, intervalMs: 200, what: 'envtest kube-apiserver /readyz' });
    await ensureNamespace(client, SYSTEM_NAMESPACE);
    // The API server's bootstrap controller creates `default` a moment after /readyz; tests write there.
    await waitFor(async () => Boolean(await client.get('v1', 'Namespace', 'default')), { timeoutMs: 60_000, intervalMs: 200, what: 'envtest namespace default' });
    await applyCrds(client, options.crds ?? hubCrdObjects());
    return {
      client, kubeconfig: paths.adminKubeconfig, context: name, server: client.server,
      stop: async () => {
        client.close();
        await stop();
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
