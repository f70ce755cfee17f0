import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClusterPki } from '../fleet/pki.js';
import type { NamespaceOffloading } from '../api/offloading.js';
import type { Logger } from '../util/log.js';
import type { FromWebhook, ToWebhook } from './webhook-protocol.js';

/** What the webhook needs to know about a source cluster (read from the controller's caches). */
export type OffloadingLookup = (cluster: string, namespace: string) => NamespaceOffloading | undefined;

/**
 * The mutating admission webhook of `meridian serve`: HTTPS on loopback with a certificate from
 * its own CA (openssl, as the fleet's PKI), `POST /elect/<cluster>` (Admiralty proxy pods) and
 * `POST /offload/<cluster>` (Liqo namespaces). It answers in a process of its own
 * (webhook-process.ts), so an admission call never queues behind the controllers' work on this
 * event loop (the elected pods' create latency in the burst bench). That process asks this one for
 * NamespaceOffloadings, is restarted on the same port if it dies, and exits when this one goes.
 * A malformed review is answered 400; the webhook never rejects a pod, it only mutates.
 */
export class WebhookServer {
  private child: ChildProcess | undefined;
  private stopping = false;
  private boundPort = 0;
  private tls: { cert: string; key: string } | undefined;
  /** The CA that signed the serving certificate (the webhook configuration's caBundle). */
  caPem = '';
  /** A key directory this server made itself, removed on stop. */
  private ownDir: string | undefined;

  constructor(private readonly address: string, private readonly port: number, private readonly lookup: OffloadingLookup, private readonly log: Logger, private readonly dir?: string) {}

  /** The webhook process's pid (for tests and `fleet status`-style reports). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Issues the certificate and starts the webhook process; resolves with the base URL the API servers call. */
  async start(host: string): Promise<string> {
    if (!this.dir) this.ownDir = await mkdtemp(join(tmpdir(), 'meridian-webhook-'));
    const pki = new ClusterPki(this.dir ?? this.ownDir ?? '', 'scheduling-webhook');
    await pki.ensureCa();
    await pki.ensureCert({ name: 'webhook', commonName: 'meridian-scheduling-webhook', usage: ['server'], ips: ['127.0.0.1'], dnsNames: ['localhost'] });
    this.caPem = await readFile(pki.cert('ca'), 'utf8');
    this.tls = { cert: await readFile(pki.cert('webhook'), 'utf8'), key: await readFile(pki.key('webhook'), 'utf8') };
    this.boundPort = await this.spawn(this.port);
    return `https://${host}:${this.boundPort}`;
  }

  /** Stops the webhook process (by the pid it was started with) and waits, bounded, for it to exit. */
  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    if (this.ownDir) await rm(this.ownDir, { recursive: true, force: true });
  }

  /** Forks the webhook process and resolves with the port it listens on (60 s deadline). */
  private spawn(port: number): Promise<number> {
    const self = fileURLToPath(import.meta.url);
    const ts = self.endsWith('.ts');
    const child = fork(self.replace(/webhook-server\.(ts|js)$/, 'webhook-process.$1'), [], { execArgv: ts ? ['--import', 'tsx'] : [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child = child;
    const send = (msg: ToWebhook) => { if (child.connected) child.send(msg); };
    return new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error('the scheduling webhook process did not listen within 60 s')); }, 60_000);
      child.on('message', (msg: FromWebhook) => {
        if (msg.type === 'listening') { clearTimeout(timer); resolve(msg.port); }
        else if (msg.type === 'failed') { clearTimeout(timer); child.kill('SIGKILL'); reject(new Error(`the scheduling webhook could not listen on ${this.address}:${port}: ${msg.error}`)); }
        else if (msg.type === 'lookup') {
          let offloading: NamespaceOffloading | undefined;
          try { offloading = this.lookup(msg.cluster, msg.namespace); } catch (err) { this.log.warn({ cluster: msg.cluster, err: (err as Error).message }, 'NamespaceOffloading lookup failed'); }
          send({ type: 'offloading', id: msg.id, offloading });
        } else if (msg.type === 'warn') this.log.warn(msg.fields, msg.msg);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the scheduling webhook process exited before listening (code ${code}, signal ${signal})`));
        if (this.stopping || this.child !== child || !this.boundPort) return;
        this.log.warn({ code, signal }, 'scheduling webhook process exited; restarting it on the same port');
        setTimeout(() => { if (!this.stopping) this.spawn(this.boundPort).catch((err: Error) => this.log.error({ err: err.message }, 'scheduling webhook restart failed')); }, 500).unref();
      });
      send({ type: 'start', address: this.address, port, cert: this.tls?.cert ?? '', key: this.tls?.key ?? '' });
    });
  }
}
