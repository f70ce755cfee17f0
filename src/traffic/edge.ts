import type { Logger } from '../util/log.js';
import { addressesOf, exchange, query, type DnsEndpoint, type DnsReply } from './dnsclient.js';
import type { TsigKey } from './tsig.js';
import { buildUpdate, type EdgeRRset } from './update.js';

/** Where and how to push a zone's records: an external primary that accepts TSIG-signed RFC 2136 updates. */
export interface EdgeConfig {
  server: DnsEndpoint;
  zone: string;
  key: TsigKey;
  timeoutMs?: number;
}

/** What one sync did. */
export interface EdgeSyncResult {
  /** Names whose records were rewritten. */
  updated: string[];
  /** Names already right. */
  inSync: string[];
}

/**
 * Keeps an external primary's A/AAAA records equal to Meridian's answers. Every sync reads what the
 * primary serves now for each name it manages and sends one signed UPDATE for the names that differ,
 * so records someone changed or removed by hand are repaired, and names no longer wanted are
 * deleted. Syncs run one at a time; the last desired state is kept for periodic drift repair.
 */
export class EdgeSync {
  private desired: EdgeRRset[] = [];
  private managed = new Set<string>();
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  /** The outcome of the last sync, for status and metrics. */
  last: { at: string; result?: EdgeSyncResult; error?: string } | undefined;

  constructor(readonly config: EdgeConfig, private readonly log: Logger) {}

  /** Sets the desired records and syncs now. */
  push(desired: EdgeRRset[]): Promise<EdgeSyncResult> {
    this.desired = desired.map((d) => ({ ...d, name: d.name.toLowerCase() }));
    return this.enqueue();
  }

  /** Re-checks the primary every intervalMs and repairs drift. */
  startRepair(intervalMs: number): void {
    this.timer = setInterval(() => void this.enqueue().catch(() => undefined), intervalMs);
    this.timer.unref();
  }

  /** Stops drift repair. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private enqueue(): Promise<EdgeSyncResult> {
    const run = this.chain.then(() => this.sync());
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async sync(): Promise<EdgeSyncResult> {
    const wanted = new Map(this.desired.map((d) => [d.name, d]));
    const names = [...new Set([...this.managed, ...wanted.keys()])].sort();
    try {
      const differing: EdgeRRset[] = [];
      const inSync: string[] = [];
      for (const name of names) {
        const want = wanted.get(name) ?? { name, ttl: 0, addresses: [] };
        if (sameSet(await this.current(name), want)) inSync.push(name);
        else differing.push(want);
      }
      if (differing.length > 0) await this.send(differing);
      this.managed = new Set(wanted.keys());
      const result = { updated: differing.map((d) => d.name), inSync };
      if (differing.length) this.log.info({ zone: this.config.zone, server: `${this.config.server.host}:${this.config.server.port}`, updated: result.updated }, 'edge DNS records updated');
      this.last = { at: new Date().toISOString(), result };
      return result;
    } catch (err) {
      this.last = { at: new Date().toISOString(), error: (err as Error).message };
      throw err;
    }
  }

  private async current(name: string): Promise<{ ttl: number; addresses: string[] }> {
    const opts = { timeoutMs: this.config.timeoutMs ?? 2000 };
    const replies = await Promise.all([query(this.config.server, name, 'A', opts), query(this.config.server, name, 'AAAA', opts)]);
    const a = addressesOf(replies[0], name);
    const aaaa = addressesOf(replies[1], name);
    return { ttl: a.addresses.length ? a.ttl : aaaa.ttl, addresses: [...a.addresses, ...aaaa.addresses] };
  }

  private async send(sets: EdgeRRset[]): Promise<void> {
    const reply: DnsReply = await exchange(this.config.server, buildUpdate(this.config.zone, sets), { tsig: this.config.key, timeoutMs: this.config.timeoutMs ?? 2000, tcp: true });
    if (reply.rcode !== 'NOERROR') throw new Error(`UPDATE of zone ${this.config.zone} at ${this.config.server.host}:${this.config.server.port} refused: ${reply.rcode}`);
  }
}

function sameSet(actual: { ttl: number; addresses: string[] }, want: EdgeRRset): boolean {
  const a = [...actual.addresses].sort().join(',');
  const w = [...want.addresses].sort().join(',');
  return a === w && (w === '' || actual.ttl === want.ttl);
}
