// Zones as plain data, so DNS worker processes can serve what the controllers' process builds. A
// zone's code runs unchanged in every worker (src/dns/portable-build.ts rebuilds it); only its
// snapshot and its per-client inputs (split-horizon views) cross the process boundary, with the
// cluster module's advanced serialization (Maps, Sets and bigints survive). The primary learns of
// a change when a controller swaps a snapshot in (setSnapshot) or the views change.

import type { DiscoverySnapshot } from '../discovery/dns-snapshot.js';
import type { ClusterViews, ViewsData } from '../discovery/views.js';
import type { GslbSnapshot } from '../traffic/zone.js';
import { GslbZone } from '../traffic/zone.js';
import type { ZoneSnapshotInput } from './snapshot.js';
import { StaticZone } from './static-zone.js';
import type { DnsRecord, SnapshotZone, ZoneAuthority } from './types.js';

/** The clusterset.local zone's settings (the options `ClustersetZone` is built with). */
export interface ClustersetSettings {
  ttl: number;
  nameserverAddresses: string[];
  clusterSetIpAnswers: boolean;
}

/** One zone as plain data, by kind. */
export type PortableZone =
  | { kind: 'static'; input: ZoneSnapshotInput }
  | { kind: 'clusterset'; origin: string; settings: ClustersetSettings; views: ViewsData; snapshot: DiscoverySnapshot }
  | { kind: 'clusterset-reverse'; origin: string; forward: string }
  | { kind: 'gslb'; origin: string; snapshot: GslbSnapshot };

/** How a zone is described as plain data and how its owner learns that the description changed. */
export interface PortableSource {
  describe(): PortableZone;
  /** Calls onChange after every change of the data describe() returns; returns the unsubscribe. */
  watch(onChange: () => void): () => void;
}

const registered = new WeakMap<ZoneAuthority, PortableSource>();

/** Declares how `zone` crosses to DNS workers (for zones whose settings only their owner knows). */
export function registerPortableZone(zone: ZoneAuthority, source: PortableSource): void {
  registered.set(zone, source);
}

/** How `zone` crosses to DNS workers, or undefined when it cannot (it then needs the single-thread server). */
export function portableSource(zone: ZoneAuthority): PortableSource | undefined {
  const known = registered.get(zone);
  if (known) return known;
  if (zone instanceof StaticZone) return { describe: () => ({ kind: 'static', input: staticInput(zone) }), watch: (fn) => watchSnapshots(zone, fn) };
  if (zone instanceof GslbZone) return { describe: () => ({ kind: 'gslb', origin: zone.origin, snapshot: zone.snapshot() }), watch: (fn) => watchSnapshots(zone, fn) };
  return undefined;
}

/**
 * Declares the clusterset.local zone and its reverse zone portable: the zone's settings and the
 * views (CIDRs and listeners per cluster, plus the members' networks) go as plain data, and a new
 * snapshot or new member networks republish both.
 */
export function registerClustersetZones(zone: SnapshotZone<DiscoverySnapshot>, reverse: ZoneAuthority, settings: ClustersetSettings, views: ClusterViews): void {
  const watch = (fn: () => void): (() => void) => {
    const offSnapshots = watchSnapshots(zone, fn);
    const offViews = views.onChange(fn);
    return () => { offSnapshots(); offViews(); };
  };
  registerPortableZone(zone, { describe: () => ({ kind: 'clusterset', origin: zone.origin, settings, views: views.toData(), snapshot: zone.snapshot() }), watch });
  registerPortableZone(reverse, { describe: () => ({ kind: 'clusterset-reverse', origin: reverse.origin, forward: zone.origin }), watch: (fn) => watchSnapshots(zone, fn) });
}

const watchers = new WeakMap<object, Set<() => void>>();

/**
 * Calls onChange after every setSnapshot of `zone`. Controllers swap snapshots through that one
 * method, so wrapping it on the instance tells the DNS workers at once, with no polling and no
 * change to the zone classes.
 */
export function watchSnapshots<S>(zone: SnapshotZone<S>, onChange: () => void): () => void {
  let set = watchers.get(zone);
  if (!set) {
    const listeners = new Set<() => void>();
    set = listeners;
    watchers.set(zone, listeners);
    const original = zone.setSnapshot.bind(zone);
    zone.setSnapshot = (next: S) => {
      original(next);
      for (const listener of listeners) listener();
    };
  }
  set.add(onChange);
  const current = set;
  return () => current.delete(onChange);
}

/** A StaticZone's snapshot back as the input it was built from. */
function staticInput(zone: StaticZone): ZoneSnapshotInput {
  const snap = zone.snapshot();
  const apexNs = snap.lookup(snap.origin, 'NS');
  const records: DnsRecord[] = [];
  for (const r of snap.records()) if (r.type !== 'SOA' && !(r.type === 'NS' && r.name === snap.origin && apexNs.includes(r))) records.push(r);
  return { origin: snap.origin, soa: snap.soa.data, apexTtl: snap.soa.ttl, nameservers: apexNs.map((r) => r.data), records };
}
