// The name suffix kustomize appends to generated ConfigMaps and Secrets: sha256 of a JSON encoding
// of kind, type and data (the name is looked up under a path kustomize never finds, so it is
// always empty), first ten hex digits with some letters swapped to avoid bad words.
import { createHash } from 'node:crypto';
import { isObj, type Obj, type Value } from './values.js';
import { setOwn } from './own.js';

const SWAP: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };

/** JSON as Go's encoding/json writes it: map keys sorted, <, >, & and U+2028/9 escaped. */
export function goJson(v: Value): string {
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`;
  if (isObj(v)) {
    const keys = Object.keys(v).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${keys.map((k) => `${goJson(k)}:${goJson(v[k])}`).join(',')}}`;
  }
  if (typeof v === 'string') {
    return JSON.stringify(v).replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
  }
  return JSON.stringify(v);
}

/** kustomize's encoding of a hex digest into a name suffix. */
export function encodeHash(hex: string): string {
  return Array.from(hex.slice(0, 10), (c) => SWAP[c] ?? c).join('');
}

function stringMapOrEmpty(v: Value | undefined): Value {
  if (!isObj(v)) return '';
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) setOwn(out, k, x);
  return out;
}

/** The hash suffix of a ConfigMap or Secret (other kinds hash their whole JSON). */
export function nameHash(obj: Obj): string {
  let m: Obj;
  if (obj.kind === 'ConfigMap') {
    m = { kind: 'ConfigMap', name: '', data: stringMapOrEmpty(obj.data) };
    if (isObj(obj.binaryData)) m.binaryData = obj.binaryData;
  } else if (obj.kind === 'Secret') {
    m = { kind: 'Secret', type: typeof obj.type === 'string' ? obj.type : '', name: '', data: stringMapOrEmpty(obj.data) };
    if (isObj(obj.stringData)) m.stringData = obj.stringData;
  } else m = obj;
  return encodeHash(createHash('sha256').update(goJson(m)).digest('hex'));
}
