import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GlobalService } from '../../src/api/globalservice.js';
import { API_VERSION } from '../../src/api/schema.js';
import { SYSTEM_NAMESPACE } from '../../src/clusters/install.js';
import { parseServeOptions } from '../../src/serve/options.js';
import { serve, type ServeHandle } from '../../src/serve/serve.js';
import { runDrill } from '../../src/traffic/drill.js';
import { silentLogger } from '../../src/util/log.js';
import { waitFor } from '../../src/util/wait.js';
import { startTestFleet, type TestFleet } from '../support/fleet.js';
import { startBind, type BindServer } from '../support/traffic-bind.js';
import { CLI } from '../support/cli.js';

const run = promisify(execFile);
const ZONE = 'global.example.test';
const HOST = `web.${ZONE}`;
const MEMBERS = ['us-east', 'eu-west'];

async function dig(port: number, name: string): Promise<string[]> {
  const { stdout } = await run('dig', ['@127.0.0.1', '-p', String(port), '+short', '+time=1', '+tries=1', name]);
  return stdout.split('\n').filter(Boolean).sort();
}

describe('global traffic on the local fleet: health-checked failover, edge DNS in BIND, the outage drill', () => {
  let fleet: TestFleet;
  let bind: BindServer;
  let handle: ServeHandle | undefined;
  let dnsPort: number;

  beforeAll(async () => {
    [fleet, bind] = await Promise.all([startTestFleet({ portBase: 23000, ingressNet: 13, members: MEMBERS, join: true }), startBind(ZONE)]);
    for (const name of MEMBERS) {
      const c = await fleet.client(name);
      await c.apply({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' },
        spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] } } } });
      await c.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, protocol: 'TCP' }] } });
      await c.apply({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace: 'default' },
        spec: { rules: [{ host: HOST, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] } });
    }
    await fleet.hub.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'edge-dns', namespace: SYSTEM_NAMESPACE }, stringData: {
      server: `127.0.0.1:${bind.port}`, zones: ZONE, keyName: bind.key.name, secret: bind.key.secret.toString('base64'),
    } });
    dnsPort = 23091; // inside this file's port range; an ephemeral port may be taken by some UDP client
    const options = parseServeOptions({ kubeconfig: fleet.kubeconfig, controllers: 'clusters,traffic', leaderElect: false, httpPort: '0', dnsPort: String(dnsPort), probeInterval: '1', gslbZones: ZONE, gslbEdgeSecret: `${SYSTEM_NAMESPACE}/edge-dns` }, {}, 'e2e');
    handle = await serve(options, silentLogger);
    await fleet.hub.apply({ apiVersion: API_VERSION, kind: 'GlobalService', metadata: { name: 'web', namespace: 'default' }, spec: {
      hostnames: [HOST], clusterSelector: { matchLabels: { env: 'production' } }, ttlSeconds: 5,
      policy: { type: 'failover', order: ['us-east', 'eu-west'] },
      healthCheck: { protocol: 'http', path: '/', intervalSeconds: 1, timeoutSeconds: 0.5, failureThreshold: 3, successThreshold: 1 },
    } });
  });
  afterAll(async () => {
    await handle?.shutdown();
    await bind?.stop();
    await fleet?.stop();
  });

  async function status(): Promise<GlobalService['status']> {
    return (await fleet.hub.get<GlobalService>(API_VERSION, 'GlobalService', 'web', 'default'))?.status;
  }

  it('answers the primary region once both are healthy, in Meridian\'s DNS and in BIND', async () => {
    let s: GlobalService['status'];
    await waitFor(async () => {
      s = await status();
      return s?.backends?.length === 2 && s.backends.every((b) => b.health === 'Healthy') && s.answers?.[0]?.addresses.join() === '127.0.13.1';
    }, { timeoutMs: 90_000, intervalMs: 500, what: 'both backends Healthy and us-east answered', onTimeout: () => JSON.stringify(s) });
    expect(await dig(dnsPort, HOST)).toEqual(['127.0.13.1']);
    await waitFor(async () => (await dig(bind.port, HOST)).join() === '127.0.13.1', { timeoutMs: 10_000, what: 'BIND to hold us-east', onTimeout: () => bind.output().slice(-1500) });
    expect((await status())?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True', reason: 'Answering' });
  });

  it('drill: killing us-east moves Meridian\'s answer and BIND\'s to eu-west within interval x threshold + 1 s, then fails back', async () => {
    const serialBefore = (await status())?.serial ?? 0;
    const bindSeen: string[] = [];
    const watchBind = setInterval(() => void dig(bind.port, HOST).then((a) => bindSeen.push(a.join())).catch(() => undefined), 200);
    const report = await runDrill({ spec: fleet.spec, cluster: 'us-east', hostname: HOST, dns: { host: '127.0.0.1', port: dnsPort }, mode: 'cluster', hub: fleet.hub, timeoutMs: 120_000 });
    clearInterval(watchBind);
    expect(report.answerBefore).toEqual(['127.0.13.1']);
    expect(report.answerDuring).toEqual(['127.0.13.2']);
    // Durations are reported, not asserted (bench/gslb measures them); the order of events is an outcome.
    expect(report.timeToAnswerChangeMs).toBeGreaterThan(0);
    expect(report.timeToClientMoveMs).toBeGreaterThanOrEqual(report.timeToAnswerChangeMs);
    expect(report.timeToDetectMs).toBeDefined();
    expect(bindSeen).toContain('127.0.13.2');
    expect((await status())?.serial ?? 0).toBeGreaterThan(serialBefore);
    await waitFor(async () => (await dig(bind.port, HOST)).join() === '127.0.13.1', { timeoutMs: 15_000, what: 'BIND to fail back to us-east' });
    console.log(`drill (cluster kill): ${JSON.stringify(report)}`);
  });

  it('drill --ingress-only: taking down only eu-west\'s ingress does not move a failover answer, us-east\'s does', async () => {
    await expect(runDrill({ spec: fleet.spec, cluster: 'eu-west', hostname: HOST, dns: { host: '127.0.0.1', port: dnsPort }, mode: 'ingress', timeoutMs: 10_000 }))
      .rejects.toThrow(/is not in it/);
    const report = await runDrill({ spec: fleet.spec, cluster: 'us-east', hostname: HOST, dns: { host: '127.0.0.1', port: dnsPort }, mode: 'ingress', hub: fleet.hub, timeoutMs: 60_000 });
    expect(report.answerDuring).toEqual(['127.0.13.2']);
    expect(report.timeToAnswerChangeMs).toBeLessThanOrEqual(4000);
    await waitFor(async () => (await status())?.backends?.find((b) => b.cluster === 'us-east')?.health === 'Healthy', { timeoutMs: 10_000, what: 'us-east Healthy again in status' });
    console.log(`drill (ingress only): ${JSON.stringify(report)}`);
  });

  it('meridian drill outage --ingress-only --json (the built CLI) reports the same measures', async () => {
    expect(existsSync(CLI), `${CLI} is missing: run npm run build first`).toBe(true);
    // Asynchronous on purpose: the DNS server the CLI queries runs in this process.
    const { stdout } = await run(process.execPath, [CLI, 'drill', 'outage', 'us-east', '--ingress-only', '--json', '--state-dir', fleet.spec.stateDir, '--dns', `127.0.0.1:${dnsPort}`, '--timeout', '60'], { timeout: 90_000 });
    const report = JSON.parse(stdout) as { hostname: string; answerDuring: string[]; timeToAnswerChangeMs: number; timeToDetectMs?: number; timeToFailBackMs: number };
    expect(report.hostname).toBe(HOST);
    expect(report.answerDuring).toEqual(['127.0.13.2']);
    expect(report.timeToAnswerChangeMs).toBeLessThanOrEqual(4000);
    expect(report.timeToDetectMs).toBeGreaterThan(0);
    expect(report.timeToFailBackMs).toBeGreaterThan(0);
  });
});
