/**
 * YAML as ArgoCD's sigs.k8s.io/yaml does it: Marshal goes through JSON and then yaml.v2 (keys in
 * yaml.v2's natural order, sequences not indented, strings that would read as another type
 * double-quoted); Unmarshal reads YAML 1.1 and converts through JSON (numbers float64).
 */
import { parseDocument } from 'yaml';
import { emitYamlV2 } from './yaml-emit.js';
import { GoError } from './funcmap.js';
import { marshal, unmarshal } from './json.js';

/** yaml.v2's keyList.Less: letters after non-letters, digit runs compared as numbers. */
export function yamlKeyLess(a: string, b: string): boolean {
  const ar = [...a];
  const br = [...b];
  const isLetter = (c: string) => /\p{L}/u.test(c);
  const isDigit = (c: string | undefined) => c !== undefined && /\p{Nd}/u.test(c);
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = isLetter(ar[i]);
    const bl = isLetter(br[i]);
    if (al && bl) return ar[i] < br[i];
    if (al || bl) return bl;
    let an = 0;
    let bn = 0;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) if (ar[j] !== '0') { an = 1; bn = 1; break; }
    }
    let ai = i;
    let bi = i;
    for (; ai < ar.length && isDigit(ar[ai]); ai++) an = an * 10 + Number(ar[ai]);
    for (; bi < br.length && isDigit(br[bi]); bi++) bn = bn * 10 + Number(br[bi]);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i] < br[i];
  }
  return ar.length < br.length;
}


/** Go's Marshal: JSON first (numbers keep Go's JSON text), then YAML in yaml.v2's style. */
export function toYaml(v: unknown): string {
  const json = marshal(v);
  return emitYamlV2(JSON.parse(json, (_k, x: unknown) => x) as unknown);
}

/** Go's Unmarshal into interface{}: YAML 1.1, then through JSON (so numbers are float64, keys strings). */
export function fromYaml(text: string): unknown {
  const doc = parseDocument(text, { version: '1.1', uniqueKeys: false, merge: true });
  if (doc.errors.length) throw new GoError(`error converting YAML to JSON: yaml: ${doc.errors[0].message.split('\n')[0]}`);
  const js = doc.toJS({ mapAsMap: false, maxAliasCount: 100 }) as unknown;
  return unmarshal(JSON.stringify(js ?? null, (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x instanceof Date ? x.toISOString() : x)));
}
