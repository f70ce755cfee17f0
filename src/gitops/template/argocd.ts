/** ArgoCD's own template functions (applicationset/utils/template_functions.go and SlugifyName). */
import { fn, GoError, type FuncMap, type GoFunc } from './go/funcmap.js';
import { GoInt, isMap, typeName, type GoMap } from './go/value.js';
import { fromYaml, toYaml } from './go/yaml.js';

/** SanitizeName: lower case, invalid DNS characters to '-', at most 253 bytes, trimmed of '-' and '.'. */
export function sanitizeName(name: string): string {
  let n = name.toLowerCase().replace(/[^-a-z0-9.]/gu, '-');
  if (Buffer.byteLength(n) > 253) n = Buffer.from(n).subarray(0, 253).toString('utf8');
  return n.replace(/^[-.]+|[-.]+$/g, '');
}

/** gosimple/slug's Make for what SanitizeName leaves ([-a-z0-9.]), with MaxLength and smart truncation. */
function slugMake(s0: string, maxLength: number, smart: boolean): string {
  let s = s0.replace(/[^a-zA-Z0-9\-_]/g, '-').replace(/-+/g, '-').replace(/^[-_]+|[-_]+$/g, '');
  if (maxLength > 0 && smart && s.length > maxLength) {
    let cut = -1;
    for (let i = maxLength; i >= 0; i--) if (s[i] === '-') { cut = i; break; }
    s = cut >= 0 ? s.slice(0, cut) : s.slice(0, maxLength);
  } else if (maxLength > 0 && s.length > maxLength) s = s.slice(0, maxLength);
  return s.replace(/^-+|-+$/g, '');
}

function slugify(...args: unknown[]): string {
  let maxSize = 50;
  let smart = true;
  let name = '';
  args.forEach((a, idx) => {
    if (idx === args.length - 1) {
      if (typeof a !== 'string') throw new GoError(`interface conversion: interface {} is ${a === null ? 'nil' : typeName(a)}, not string`);
      name = a;
    } else if (idx === 0) {
      if (!(a instanceof GoInt) || a.kind !== 'int') throw new GoError(`interface conversion: interface {} is ${a === null ? 'nil' : typeName(a)}, not int`);
      maxSize = a.v;
    } else if (idx === 1) {
      if (typeof a !== 'boolean') throw new GoError(`interface conversion: interface {} is ${a === null ? 'nil' : typeName(a)}, not bool`);
      smart = a;
    }
  });
  return slugMake(sanitizeName(name), maxSize, smart);
}

const entries: Array<[string, GoFunc]> = [
  ['normalize', fn(['string'], sanitizeName)],
  ['slugify', fn([], slugify, { variadic: 'any' })],
  ['toYaml', fn(['any'], (v: unknown) => toYaml(v).replace(/\n$/, ''))],
  ['fromYaml', fn(['string'], (s: string): GoMap => {
    const v = fromYaml(s);
    if (v === null) return new Map();
    if (!isMap(v)) throw new GoError(`error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${Array.isArray(v) ? 'array' : typeof v === 'string' ? 'string' : typeof v === 'boolean' ? 'bool' : 'number'} into Go value of type map[string]interface {}`);
    return v;
  })],
  ['fromYamlArray', fn(['string'], (s: string): unknown[] => {
    const v = fromYaml(s);
    if (v === null) return [];
    if (!Array.isArray(v)) throw new GoError(`error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${isMap(v) ? 'object' : typeof v === 'string' ? 'string' : typeof v === 'boolean' ? 'bool' : 'number'} into Go value of type []interface {}`);
    return v;
  })],
];

/** ArgoCD's additions to Sprig for ApplicationSets. */
export const ARGOCD_FUNCS: FuncMap = new Map(entries);
