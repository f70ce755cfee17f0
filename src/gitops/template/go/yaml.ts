/**
 * YAML as ArgoCD's sigs.k8s.io/yaml does it: Marshal goes through JSON and then yaml.v2 (keys in
 * yaml.v2's natural order, sequences not indented, strings that would read as another type
 * double-quoted); Unmarshal reads YAML 1.1 and converts through JSON (numbers float64).
 */
import { Document, isMap as isYamlMap, isScalar, isSeq, parseDocument, Scalar, visit } from 'yaml';
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

const YAML11_NON_STRING = /^(~|null|Null|NULL|y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|[-+]?(0b[01_]+|0[0-7_]+|(0|[1-9][0-9_]*)|0x[0-9a-fA-F_]+|[1-9][0-9_]*(:[0-5]?[0-9])+)|[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)|<<|=)$/;

/** Go's Marshal: JSON first (numbers keep Go's JSON text), then YAML in yaml.v2's style. */
export function toYaml(v: unknown): string {
  const json = marshal(v);
  const data = JSON.parse(json, (_k, x: unknown) => x) as unknown;
  const doc = new Document(data, { sortMapEntries: (a, b) => (yamlKeyLess(String((a.key as Scalar).value), String((b.key as Scalar).value)) ? -1 : yamlKeyLess(String((b.key as Scalar).value), String((a.key as Scalar).value)) ? 1 : 0) });
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string') {
        if (node.value.includes('\n')) node.type = Scalar.BLOCK_LITERAL;
        else if (node.value === '' || YAML11_NON_STRING.test(node.value)) node.type = Scalar.QUOTE_DOUBLE;
        else node.type = Scalar.PLAIN;
      } else if (typeof node.value === 'number') {
        const n = node.value;
        if (!Number.isInteger(n) || Math.abs(n) >= 1e21) node.format = undefined;
      }
    },
  });
  const out = doc.toString({ indentSeq: false, lineWidth: 80, minContentWidth: 0, singleQuote: true, nullStr: 'null', simpleKeys: false });
  return out;
}

/** Go's Unmarshal into interface{}: YAML 1.1, then through JSON (so numbers are float64, keys strings). */
export function fromYaml(text: string): unknown {
  const doc = parseDocument(text, { version: '1.1', uniqueKeys: false, merge: true });
  if (doc.errors.length) throw new GoError(`error converting YAML to JSON: yaml: ${doc.errors[0].message.split('\n')[0]}`);
  const js = doc.toJS({ mapAsMap: false, maxAliasCount: 100 }) as unknown;
  void isYamlMap; void isSeq; void isScalar;
  return unmarshal(JSON.stringify(js ?? null, (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x instanceof Date ? x.toISOString() : x)));
}
