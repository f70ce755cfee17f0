// Which zone answers a name: the served zone with the longest origin at or above it. The table is
// an immutable map replaced on every change, like the zones' own snapshots.

import { normalizeName } from './names.js';
import type { ZoneAuthority } from './types.js';

/** Routes names to zones by longest matching origin. */
export class ZoneRouter {
  private zones: ReadonlyMap<string, ZoneAuthority> = new Map();

  /** Starts with `zones`; two zones with one origin are refused. */
  constructor(zones: Iterable<ZoneAuthority> = []) {
    for (const zone of zones) this.add(zone);
  }

  /** Serves a zone; throws if another zone already has that origin. */
  add(zone: ZoneAuthority): void {
    const origin = normalizeName(zone.origin);
    if (this.zones.has(origin)) throw new Error(`zone ${origin} is already served`);
    this.zones = new Map([...this.zones, [origin, zone]]);
  }

  /** Stops serving the zone with this origin; returns whether it was served. */
  remove(origin: string): boolean {
    const key = normalizeName(origin);
    if (!this.zones.has(key)) return false;
    const next = new Map(this.zones);
    next.delete(key);
    this.zones = next;
    return true;
  }

  /** The origins served now. */
  origins(): string[] {
    return [...this.zones.keys()];
  }

  /** The zone for a normalized name, or undefined when no served zone contains it. */
  find(qname: string): ZoneAuthority | undefined {
    const zones = this.zones;
    let name = qname;
    for (;;) {
      const zone = zones.get(name);
      if (zone) return zone;
      if (name === '') return undefined;
      const dot = nextLabelBoundary(name);
      name = dot < 0 ? '' : name.slice(dot + 1);
    }
  }
}

/** Index of the dot ending the first label, skipping escaped dots ("a\.b.example" -> 3). */
function nextLabelBoundary(name: string): number {
  for (let i = 0; i < name.length; i++) {
    if (name[i] === '\\') i++;
    else if (name[i] === '.') return i;
  }
  return -1;
}
