/** Sprig's encodings and hashes: JSON, base64/32, sha1/sha256/adler32. */
import { createHash } from 'node:crypto';
import { fn, GoError, type GoFunc } from '../go/funcmap.js';
import { marshal, unmarshal } from '../go/json.js';

const jsonOr = (f: () => string, fallback: string, must: boolean): string => {
  try { return f(); } catch (e) { if (must) throw e; return fallback; }
};

function adler32(s: string): number {
  let a = 1;
  let b = 0;
  for (const byte of Buffer.from(s, 'utf8')) { a = (a + byte) % 65521; b = (b + a) % 65521; }
  return ((b << 16) | a) >>> 0;
}

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
function b32enc(s: string): string {
  const bytes = Buffer.from(s, 'utf8');
  let bits = 0; let val = 0; let out = '';
  for (const b of bytes) { val = (val << 8) | b; bits += 8; while (bits >= 5) { out += B32[(val >>> (bits - 5)) & 31]; bits -= 5; } }
  if (bits > 0) out += B32[(val << (5 - bits)) & 31];
  while (out.length % 8) out += '=';
  return out;
}
function b32dec(s: string): string {
  const clean = s.replace(/=+$/, '');
  if (!/^[A-Z2-7]*$/.test(clean) || (s.length % 8 !== 0)) {
    const bad = [...s].findIndex((c) => !/[A-Z2-7=]/.test(c));
    return `illegal base32 data at input byte ${bad >= 0 ? bad : s.length - (s.length % 8)}`;
  }
  let bits = 0; let val = 0; const out: number[] = [];
  for (const c of clean) { val = (val << 5) | B32.indexOf(c); bits += 5; if (bits >= 8) { out.push((val >>> (bits - 8)) & 255); bits -= 8; } }
  return Buffer.from(out).toString('utf8');
}
function b64dec(s: string): string {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) {
    const bad = [...s].findIndex((c, i) => !/[A-Za-z0-9+/=]/.test(c) || (c === '=' && i < s.length - 2));
    const at = bad >= 0 ? bad : s.length - (s.length % 4);
    return `illegal base64 data at input byte ${at}`;
  }
  return Buffer.from(s, 'base64').toString('utf8');
}

/** Sprig's encoding functions. */
export const ENCODING_FUNCS: Array<[string, GoFunc]> = [
  ['toJson', fn(['any'], (v: unknown) => jsonOr(() => marshal(v), '', false))],
  ['mustToJson', fn(['any'], (v: unknown) => jsonOr(() => marshal(v), '', true))],
  ['toPrettyJson', fn(['any'], (v: unknown) => jsonOr(() => marshal(v, { indent: '  ' }), '', false))],
  ['mustToPrettyJson', fn(['any'], (v: unknown) => jsonOr(() => marshal(v, { indent: '  ' }), '', true))],
  ['toRawJson', fn(['any'], (v: unknown) => { try { return marshal(v, { escapeHTML: false }); } catch (e) { throw new GoError((e as Error).message); } })],
  ['mustToRawJson', fn(['any'], (v: unknown) => jsonOr(() => marshal(v, { escapeHTML: false }), '', true))],
  ['fromJson', fn(['string'], (s: string) => { try { return unmarshal(s); } catch { return null; } }, { anyResult: true })],
  ['mustFromJson', fn(['string'], (s: string) => unmarshal(s), { anyResult: true })],
  ['b64enc', fn(['string'], (s: string) => Buffer.from(s, 'utf8').toString('base64'))],
  ['b64dec', fn(['string'], b64dec)],
  ['b32enc', fn(['string'], b32enc)],
  ['b32dec', fn(['string'], b32dec)],
  ['sha1sum', fn(['string'], (s: string) => createHash('sha1').update(s, 'utf8').digest('hex'))],
  ['sha256sum', fn(['string'], (s: string) => createHash('sha256').update(s, 'utf8').digest('hex'))],
  ['adler32sum', fn(['string'], (s: string) => String(adler32(s)))],
];
