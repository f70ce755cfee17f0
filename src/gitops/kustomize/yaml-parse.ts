// Reads YAML text into plain values with kustomize's scalar typing. The `yaml` package parses
// with the failsafe schema (every scalar a string) so that plain scalars can be typed here by
// go-yaml's rules rather than by YAML 1.2 core's; anchors are expanded and `<<` merges applied.
import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, type Document, type Node } from 'yaml';
import { KustomizeError } from './errors.js';
import { parseGoInt, resolvePlain } from './yaml-resolve.js';
import { isObj, type Obj, type Value } from './values.js';
import { hasOwn, setOwn } from './own.js';
import { fastParseDocuments } from './yaml-fast.js';

const TAG = 'tag:yaml.org,2002:';

function typedScalar(value: string, tag: string | undefined, plain: boolean, yaml11: boolean): Value {
  if (!tag || tag === '!') return plain && tag !== '!' ? resolvePlain(value, yaml11) : value;
  const name = tag.startsWith(TAG) ? tag.slice(TAG.length) : tag.replace(/^!!/, '');
  switch (name) {
    case 'str': case 'binary': case 'timestamp': return value;
    case 'null': return null;
    case 'bool': return /^(true|True|TRUE)$/.test(value);
    case 'int': return parseGoInt(value.replace(/_/g, '')) ?? value;
    case 'float': return Number(value);
    default: return plain ? resolvePlain(value, yaml11) : value;
  }
}

function mergeInto(target: Obj, source: Value, file: string): void {
  const sources = Array.isArray(source) ? source : [source];
  for (const s of sources) {
    if (!isObj(s)) throw new KustomizeError(file, 'malformed YAML: a << merge must name a mapping');
    for (const [k, v] of Object.entries(s)) if (!hasOwn(target, k)) setOwn(target, k, v);
  }
}

interface Ctx {
  doc: Document;
  file: string;
  yaml11: boolean;
  text: string;
}

// `: value` with no key before it (not after a `?`): the `yaml` package reads an empty key where
// go-yaml v3 fails with "did not find expected key" (examples/inlinePatch.md's `$patch: delete`,
// expanded by the shell's unquoted heredoc, leaves `: delete`). Such a key is empty, and where it
// starts only the line's indentation stands before the colon.
function isImplicitEmptyKey(key: unknown, text: string): boolean {
  if (!isScalar(key) || key.value !== '' || !key.range) return false;
  const [start, end] = key.range;
  if (start !== end) return false;
  let i = start;
  while (text[i] === ' ') i++;
  return text[i] === ':';
}

function toValue(node: unknown, ctx: Ctx, depth = 0): Value {
  const { doc, file } = ctx;
  if (depth > 200) throw new KustomizeError(file, 'malformed YAML: nesting too deep (alias cycle?)');
  if (isAlias(node)) return toValue(node.resolve(doc), ctx, depth + 1);
  if (isScalar(node)) return typedScalar(String(node.value ?? ''), node.tag, node.type === 'PLAIN', ctx.yaml11);
  if (isSeq(node)) return node.items.map((n) => toValue(n, ctx, depth + 1));
  if (isMap(node)) {
    const out: Obj = {};
    const merges: Value[] = [];
    for (const pair of node.items) {
      if (isImplicitEmptyKey(pair.key, ctx.text)) {
        const line = ctx.text.slice(0, (pair.key as Node).range?.[0] ?? 0).split('\n').length;
        throw new KustomizeError(file, `malformed YAML at line ${line}: did not find expected key`);
      }
      const key = isScalar(pair.key) ? String(pair.key.value ?? '') : String(toValue(pair.key as Node, ctx, depth + 1));
      const value = pair.value == null ? null : toValue(pair.value, ctx, depth + 1);
      if (key === '<<' && isScalar(pair.key) && pair.key.type === 'PLAIN') merges.push(value);
      else setOwn(out, key, value);
    }
    for (const m of merges) mergeInto(out, m, file);
    return out;
  }
  if (node == null) return null;
  throw new KustomizeError(file, 'malformed YAML: unsupported node');
}

/** Every non-empty document of a YAML stream, typed as kustomize types them. */
export function parseYamlDocuments(text: string, file: string, yaml11 = false): Value[] {
  // Most kustomize YAML is plain block YAML: read it directly; anything else takes the full reader.
  return fastParseDocuments(text, yaml11) ?? parseWithYamlPackage(text, file, yaml11);
}

/** The full reader (the `yaml` package), also what the fast reader is checked against. */
export function parseWithYamlPackage(text: string, file: string, yaml11 = false): Value[] {
  // kustomize reads a kustomization file with duplicate keys (the last wins); resources with
  // duplicate keys are an error, as in go-yaml v3.
  const docs = parseAllDocuments(text, { schema: 'failsafe', uniqueKeys: !yaml11, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [];
  const out: Value[] = [];
  for (const doc of list) {
    const err = doc.errors[0];
    if (err) {
      const line = err.linePos?.[0]?.line;
      throw new KustomizeError(file, `malformed YAML${line ? ` at line ${line}` : ''}: ${err.message.split('\n')[0]}`);
    }
    if (doc.contents === null) continue;
    const value = toValue(doc.contents, { doc, file, yaml11, text });
    if (value !== null) out.push(value);
  }
  return out;
}

/** The one document of a YAML file (an empty file reads as an empty mapping). */
export function parseYamlDocument(text: string, file: string, yaml11 = false): Value {
  const docs = parseYamlDocuments(text, file, yaml11);
  if (docs.length > 1) throw new KustomizeError(file, 'expected one YAML document, found several');
  return docs[0] ?? {};
}
