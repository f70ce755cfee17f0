import Fastify, { type FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAssets } from '../../src/dashboard/assets.js';
import type { AppCell, DashboardState } from '../../src/dashboard/model.js';
import { DashboardStore } from '../../src/dashboard/store.js';
import { serveStream } from '../../src/dashboard/stream.js';
import { launchChromium } from '../support/dashboard-browser.js';

// The page in real Chromium against the real server side (assets, store, SSE stream) fed a
// hand-written state: the live-update path without a fleet. The fleet version is test/e2e/dashboard-fleet.test.ts.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const REGIONS: Array<[string, number, number]> = [['us-east', 38.9, -77.4], ['eu-west', 53.3, -6.3], ['ap-south', 19.1, 72.9]];
const cell = (c: string, down: boolean): AppCell => ({ application: `web-app-${c}`, namespace: 'meridian-system', sync: down ? 'Unknown' : 'Synced', health: down ? 'Unknown' : 'Healthy', revision: 'abcdef01', clusterDown: down, outOfSync: 0 });

function state(euDown: boolean): DashboardState {
  const target = euDown ? 'us-east' : 'eu-west';
  return {
    regions: REGIONS.map(([name, lat, lon]) => ({ name, lat, lon, clusters: [name], health: euDown && name === 'eu-west' ? 'down' : 'healthy' })),
    clusters: REGIONS.map(([name]) => ({ name, region: name, ready: !(euDown && name === 'eu-west'), reason: 'Probed', message: '', podCIDRs: [], serviceCIDRs: [], findings: [] })),
    apps: { clusters: REGIONS.map(([n]) => n).sort(), rows: [{ name: 'web-app', cells: Object.fromEntries(REGIONS.map(([n]) => [n, cell(n, euDown && n === 'eu-west')])) }] },
    traffic: [{ key: 'meridian-system/web', hostnames: ['web.global.example.test'], policy: 'failover', order: ['eu-west', 'us-east'], ready: '', backends: [], answers: [{ hostname: 'web.global.example.test', addresses: ['127.0.0.2'], regions: [target] }], targets: [target], history: [] }],
    services: [],
    events: euDown ? [{ time: '2026-12-02T04:00:00Z', type: 'Warning', reason: 'Failover', object: 'GlobalService/meridian-system/web', message: 'answers moved from eu-west to us-east' }] : [],
    egress: [],
  };
}

describe('the dashboard page in headless Chromium (server side real, state hand-written)', () => {
  const store = new DashboardStore();
  let http: FastifyInstance;
  let page: Page;
  let close: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    expect(existsSync(`${ROOT}/dist/web/app.js`), 'dist/web/app.js is missing: run npm run build').toBe(true);
    store.update(state(false));
    http = Fastify();
    registerAssets(http);
    http.get('/api/v1/dashboard/stream', (req, reply) => serveStream(store, req, reply));
    await http.listen({ host: '127.0.0.1', port: 0 });
    const chromium = await launchChromium();
    close = chromium.close;
    page = await chromium.context.newPage();
    const address = http.server.address();
    await page.goto(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`);
  }, 60_000);
  afterAll(async () => {
    await close?.();
    await http?.close();
  });

  it('renders the regions, the matrix and the arrows from the snapshot', async () => {
    for (const [r] of REGIONS) await page.locator(`g.region[data-region="${r}"][data-health="healthy"]`).waitFor({ timeout: 10_000 });
    expect(await page.locator('tr[data-app="web-app"] td[data-sync="Synced"][data-health="Healthy"]').count()).toBe(3);
    expect(await page.locator('path.arrow[data-to="eu-west"]').count()).toBe(2);
  });

  it('applies a delta without a reload: eu-west red on the map and in the matrix, the arrow moved, the event listed', async () => {
    await page.evaluate(() => { (window as unknown as { marker: number }).marker = 42; });
    store.update(state(true));
    await page.locator('g.region[data-region="eu-west"][data-health="down"]').waitFor({ timeout: 10_000 });
    await page.locator('tr[data-app="web-app"] td[data-cluster="eu-west"][data-down="true"].bad').waitFor({ timeout: 10_000 });
    await page.locator('path.arrow[data-from="ap-south"][data-to="us-east"]').waitFor({ timeout: 10_000 });
    expect(await page.locator('path.arrow[data-to="eu-west"]').count()).toBe(0);
    await page.locator('.timeline li[data-reason="Failover"]').waitFor({ timeout: 10_000 });
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
  });

  it('is reachable by keyboard: the skip link first, every matrix cell a focusable button', async () => {
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    expect(await page.locator('td.cell button').count()).toBe(3);
  });

  it('fits 1280x800 and a 390 px wide screen without sideways scrolling of the page', async () => {
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
    await page.setViewportSize({ width: 390, height: 800 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
  });
});
