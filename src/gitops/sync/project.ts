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
