import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import YAML from 'yaml';
import { API_VERSION } from '../api/schema.js';
import type { Application } from '../api/application.js';
import type { GlobalService } from '../api/globalservice.js';
import { deployDemo } from '../gitops/demo.js';
import type { KubeClient } from '../kube/client.js';
import { SYSTEM_NAMESPACE } from '../clusters/install.js';
import { waitFor } from '../util/wait.js';

/** Where the demo finds its example files and keeps its Git repository. */
export interface DemoPaths {
  examplesDir: string;
  stateDir: string;
  /** `meridian serve`'s HTTP base URL: the demo calls its Git webhook instead of waiting for a poll. */
  serveUrl?: string;
}

/**
 * Deploys the demo on a fleet whose members are joined and where `meridian serve` runs: the seed
 * ApplicationSet from a local Git repository, and the GlobalService for web.global.example.test.
 * Waits until every Application is Synced and Healthy and the global name has an answer.
 */
export async function deployDemoApps(hub: KubeClient, paths: DemoPaths, say: (m: string) => void, timeoutMs = 240_000): Promise<void> {
  const repo = await deployDemo(hub, join(paths.examplesDir, 'fleet-repo'), join(paths.stateDir, 'demo', 'fleet-repo'));
  say(`git repository ${repo.repoURL} at ${repo.commit.slice(0, 8)}; ApplicationSet ${repo.appset} applied`);
  const gs = YAML.parse(await readFile(join(paths.examplesDir, 'global', 'web-globalservice.yaml'), 'utf8')) as GlobalService;
  await hub.apply(gs);
  say(`GlobalService ${gs.metadata?.namespace}/${gs.metadata?.name} applied for ${gs.spec.hostnames.join(', ')}`);
  if (paths.serveUrl) await notifyPush(paths.serveUrl, repo.repoURL, say);
  const seen = new Map<string, string>();
  await waitFor(async () => {
    const apps = (await hub.list<Application>(API_VERSION, 'Application', { namespace: SYSTEM_NAMESPACE })).items;
    for (const a of apps) {
      const state = `${a.status?.sync?.status ?? 'Unknown'}/${a.status?.health?.status ?? 'Unknown'} at ${a.status?.sync?.revision?.slice(0, 8) ?? '-'}`;
      if (seen.get(a.metadata?.name ?? '') !== state) say(`  ${a.metadata?.name}: ${state}`);
      seen.set(a.metadata?.name ?? '', state);
    }
    const current = (a: Application) => a.status?.sync?.revision?.startsWith(repo.commit.slice(0, 8)) ?? false;
    return apps.length >= 3 && apps.every((a) => current(a) && a.status?.sync?.status === 'Synced' && a.status?.health?.status === 'Healthy');
  }, { timeoutMs, intervalMs: 1000, what: 'web-app Synced and Healthy in every region', onTimeout: () => JSON.stringify(Object.fromEntries(seen)) });
  const answered = await waitFor(async () => {
    const got = await hub.get<GlobalService>(API_VERSION, 'GlobalService', gs.metadata?.name ?? '', gs.metadata?.namespace);
    return got?.status?.answers?.find((a) => a.addresses.length > 0);
  }, { timeoutMs: 60_000, intervalMs: 500, what: 'an answer for the global hostname' });
  say(`${answered.hostname} answers ${answered.addresses.join(', ')}`);
}

/** Tells `meridian serve` about the new commit through its Git webhook, as a Git host would. */
async function notifyPush(serveUrl: string, repoURL: string, say: (m: string) => void): Promise<void> {
  try {
    const res = await fetch(`${serveUrl}/api/v1/webhooks/git`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ repoURL }) });
    if (!res.ok) say(`git webhook answered ${res.status}; the next poll picks the commit up`);
  } catch (err) {
    say(`git webhook not reachable (${(err as Error).message}); the next poll picks the commit up`);
  }
}

/** The lines to try once the demo runs. */
export function demoHints(dnsPort: number, ingress: Array<{ region: string; address: string; port: number }>): string {
  const dig = `dig @127.0.0.1 -p ${dnsPort}`;
  const first = ingress[0];
  return [
    'Try:',
    '  open http://127.0.0.1:8480/   # the dashboard: regions on a map, clusters, apps x clusters, global traffic, events, egress',
    `  ${dig} web.web.svc.clusterset.local            # the web Service, exported from every region: each region's cluster IP`,
    `  ${dig} SRV _http._tcp.web.web.svc.clusterset.local`,
    `  ${dig} eu-west.web.web.svc.clusterset.local    # one region's copy`,
    `  ${dig} web.global.example.test                 # global traffic: the first healthy region's ingress`,
    ...ingress.map((i) => `  curl -si -H 'Host: web.global.example.test' http://${i.address}:${i.port}/ | grep -i x-meridian-region   # ${i.region}`),
    first ? `  curl -s --resolve web.global.example.test:${first.port}:$(${dig} +short web.global.example.test) http://web.global.example.test:${first.port}/` : '',
    '  ./bin/meridian apps; ./bin/meridian services; ./bin/meridian cluster list',
    `  ./bin/meridian drill outage ${first?.region ?? 'us-east'}   # kills the region, measures how long traffic took to move, revives it`,
    '  ./bin/meridian fleet down   # stops everything, meridian serve included',
  ].filter(Boolean).join('\n');
}
