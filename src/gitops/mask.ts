import type { KubeObject } from '../kube/types.js';

/** What a Secret value is shown as. Fixed strings, never derived from the value (a hash of a short value leaks it). */
export const MASK = '++++++++';
/** What the desired side shows for a value that differs from the live one (as ArgoCD does: a longer run). */
export const MASK_CHANGED = '++++++++++++++++';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
type SecretLike = KubeObject & { data?: Record<string, unknown>; stringData?: Record<string, unknown> };

/** True for a core/v1 Secret. */
export function isSecret(o: KubeObject | undefined): boolean {
  return Boolean(o) && o?.kind === 'Secret' && (o.apiVersion === 'v1' || o.apiVersion === undefined);
}

/** A Secret value as text, whichever field holds it (data is base64, stringData plain). */
function plain(o: SecretLike | undefined, key: string): string | undefined {
  const s = o?.stringData?.[key];
  if (typeof s === 'string') return s;
  const d = o?.data?.[key];
  return typeof d === 'string' ? Buffer.from(d, 'base64').toString('utf8') : d === undefined ? undefined : JSON.stringify(d);
}

function maskFields(o: SecretLike, mask: (field: 'data' | 'stringData', key: string) => string): SecretLike {
  const out: SecretLike = { ...o };
  for (const field of ['data', 'stringData'] as const) {
    const values = o[field];
    if (values && typeof values === 'object') out[field] = Object.fromEntries(Object.keys(values).map((k) => [k, mask(field, k)]));
  }
  const annotations = o.metadata?.annotations;
  if (annotations?.[LAST_APPLIED] !== undefined) out.metadata = { ...o.metadata, annotations: { ...annotations, [LAST_APPLIED]: MASK } };
  return out;
}

/** One object as it may be shown anywhere (dry run, apps, logs): every Secret value replaced by MASK. */
export function maskObject<T extends KubeObject>(o: T): T {
  return isSecret(o) ? (maskFields(o, () => MASK) as T) : o;
}

/**
 * Live and desired as a diff may show them: Secret values masked on both sides, the same mask where
 * the values are equal and a longer one on the desired side where they differ, so a diff still says
 * which keys change without revealing a value. `liveValues` (default: live) is what the live values
 * are compared from, e.g. the whole live object when `live` is a projection. Other kinds are returned as they are.
 */
export function maskSecretPair<T extends KubeObject>(live: T | undefined, desired: T, liveValues: KubeObject | undefined = live): [T | undefined, T] {
  if (!isSecret(desired) && !isSecret(live)) return [live, desired];
  const l = live as SecretLike | undefined;
  const lv = liveValues as SecretLike | undefined;
  const d = desired as SecretLike;
  const same = (k: string) => plain(lv, k) !== undefined && plain(lv, k) === plain(d, k);
  const maskedLive = l ? (maskFields(l, () => MASK) as T) : undefined;
  const maskedDesired = maskFields(d, (_f, k) => (same(k) ? MASK : MASK_CHANGED)) as T;
  return [maskedLive, maskedDesired];
}
