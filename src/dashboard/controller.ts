import { join } from 'node:path';
import type { Application } from '../api/application.js';
import type { ApplicationSet } from '../api/applicationset.js';
import type { GlobalService } from '../api/globalservice.js';
import { API_VERSION } from '../api/schema.js';
import { SYSTEM_NAMESPACE } from '../clusters/install.js';
import type { ServiceRow } from '../discovery/report.js';
import { GitCache } from '../gitops/git/cache.js';
import { hubCredentials } from '../gitops/git/credentials.js';
import { EVENT_SOURCE_LABEL } from '../kube/events.js';
import { Informer } from '../kube/informer.js';
import type { Controller, ControllerContext } from '../serve/controller.js';
import { answerRecorder, type AnswerRecorder } from './answers.js';
import { buildState } from './build.js';
import { applicationDiff } from './diff.js';
import { DEFAULT_EGRESS, type EgressConfig } from './egress.js';
import { loadEgressConfig } from './egress-config.js';
import { registerAssets } from './assets.js';
import { DashboardStore } from './store.js';
import { serveStream } from './stream.js';
import type { CoreEvent } from './aggregate-traffic.js';
import { CertificateExpiry } from '../metrics/certificates.js';
import { eventCounter } from '../metrics/events.js';
import { registerFleetGauges } from '../metrics/fleet.js';

const DEBOUNCE_MS = 200;
const TICK_MS = 2000;
const CONFIG_MS = 30_000;
const CERTIFICATES_MS = 300_000;

/**
 * The `dashboard` controller of `meridian serve`: the page at `/`, its state at
 * `GET /api/v1/dashboard/state`, one server-sent-events stream at `/api/v1/dashboard/stream`
 * (snapshot, then deltas) and an OutOfSync cell's diff. State comes from hub caches (Clusters via
 * the registry, Applications, ApplicationSets, GlobalServices, Meridian's Events), the discovery
 * report and the DNS answers recorded for the egress estimate; it is rebuilt on every change
 * (debounced) and every 2 s for the parts that have no watch.
 */
export class DashboardController implements Controller {
  readonly store = new DashboardStore();
  private readonly apps: Informer<Application>;
  private readonly appsets: Informer<ApplicationSet>;
  private readonly globals: Informer<GlobalService>;
  private readonly events: Informer<CoreEvent>;
  private readonly answers: AnswerRecorder;
  private readonly git: GitCache;
  private egress: EgressConfig = DEFAULT_EGRESS;
  private readonly certificates: CertificateExpiry;
  private readonly countEvent: (reason: string, type: string) => void;
  private timers: NodeJS.Timeout[] = [];
  private pending: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly schedule = () => {
    if (this.pending || this.stopped) return;
    this.pending = setTimeout(() => { this.pending = undefined; void this.rebuild(); }, DEBOUNCE_MS);
  };

  constructor(private readonly ctx: ControllerContext) {
    this.apps = new Informer<Application>(ctx.hub, { apiVersion: API_VERSION, kind: 'Application' });
    this.appsets = new Informer<ApplicationSet>(ctx.hub, { apiVersion: API_VERSION, kind: 'ApplicationSet' });
    this.globals = new Informer<GlobalService>(ctx.hub, { apiVersion: API_VERSION, kind: 'GlobalService' });
    this.events = new Informer<CoreEvent>(ctx.hub, { apiVersion: 'v1', kind: 'Event', labelSelector: EVENT_SOURCE_LABEL });
    this.answers = answerRecorder(ctx.metrics);
    this.git = new GitCache({ dir: join(ctx.options.gitopsCacheDir ?? join(process.cwd(), '.meridian-gitops'), 'dashboard'), pollIntervalMs: 10_000, credentials: hubCredentials(ctx.hub, SYSTEM_NAMESPACE), allowFileRepos: ctx.options.gitopsAllowFileRepos ?? false });
    this.certificates = new CertificateExpiry(ctx.metrics, ctx.hub);
    this.countEvent = eventCounter(ctx.metrics);
    registerFleetGauges(ctx.metrics, () => this.store.current());
    registerAssets(ctx.http);
    ctx.http.get('/api/v1/dashboard/state', async (_req, reply) => reply.header('cache-control', 'no-store').send(this.store.current() ?? {}));
    ctx.http.get('/api/v1/dashboard/stream', (req, reply) => serveStream(this.store, req, reply));
    ctx.http.get<{ Querystring: { app?: string } }>('/api/v1/dashboard/diff', async (req, reply) => {
      const app = this.apps.get(String(req.query.app ?? ''));
      if (!app) return reply.code(404).type('text/plain').send('no such Application\n');
      const text = await applicationDiff(app, this.git, ctx.registry).catch((err: Error) => `diff failed: ${err.message}\n`);
      return reply.header('cache-control', 'no-store').type('text/plain; charset=utf-8').send(text);
    });
  }

  async start(): Promise<void> {
    for (const i of [this.apps, this.appsets, this.globals, this.events] as Array<Informer<never>>) {
      i.on('add', this.schedule).on('update', this.schedule).on('delete', this.schedule);
      i.start();
    }
    this.ctx.registry.on('change', this.schedule);
    const startedAt = new Date().toISOString();
    this.events.on('add', (e: CoreEvent) => { if ((e.lastTimestamp ?? e.metadata?.creationTimestamp ?? '') >= startedAt) this.countEvent(e.reason ?? '', e.type ?? 'Normal'); });
    const certificates = () => void this.certificates.refresh(this.ctx.registry.clusterObjects());
    const reload = () => void loadEgressConfig(this.ctx.hub, SYSTEM_NAMESPACE).then((c) => { this.egress = c; })
      .catch((err: Error) => this.ctx.log.warn({ err: err.message }, 'egress configuration ignored'));
    reload();
    certificates();
    this.timers = [setInterval(this.schedule, TICK_MS).unref(), setInterval(reload, CONFIG_MS).unref(), setInterval(certificates, CERTIFICATES_MS).unref()];
    await this.rebuild();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.ctx.registry.off('change', this.schedule);
    for (const t of this.timers) clearInterval(t);
    if (this.pending) clearTimeout(this.pending);
    for (const i of [this.apps, this.appsets, this.globals, this.events]) i.stop();
  }

  private async services(): Promise<ServiceRow[]> {
    const res = await this.ctx.http.inject({ method: 'GET', url: '/api/v1/services' });
    return res.statusCode === 200 ? (res.json() as ServiceRow[]) : [];
  }

  private async rebuild(): Promise<void> {
    if (this.stopped) return;
    try {
      const registry = this.ctx.registry;
      this.store.update(buildState({
        clusters: registry.clusterObjects(), live: (name) => registry.get(name)?.ready,
        apps: this.apps.list(), appsets: this.appsets.list(), globals: this.globals.list(), events: this.events.list(),
        services: await this.services().catch(() => []), answers: this.answers, views: this.ctx.options.dnsViews, egress: this.egress,
      }));
    } catch (err) {
      this.ctx.log.warn({ err: (err as Error).message }, 'dashboard state rebuild failed');
    }
  }
}
