/** Sprig's date functions over a small Go time.Time model (UTC and IANA zones through Intl). Nondeterministic: now, ago, and date of a non-integer. */
import { fn, GoError, type GoFunc } from '../go/funcmap.js';
import { GoInt } from '../go/value.js';
import { parseTime, zeroTime } from './timeparse.js';

/** A Go time.Time: milliseconds since the epoch plus the zone it is shown in. */
export class GoTime {
  /** A time in a zone (offset seconds east of UTC, abbreviation). */
  constructor(readonly ms: number, readonly nanos = 0, readonly zone = 'UTC', readonly offset = 0) {}
  /** time.Time's String(). */
  toGoString(): string { return formatLayout(this, '2006-01-02 15:04:05.999999999 -0700 MST'); }
}

function inZone(t: GoTime, zone: string): GoTime {
  if (zone === 'UTC' || zone === 'Local' || zone === '') return new GoTime(t.ms, t.nanos, 'UTC', 0);
  try {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'shortOffset' }).formatToParts(new Date(t.ms));
    const name = parts.find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
    const m = /GMT([+-])(\d+)(?::(\d+))?/.exec(name);
    const off = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60) : 0;
    const abbr = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'short' }).formatToParts(new Date(t.ms)).find((p) => p.type === 'timeZoneName')?.value ?? zone;
    return new GoTime(t.ms, t.nanos, /^GMT[+-]/.test(abbr) ? abbr.replace('GMT', '').replace(/^([+-])(\d)$/, '$10$2') : abbr, off);
  } catch {
    return new GoTime(t.ms, t.nanos, 'UTC', 0);
  }
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** time.Time.Format with Go's reference layout. */
export function formatLayout(t: GoTime, layout: string): string {
  const d = new Date(t.ms + t.offset * 1000);
  const Y = d.getUTCFullYear(); const M = d.getUTCMonth(); const D = d.getUTCDate();
  const h = d.getUTCHours(); const mi = d.getUTCMinutes(); const s = d.getUTCSeconds();
  const ns = (t.ms % 1000 + 1000) % 1000 * 1e6 + t.nanos;
  const p2 = (n: number) => String(n).padStart(2, '0');
  const off = (colon: boolean, z: boolean, secs = false) => {
    if (z && t.offset === 0) return 'Z';
    const a = Math.abs(t.offset);
    const hh = p2(Math.floor(a / 3600)); const mm = p2(Math.floor(a % 3600 / 60));
    return (t.offset < 0 ? '-' : '+') + hh + (colon ? ':' : '') + mm + (secs ? (colon ? ':' : '') + p2(a % 60) : '');
  };
  const tokens: Array<[string, () => string]> = [
    ['January', () => MONTHS[M]], ['Jan', () => MONTHS[M].slice(0, 3)], ['Monday', () => DAYS[d.getUTCDay()]], ['Mon', () => DAYS[d.getUTCDay()].slice(0, 3)],
    ['MST', () => t.zone || off(false, false)], ['2006', () => String(Y).padStart(4, '0')], ['Z07:00:00', () => off(true, true, true)], ['Z070000', () => off(false, true, true)], ['Z07:00', () => off(true, true)], ['Z0700', () => off(false, true)], ['Z07', () => off(false, true).slice(0, 3)],
    ['-07:00:00', () => off(true, false, true)], ['-070000', () => off(false, false, true)], ['-07:00', () => off(true, false)], ['-0700', () => off(false, false)], ['-07', () => off(false, false).slice(0, 3)],
    ['01', () => p2(M + 1)], ['02', () => p2(D)], ['_2', () => String(D).padStart(2, ' ')], ['002', () => String(Math.floor((Date.UTC(Y, M, D) - Date.UTC(Y, 0, 1)) / 864e5) + 1).padStart(3, '0')],
    ['15', () => p2(h)], ['03', () => p2(h % 12 || 12)], ['04', () => p2(mi)], ['05', () => p2(s)], ['06', () => p2(Y % 100)],
    ['PM', () => (h >= 12 ? 'PM' : 'AM')], ['pm', () => (h >= 12 ? 'pm' : 'am')],
    ['1', () => String(M + 1)], ['2', () => String(D)], ['3', () => String(h % 12 || 12)], ['4', () => String(mi)], ['5', () => String(s)],
  ];
  let out = '';
  let i = 0;
  while (i < layout.length) {
    const frac = /^[.,](0+|9+)(?![0-9])/.exec(layout.slice(i));
    if (frac && i > 0 && /[0-9]/.test(layout[i - 1]) && layout.slice(Math.max(0, i - 2), i) === '05') {
      const digits = String(ns).padStart(9, '0').slice(0, frac[1].length);
      out += frac[1][0] === '9' ? (digits.replace(/0+$/, '') ? layout[i] + digits.replace(/0+$/, '') : '') : layout[i] + digits;
      i += frac[0].length;
      continue;
    }
    const tok = tokens.find(([k]) => layout.startsWith(k, i));
    if (tok) { out += tok[1](); i += tok[0].length; } else { out += layout[i]; i++; }
  }
  return out;
}

