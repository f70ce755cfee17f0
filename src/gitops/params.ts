/** The parameters of one generated element: a nested map (goTemplate reads it as is). */
export type Params = Record<string, unknown>;

/**
 * Flattens params for `{{key}}` templates the way ArgoCD names them: nested maps join with dots
 * (`metadata.labels.region`), lists get `[i]` (`path[0]`), and values print as text.
 */
export function flattenParams(params: Params): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (prefix: string, v: unknown) => {
    if (Array.isArray(v)) {
      v.forEach((item, i) => walk(`${prefix}[${i}]`, item));
      if (prefix) out[prefix] = JSON.stringify(v);
    } else if (v && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) walk(prefix ? `${prefix}.${k}` : k, child);
    } else if (prefix) out[prefix] = v === undefined || v === null ? '' : String(v);
  };
  walk('', params);
  // A flat key written with dots in it (a list element such as {"a.b": 1}) stays addressable too.
  for (const [k, v] of Object.entries(params)) if (k.includes('.') && (typeof v !== 'object' || v === null)) out[k] = String(v ?? '');
  return out;
}

/** Lower-cases and replaces what a DNS label cannot hold with `-` (ArgoCD's nameNormalized). */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '');
}

/** A stable identity for a parameter set, to drop duplicates. */
export function paramsKey(params: Params): string {
  return JSON.stringify(sortKeys(params));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}
