import { createHash } from 'node:crypto';

/**
 * The part of a live object that Meridian manages: the live value restricted to the shape of the
 * desired object (its keys, its list lengths). Defaults and status the server adds are left out, so
 * comparing projections detects drift on exactly the fields Meridian applied.
 */
export function project(live: unknown, desired: unknown): unknown {
  if (Array.isArray(desired)) {
    if (!Array.isArray(live)) return live === undefined ? null : live;
    const items = desired.map((d, i) => project(live[i], d));
    return live.length === desired.length ? items : { items, length: live.length };
  }
  if (desired && typeof desired === 'object') {
    if (!live || typeof live !== 'object' || Array.isArray(live)) return live === undefined ? null : live;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(desired).sort()) out[k] = project((live as Record<string, unknown>)[k], (desired as Record<string, unknown>)[k]);
    return out;
  }
  return live === undefined ? null : live;
}

/** Canonical JSON: keys sorted at every depth. */
export function canonical(v: unknown): string {
  return JSON.stringify(sortDeep(v));
}

function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortDeep((v as Record<string, unknown>)[k])]));
  return v;
}

/** sha256 of a value's canonical JSON, hex. */
export function hashOf(v: unknown): string {
  return createHash('sha256').update(canonical(v)).digest('hex');
}

/** The fingerprint of one resource: what was desired, and what the server held on those fields. */
export function fingerprint(desired: unknown, live: unknown): string {
  return `${hashOf(desired).slice(0, 16)}:${hashOf(project(live, desired)).slice(0, 16)}`;
}

/**
 * The fingerprints of one sync pass, each hash computed once: a desired object's hash is needed to
 * tell whether it changed, for its fingerprint after the read or apply, and again for its status.
 */
export class FingerprintMemo {
  private readonly desired = new Map<unknown, string>();
  private readonly pairs = new Map<unknown, { live: unknown; fp: string }>();

  /** The first 16 hex digits of the desired object's hash (the first half of its fingerprint). */
  desiredHash(desired: unknown): string {
    let h = this.desired.get(desired);
    if (h === undefined) {
      h = hashOf(desired).slice(0, 16);
      this.desired.set(desired, h);
    }
    return h;
  }

  /** fingerprint(desired, live), remembered for the last live copy seen of each desired object. */
  of(desired: unknown, live: unknown): string {
    const m = this.pairs.get(desired);
    if (m && m.live === live) return m.fp;
    const fp = `${this.desiredHash(desired)}:${hashOf(project(live, desired)).slice(0, 16)}`;
    this.pairs.set(desired, { live, fp });
    return fp;
  }
}
