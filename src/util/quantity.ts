const SUFFIX: Record<string, number> = {
  n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, Pi: 1024 ** 5, Ei: 1024 ** 6,
};

/** Parses a Kubernetes resource quantity ("500m", "4", "16Gi", "1e3") into a number of base units. */
export function parseQuantity(q: string | number | undefined): number {
  if (q === undefined || q === '') return 0;
  if (typeof q === 'number') return q;
  const m = /^([+-]?[0-9.]+(?:[eE][+-]?\d+)?)([a-zA-Z]*)$/.exec(q.trim());
  if (!m || !(m[2] in SUFFIX)) throw new Error(`invalid quantity "${q}"`);
  return Number(m[1]) * SUFFIX[m[2]];
}

/** Formats CPU cores as Kubernetes does: whole cores, or millicores. */
export function formatCpu(cores: number): string {
  return Number.isInteger(cores) ? String(cores) : `${Math.round(cores * 1000)}m`;
}

/** Formats bytes with a binary suffix (Gi, Mi, Ki), exact when possible. */
export function formatMemory(bytes: number): string {
  for (const s of ['Ti', 'Gi', 'Mi', 'Ki']) if (bytes >= SUFFIX[s] && bytes % SUFFIX[s] === 0) return `${bytes / SUFFIX[s]}${s}`;
  if (bytes >= SUFFIX.Mi) return `${Math.round(bytes / SUFFIX.Mi)}Mi`;
  return String(Math.round(bytes));
}
