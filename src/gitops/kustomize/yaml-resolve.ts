// Scalar typing at the two ends of a kustomize build: resources are read with go-yaml v3's rules
// (YAML 1.2 booleans, but Go's base-0 integers such as 0644 and 0x1F) and printed with go-yaml v2's
// (YAML 1.1: yes/no/on/off, sexagesimal and timestamps all read as non-strings, so such strings
// must be quoted).
import type { Value } from './values.js';

const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;
const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const TRUE12 = new Set(['true', 'True', 'TRUE']);
const FALSE12 = new Set(['false', 'False', 'FALSE']);
const BOOL11 = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF', ...TRUE12, ...FALSE12]);
const SPECIAL_FLOATS: Record<string, number> = {
  '.nan': NaN, '.NaN': NaN, '.NAN': NaN, '.inf': Infinity, '.Inf': Infinity, '.INF': Infinity,
  '+.inf': Infinity, '+.Inf': Infinity, '+.INF': Infinity, '-.inf': -Infinity, '-.Inf': -Infinity, '-.INF': -Infinity,
};
const DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const DATETIME = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[Tt]|\s+)(\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?\s*(Z|[+-]\d{1,2}(?::?\d{2})?)?$/;

/** Go's strconv.ParseInt(s, 0, 64) (plus ParseUint): the integer, or undefined. */
export function parseGoInt(s: string): number | undefined {
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const body = m[2];
  let n: number;
  if (/^0[xX]/.test(body)) n = parseInt(body.slice(2), 16);
  else if (/^0[oO]/.test(body)) n = parseInt(body.slice(2), 8);
  else if (/^0[bB]/.test(body)) n = parseInt(body.slice(2), 2);
  else if (body.length > 1 && body.startsWith('0')) n = parseInt(body.slice(1), 8);
  else n = parseInt(body, 10);
  return m[1] === '-' ? -n : n;
}

function pad(n: string, w = 2): string {
  return n.padStart(w, '0');
}

/** A YAML timestamp as Go's JSON encoding of time.Time prints it (RFC 3339), or undefined. */
export function parseTimestamp(s: string): string | undefined {
  const d = DATE.exec(s);
  if (d) return `${d[1]}-${pad(d[2])}-${pad(d[3])}T00:00:00Z`;
  const t = DATETIME.exec(s);
  if (!t) return undefined;
  const frac = (t[7] ?? '').replace(/0+$/, '');
  let zone = t[8] ?? 'Z';
  if (zone !== 'Z') {
    const z = /^([+-])(\d{1,2}):?(\d{2})?$/.exec(zone);
    zone = z ? `${z[1]}${pad(z[2])}:${z[3] ?? '00'}` : 'Z';
    if (zone === '+00:00') zone = 'Z';
  }
  return `${t[1]}-${pad(t[2])}-${pad(t[3])}T${pad(t[4])}:${pad(t[5])}:${pad(t[6])}${frac === '.' ? '' : frac}${zone}`;
}

/** The value of a plain (unquoted, untagged) scalar as kustomize reads it; `yaml11` for kustomization files. */
export function resolvePlain(s: string, yaml11 = false): Value {
  if (NULLS.has(s)) return null;
  if (yaml11 && BOOL11.has(s)) return /^(y|Y|yes|Yes|YES|on|On|ON|true|True|TRUE)$/.test(s);
  if (TRUE12.has(s)) return true;
  if (FALSE12.has(s)) return false;
  if (Object.prototype.hasOwnProperty.call(SPECIAL_FLOATS, s)) return SPECIAL_FLOATS[s];
  const c = s[0];
  if (!((c >= '0' && c <= '9') || c === '-' || c === '+' || c === '.')) return s;
  const ts = parseTimestamp(s);
  if (ts !== undefined) return ts;
  const plain = s.replace(/_/g, '');
  const i = parseGoInt(plain);
  if (i !== undefined) return i;
  if (YAML_FLOAT.test(plain)) return Number(plain);
  return s;
}

/** True when go-yaml v2 would read the plain text `s` back as a string (so it may be printed plain). */
export function readsAsString11(s: string): boolean {
  if (NULLS.has(s) || BOOL11.has(s) || Object.prototype.hasOwnProperty.call(SPECIAL_FLOATS, s) || s === '<<') return false;
  const c = s[0];
  if ((c >= '0' && c <= '9') || c === '-' || c === '+' || c === '.') {
    if (/^\d{4}-/.test(s) && parseTimestamp(s) !== undefined) return false;
    const plain = s.replace(/_/g, '');
    if (parseGoInt(plain) !== undefined || YAML_FLOAT.test(plain)) return false;
    if (/^-?0b[01]+$/.test(plain)) return false;
  }
  return !BASE60_FLOAT.test(s);
}

/** A number as Go prints a float64 with strconv 'g' and shortest precision (after a JSON round trip). */
export function formatNumber(n: number): string {
  if (Number.isNaN(n)) return '.nan';
  if (n === Infinity) return '.inf';
  if (n === -Infinity) return '-.inf';
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return Object.is(n, -0) ? '0' : String(n);
  const exp = Math.floor(Math.log10(Math.abs(n)));
  if (exp < -4 || exp >= 21 || (!Number.isInteger(n) && exp >= 6)) return goExponent(n);
  return String(n);
}

function goExponent(n: number): string {
  const [mant, e] = n.toExponential().split('e');
  const sign = e.startsWith('-') ? '-' : '+';
  const digits = e.replace(/^[-+]/, '');
  return `${mant}e${sign}${digits.padStart(2, '0')}`;
}
