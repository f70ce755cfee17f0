// Entry of one DNS worker process (forked by DnsWorkerPool): serves the zones the primary sends
// on the shared port, swaps snapshots when told, and reports the version it serves.

import { ZoneRouter } from './router.js';
import { DnsServer } from './server.js';
import { ZoneSnapshot, type ZoneSnapshotInput } from './snapshot.js';
import { StaticZone } from './static-zone.js';
import type { FromWorker, ToWorker } from './worker-protocol.js';

const router = new ZoneRouter();
const zones = new Map<string, StaticZone>();
let server: DnsServer | undefined;
let version = 0;
let queries = 0;
const send = (msg: FromWorker): void => void process.send?.(msg);

/** Builds every snapshot first, then swaps them in: a bad input leaves the old version serving. */
function apply(inputs: ZoneSnapshotInput[], next: number): void {
  const built = inputs.map((input) => new ZoneSnapshot(input));
  const origins = new Set(built.map((s) => s.origin));
  for (const snapshot of built) {
    const zone = zones.get(snapshot.origin);
    if (zone) zone.setSnapshot(snapshot);
    else {
      const fresh = new StaticZone(snapshot);
      zones.set(snapshot.origin, fresh);
      router.add(fresh);
    }
  }
  for (const origin of [...zones.keys()]) if (!origins.has(origin)) { zones.delete(origin); router.remove(origin); }
  version = next;
}

process.on('message', (msg: ToWorker) => {
  void (async () => {
    try {
      if (msg.kind === 'init') {
        apply(msg.zones, msg.version);
        server = new DnsServer({ ...msg.server, router, clusterWorker: true, metrics: { query: () => void queries++, drop: () => undefined } });
        await server.start();
        send({ kind: 'serving', version });
      } else if (msg.kind === 'zones') {
        apply(msg.zones, msg.version);
        send({ kind: 'serving', version });
      } else if (msg.kind === 'stats') {
        send({ kind: 'stats', version, queries });
      } else if (msg.kind === 'stop') {
        await server?.stop();
        process.exit(0);
      }
    } catch (err) {
      send({ kind: 'failed', error: (err as Error).message });
    }
  })();
});
process.on('disconnect', () => process.exit(0));
// Messages that arrive before a listener exists are lost: the primary sends init only after this.
send({ kind: 'ready' });
