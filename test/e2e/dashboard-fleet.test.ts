import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_VERSION } from '../../src/api/schema.js';
import { SYSTEM_NAMESPACE } from '../../src/clusters/install.js';
import type { DashboardState } from '../../src/dashboard/model.js';
import { createDemoRepo, seedApplicationSet } from '../../src/gitops/demo.js';
import type { KubeObject } from '../../src/kube/types.js';
import { parseServeOptions } from '../../src/serve/options.js';
import { serve, type ServeHandle } from '../../src/serve/serve.js';
import { silentLogger } from '../../src/util/log.js';
import { waitFor } from '../../src/util/wait.js';
import { launchChromium } from '../support/dashboard-browser.js';
import { startTestFleet, type TestFleet } from '../support/fleet.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXAMPLE = join(ROOT, 'examples/fleet-repo');
const ARTIFACTS = join(ROOT, 'test-results');
const HOST = 'web.global.example.test';
const REGIONS = ['us-east', 'eu-west', 'ap-south'];
// This file's ports: fleet 29000-29079, HTTP 29080, DNS 29090 and one listener per region view.
const HTTP_PORT = 29080;
const DNS_PORT = 29090;
const VIEW_PORTS: Record<string, number> = { 'us-east': 29091, 'eu-west': 29092, 'ap-south': 29093 };

async function dig(port: number, name: string): Promise<string[]> {
  const { stdout } = await run('dig', ['@127.0.0.1', '-p', String(port), '+short', '+time=3', '+tries=3', name]);
  return stdout.split('\n').filter(Boolean).sort();
}

