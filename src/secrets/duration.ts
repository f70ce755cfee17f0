/** Parses a Go duration (`1h`, `15m30s`, `500ms`, `0`) as ESO's refreshInterval; throws naming the field. */
export function parseGoDuration(text: string, field: string): number {
  if (text === '0') return 0;
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, 'µs': 0.001, ns: 0.000001 };
  let rest = text.trim();
  let total = 0;
  if (!rest) throw new Error(`${field}: empty duration`);
  while (rest) {
    const m = /^(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/.exec(rest);
    if (!m) throw new Error(`${field}: "${text}" is not a duration (e.g. 1h, 15m, 30s)`);
    total += Number(m[1]) * units[m[2]];
    rest = rest.slice(m[0].length);
  }
  return Math.round(total);
}
