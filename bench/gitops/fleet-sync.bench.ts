// GitOps on the local fleet, 20 applications x 3 regions by default:
//   npx tsx bench/gitops/fleet-sync.bench.ts [--apps 20] [--steady 60]   (after npm run build)
// (2) A Git commit that changes every application -> every region Synced and Healthy, against a naive
//     script measured in the same run on the same fleet (`kubectl kustomize | kubectl apply
//     --server-side`, per application and region, then waiting for the same health).
// (3) Steady state with nothing changed: write requests the members' API servers count on the
//     applications' resources (apiserver_request_total deltas) over a window of several resyncs,
//     against the naive script re-applying the unchanged repository once.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Application } from '../../src/api/application.js';
import { API_VERSION } from '../../src/api/schema.js';
import { commitAll } from '../../src/gitops/demo.js';
import { assessHealth } from '../../src/gitops/sync/health.js';
import type { KubeClient } from '../../src/kube/client.js';
import type { KubeObject } from '../../src/kube/types.js';
import { sleep, waitFor } from '../../src/util/wait.js';
import { meridianBackground, stopChild } from '../../test/support/cli.js';
import { freePort } from '../../test/support/envtest.js';
import { startTestFleet } from '../../test/support/fleet.js';
import { fleetWrites } from './metrics.js';
import { naiveDeploy } from './naive.js';
import { benchAppSet, BENCH_REGIONS, createBenchRepo, writeApps } from './repo.js';

const { values } = parseArgs({ options: { apps: { type: 'string', default: '20' }, steady: { type: 'string', default: '60' } } });
const APPS = Number(values.apps);
const STEADY_S = Number(values.steady);
const TIMEOUT = 600_000;

type Deployment = KubeObject & { spec: { template: { spec: { containers: Array<{ env?: Array<{ name: string; value: string }> }> } } } };

/** True when every app's Deployment in every region runs `version` and is Healthy. */
async function allRolledOut(members: KubeClient[], version: string): Promise<boolean> {
  for (const c of members) {
    const list = (await c.list<Deployment>('apps/v1', 'Deployment')).items.filter((d) => /^app-\d+$/.test(d.metadata?.name ?? ''));
    if (list.length < APPS) return false;
    for (const d of list) {
      if (d.spec.template.spec.containers[0].env?.find((e) => e.name === 'VERSION')?.value !== version) return false;
      if (assessHealth(d)?.status !== 'Healthy') return false;
    }
  }
  return true;
}

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'gitops-bench-'));
  const fleet = await startTestFleet({ portBase: 21500, ingressNet: 11, join: true, nodes: 2 });
  let serve: ReturnType<typeof meridianBackground> | undefined;
  try {
    const members = await Promise.all(BENCH_REGIONS.map((r) => fleet.client(r)));
    const repoDir = join(work, 'repo');
    const repoURL = await createBenchRepo(repoDir, APPS);

    // Naive baseline: warm up at version 1, then measure a commit to version 2.
    await naiveDeploy(repoDir, APPS, fleet.kubeconfig);
    await waitFor(() => allRolledOut(members, '1'), { timeoutMs: TIMEOUT, intervalMs: 500, what: 'naive warm-up rolled out' });
    await writeApps(repoDir, APPS, '2');
    await commitAll(repoDir, 'version 2');
    let t0 = performance.now();
    await naiveDeploy(repoDir, APPS, fleet.kubeconfig);
    const naiveApplyMs = performance.now() - t0;
    await waitFor(() => allRolledOut(members, '2'), { timeoutMs: TIMEOUT, intervalMs: 250, what: 'naive version 2 rolled out' });
    const naiveMs = performance.now() - t0;
    let before = await fleetWrites(members);
    const naiveApplies = await naiveDeploy(repoDir, APPS, fleet.kubeconfig);
    const naiveSteadyWrites = (await fleetWrites(members)) - before;

    // Meridian: take the same objects over, then measure a commit to version 3.
    const httpPort = await freePort();
    serve = meridianBackground(['serve', '--kubeconfig', fleet.kubeconfig, '--controllers', 'clusters,gitops', '--probe-interval', '5', '--http-port', String(httpPort),
      '--no-leader-elect', '--dns-port', '0', '--log-level', 'warn', '--gitops-cache-dir', join(work, 'cache'), '--gitops-poll-interval', '300', '--gitops-resync', '10', '--allow-file-repos']);
    await waitFor(async () => (await fetch(`http://127.0.0.1:${httpPort}/healthz`)).ok, { timeoutMs: 60_000, what: 'meridian serve' });
    await fleet.hub.apply(benchAppSet(repoURL));
    const appsAt = async (rev: string) => {
      const list = (await fleet.hub.list<Application>(API_VERSION, 'Application', { namespace: 'meridian-system' })).items;
      return list.length === APPS * BENCH_REGIONS.length && list.every((a) => a.status?.sync?.status === 'Synced' && a.status.health?.status === 'Healthy' && (!rev || a.status.sync.revision === rev));
    };
    await waitFor(() => appsAt(''), { timeoutMs: TIMEOUT, intervalMs: 1000, what: 'Meridian warm-up: every Application Synced and Healthy', onTimeout: () => serve?.output().slice(-2000) ?? '' });
    await writeApps(repoDir, APPS, '3');
    const rev = await commitAll(repoDir, 'version 3');
    t0 = performance.now();
    await fetch(`http://127.0.0.1:${httpPort}/api/v1/webhooks/git`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ repoURL }) });
    let appliedMs = 0;
    await waitFor(async () => {
      const list = (await fleet.hub.list<Application>(API_VERSION, 'Application', { namespace: 'meridian-system' })).items;
      if (!appliedMs && list.every((a) => a.status?.sync?.status === 'Synced' && a.status.sync.revision === rev)) appliedMs = performance.now() - t0;
      return appsAt(rev);
    }, { timeoutMs: TIMEOUT, intervalMs: 250, what: 'every Application Synced and Healthy at version 3', onTimeout: () => serve?.output().slice(-2000) ?? '' });
    const meridianMs = performance.now() - t0;
    const rolledOut = await allRolledOut(members, '3');

    // Steady state: nothing changes for several resync intervals.
    await sleep(5000);
    before = await fleetWrites(members);
    await sleep(STEADY_S * 1000);
    const steadyWrites = (await fleetWrites(members)) - before;

    console.log(`gitops fleet sync: ${APPS} apps x ${BENCH_REGIONS.length} regions (${APPS * BENCH_REGIONS.length} applications, 4 objects each)`);
    console.log(`  (2) commit -> all Synced+Healthy   meridian ${(meridianMs / 1000).toFixed(1)} s (all Synced after ${(appliedMs / 1000).toFixed(1)} s; deployments verified: ${rolledOut})`);
    console.log(`      naive kubectl script           ${(naiveMs / 1000).toFixed(1)} s (of which kustomize+apply ${(naiveApplyMs / 1000).toFixed(1)} s)`);
    console.log(`      ratio naive/meridian           ${(naiveMs / meridianMs).toFixed(2)}x`);
    console.log(`  (3) steady state, ${STEADY_S} s (resync every 10 s): member write requests on app resources = ${steadyWrites} (goal 0)`);
    console.log(`      naive script re-applying the unchanged repo once (${naiveApplies} applies): ${naiveSteadyWrites} write requests`);
  } finally {
    if (serve) await stopChild(serve);
    await fleet.stop();
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