describe('the dashboard in headless Chromium on the local fleet', () => {
  let fleet: TestFleet;
  let handle: ServeHandle | undefined;
  let work: string;
  let closeBrowser: (() => Promise<void>) | undefined;
  let page: Page;
  const url = `http://127.0.0.1:${HTTP_PORT}/`;
  const state = async () => (await (await fetch(`${url}api/v1/dashboard/state`)).json()) as DashboardState;
  const describePage = async () => (await page.locator('main').innerText().catch(() => '(no page)')).slice(0, 3000);

  beforeAll(async () => {
    expect(existsSync(join(ROOT, 'dist/web/app.js')), 'dist/web/app.js is missing: run npm run build first').toBe(true);
    work = await mkdtemp(join(tmpdir(), 'dashboard-e2e-'));
    fleet = await startTestFleet({ portBase: 29000, ingressNet: 19, join: true, nodes: 1 });
    const { repoURL } = await createDemoRepo(EXAMPLE, join(work, 'fleet-repo'));
    await fleet.hub.apply(await seedApplicationSet(EXAMPLE, repoURL));
    // eu-west first, so that killing it visibly moves the traffic arrow.
    await fleet.hub.apply({ apiVersion: API_VERSION, kind: 'GlobalService', metadata: { name: 'web', namespace: SYSTEM_NAMESPACE }, spec: {
      hostnames: [HOST], clusterSelector: { matchLabels: { env: 'production' } }, ttlSeconds: 5, policy: { type: 'failover', order: ['eu-west', 'us-east', 'ap-south'] },
      healthCheck: { protocol: 'http', path: '/', intervalSeconds: 1, timeoutSeconds: 1, failureThreshold: 2 },
    } });
    const views = REGIONS.map((r) => `${r}=@127.0.0.1:${VIEW_PORTS[r]}`).join(',');
    handle = await serve(parseServeOptions({
      kubeconfig: fleet.kubeconfig, controllers: '*', leaderElect: false, httpPort: String(HTTP_PORT), dnsPort: String(DNS_PORT), probeInterval: '1',
      dnsListen: REGIONS.map((r) => `127.0.0.1:${VIEW_PORTS[r]}`).join(','), dnsViews: views, gitopsCacheDir: join(work, 'cache'), gitopsResync: '5', allowFileRepos: true,
    }, {}, 'dashboard-e2e'), silentLogger);
    const chromium = await launchChromium();
    closeBrowser = chromium.close;
    page = await chromium.context.newPage();
  });

  afterAll(async () => {
    await closeBrowser?.();
    await handle?.shutdown();
    await fleet?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('lists the three regions healthy and the seed app Synced and Healthy in each, live', async () => {
    await page.goto(url);
    for (const r of REGIONS) {
      await page.locator(`g.region[data-region="${r}"][data-health="healthy"]`).waitFor({ timeout: 120_000 })
        .catch(async (err: Error) => { throw new Error(`${err.message}\n${await describePage()}`); });
    }
    for (const r of REGIONS) {
      await page.locator(`tr[data-app="web-app"] td[data-cluster="${r}"][data-sync="Synced"][data-health="Healthy"]`).waitFor({ timeout: 240_000 })
        .catch(async (err: Error) => { throw new Error(`${err.message}\n${await describePage()}`); });
    }
    await page.locator('path.arrow[data-to="eu-west"]').first().waitFor({ timeout: 60_000 });
    expect(await page.locator('path.arrow[data-to="eu-west"]').count()).toBe(2);
    expect(await page.locator('tr[data-cluster]').count()).toBe(3);
  });

  it('estimates inter-region egress from the answers each region got', async () => {
    for (let i = 0; i < 5; i++) for (const r of REGIONS) expect(await dig(VIEW_PORTS[r], HOST)).toHaveLength(1);
    const row = await waitFor(async () => (await state()).egress.find((e) => e.name === HOST && e.answers >= 15), { timeoutMs: 20_000, what: 'egress row for the global name' });
    // eu-west answers every region: us-east's and ap-south's clients cross a region boundary.
    expect(row.share).toBeCloseTo(2 / 3, 2);
    expect(row.pairs.map((p) => `${p.from}>${p.to}`).sort()).toEqual(['ap-south>eu-west', 'us-east>eu-west']);
    expect(row.monthlyCost).toBeGreaterThan(0);
    console.log(`egress ${HOST}: ${JSON.stringify(row)}`);
    await page.locator(`tr[data-egress="${HOST}"]`).waitFor({ timeout: 10_000 });
    await mkdir(ARTIFACTS, { recursive: true });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
  });

  it('is keyboard-usable: Tab reaches a matrix cell, Enter opens its diff, Escape closes it', async () => {
    const cell = page.locator('tr[data-app="web-app"] td[data-cluster="us-east"] button');
    await cell.focus();
    await page.keyboard.press('Enter');
    const diff = page.locator('[data-testid="diff"]');
    await waitFor(async () => !/Loading/.test(await diff.innerText()), { timeoutMs: 60_000, what: 'the diff to load' });
    expect(await diff.innerText()).toMatch(/no differences|^---|^Index|@@/m);
    await page.keyboard.press('Escape');
    expect(await page.locator('[role="dialog"]').count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.closest('td')?.getAttribute('data-cluster'))).toBe('us-east');
  });

  it('never shows a member credential', async () => {
    const secrets = (await fleet.hub.list<KubeObject & { data?: Record<string, string> }>('v1', 'Secret', { namespace: SYSTEM_NAMESPACE })).items;
    const values = secrets.flatMap((s) => Object.values(s.data ?? {}).map((v) => Buffer.from(v, 'base64').toString('utf8'))).filter((v) => v.length >= 16);
    expect(values.length).toBeGreaterThan(0);
    const shown = (await page.content()) + JSON.stringify(await state());
    for (const v of values) for (const line of v.split('\n').filter((l) => l.length >= 16)) expect(shown.includes(line)).toBe(false);
  });

  it('fleet kill eu-west: red on the map and in the matrix, the arrow moves to us-east, an event appears, without a reload', async () => {
    await page.evaluate(() => { (window as unknown as { noReload: boolean }).noReload = true; });
    await fleet.kill('eu-west');
    const seen = async (selector: string, what: string) => page.locator(selector).first().waitFor({ timeout: 90_000 })
      .catch(async (err: Error) => { throw new Error(`${what}: ${err.message}\n${await describePage()}`); });
    await seen('g.region[data-region="eu-west"][data-health="down"]', 'eu-west red on the map');
    await seen('tr[data-app="web-app"] td[data-cluster="eu-west"][data-down="true"].bad', 'eu-west red in the matrix');
    await seen('path.arrow[data-to="us-east"][data-from="ap-south"]', 'the arrow to us-east');
    expect(await page.locator('path.arrow[data-to="eu-west"]').count()).toBe(0);
    await seen('.timeline li[data-reason="Failover"]', 'a Failover event');
    await seen('.timeline li[data-reason="MemberLost"]', 'a MemberLost event');
    expect(await page.evaluate(() => (window as unknown as { noReload?: boolean }).noReload)).toBe(true);
    const { stdout } = await run('kubectl', ['--kubeconfig', fleet.kubeconfig, '--context', 'hub', 'get', 'events', '-A', '-l', 'meridian.dev/event', '-o', 'custom-columns=REASON:.reason,OBJECT:.involvedObject.name']);
    expect(stdout).toMatch(/Failover\s+web/);
    expect(stdout).toMatch(/MemberLost\s+eu-west/);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-eu-west-down.png'), fullPage: true });
    // The README's picture is refreshed only on request, so a test run leaves the tree clean.
    if (process.env.MERIDIAN_UPDATE_SCREENSHOT) await copyFile(join(ARTIFACTS, 'dashboard-eu-west-down.png'), join(ROOT, 'docs/img/dashboard.png'));
  });

  it('fits a narrow screen without sideways scrolling of the page', async () => {
    await page.setViewportSize({ width: 390, height: 800 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-narrow.png') });
  });
});