function toTime(v: unknown): GoTime {
  if (v instanceof GoTime) return v;
  if (v instanceof GoInt && ['int', 'int64', 'int32'].includes(v.kind)) return new GoTime(v.v * 1000);
  return new GoTime(Date.now());
}

/** time.Duration.String for nanoseconds. */
export function durationString(ns: number): string {
  if (ns === 0) return '0s';
  const neg = ns < 0;
  let u = Math.abs(ns);
  let out: string;
  if (u < 1e9) {
    if (u < 1e3) out = `${u}ns`;
    else if (u < 1e6) out = `${trimFrac(u / 1e3)}µs`;
    else out = `${trimFrac(u / 1e6)}ms`;
  } else {
    const h = Math.floor(u / 36e11); u -= h * 36e11;
    const m = Math.floor(u / 6e10); u -= m * 6e10;
    const s = trimFrac(u / 1e9);
    out = (h ? `${h}h` : '') + (h || m ? `${m}m` : '') + `${s}s`;
  }
  return (neg ? '-' : '') + out;
}
/** time.ParseDuration (0 when invalid, as Sprig ignores the error). */
export function parseDuration(s: string): number {
  const m = /^([+-]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(s);
  if (!m) return s === '0' ? 0 : 0;
  const unit: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 6e10, h: 36e11 };
  let total = 0;
  for (const p of s.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) total += Number(p[1]) * unit[p[2]];
  return m[1] === '-' ? -total : total;
}
const trimFrac = (x: number) => String(Number(x.toFixed(9)));

function modify(f: string, d: unknown, must: boolean): GoTime {
  if (!(d instanceof GoTime)) throw new GoError(`wrong type for value; expected time.Time; got ${d === null || d === undefined ? 'interface {}' : typeof d}`);
  const valid = /^[+-]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$/.test(f) || f === '0';
  if (!valid) { if (must) throw new GoError(`time: invalid duration ${JSON.stringify(f)}`); return d; }
  const ns = parseDuration(f);
  const total = d.nanos + ns;
  const ms = Math.floor(total / 1e6);
  return new GoTime(d.ms + ms, total - ms * 1e6, d.zone, d.offset);
}

/** Sprig's date functions. */
export const DATE_FUNCS: Array<[string, GoFunc]> = [
  ['now', fn([], () => new GoTime(Date.now()))],
  ['date', fn(['string', 'any'], (f: string, d: unknown) => formatLayout(inZone(toTime(d), 'Local'), f))],
  ['dateInZone', fn(['string', 'any', 'string'], (f: string, d: unknown, z: string) => formatLayout(inZone(toTime(d), z), f))],
  ['date_in_zone', fn(['string', 'any', 'string'], (f: string, d: unknown, z: string) => formatLayout(inZone(toTime(d), z), f))],
  ['htmlDate', fn(['any'], (d: unknown) => formatLayout(inZone(toTime(d), 'Local'), '2006-01-02'))],
  ['htmlDateInZone', fn(['any', 'string'], (d: unknown, z: string) => formatLayout(inZone(toTime(d), z), '2006-01-02'))],
  ['unixEpoch', fn(['any'], (d: unknown) => { if (!(d instanceof GoTime)) throw new GoError(`wrong type for value; expected time.Time`); return String(Math.floor(d.ms / 1000)); })],
  ['duration', fn(['any'], (v: unknown) => {
    let n = 0;
    if (typeof v === 'string') n = /^[+-]?\d+$/.test(v) ? Number(v) : 0;
    else if (v instanceof GoInt && v.kind === 'int64') n = v.v;
    return durationString(n * 1e9);
  })],
  ['durationRound', fn(['any'], (v: unknown) => {
    let ns = 0;
    if (v instanceof GoInt && v.kind === 'int64') ns = v.v;
    else if (typeof v === 'string') ns = parseDuration(v);
    else if (v instanceof GoTime) ns = (Date.now() - v.ms) * 1e6;
    const u = Math.abs(ns);
    const units: Array<[number, string]> = [[3.1536e16, 'y'], [2.592e15, 'mo'], [8.64e13, 'd'], [3.6e12, 'h'], [6e10, 'm'], [1e9, 's']];
    for (const [size, name] of units) if (u > size) return `${Math.floor(u / size)}${name}`;
    return '0s';
  })],
  ['ago', fn(['any'], (d: unknown) => durationString(Math.round((Date.now() - toTime(d).ms) / 1000) * 1e9))],
  ['toDate', fn(['string', 'string'], (f: string, v: string) => { try { return parseTime(f, v); } catch { return zeroTime(); } })],
  ['mustToDate', fn(['string', 'string'], (f: string, v: string) => parseTime(f, v))],
  ...(['dateModify', 'date_modify'] as const).map((n): [string, GoFunc] => [n, fn(['string', 'any'], (f: string, d: unknown) => modify(f, d, false))]),
  ...(['mustDateModify', 'must_date_modify'] as const).map((n): [string, GoFunc] => [n, fn(['string', 'any'], (f: string, d: unknown) => modify(f, d, true))]),
];
