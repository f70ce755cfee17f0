// Reading resource files: every document becomes a resource; `List` kinds are expanded into their
// items; a document without kind or name is an error naming the file.
import { KustomizeError } from './errors.js';
import { Resource } from './resource.js';
import { parseYamlDocuments } from './yaml-parse.js';
import { isObj, type Obj, type Value } from './values.js';

function flatten(doc: Value, file: string, out: Obj[]): void {
  if (!isObj(doc)) throw new KustomizeError(file, 'a resource document must be a mapping');
  const kind = doc.kind;
  if (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(doc.items)) {
    for (const item of doc.items) flatten(item, file, out);
    return;
  }
  out.push(doc);
}

/** The objects of a YAML text, with `List`s expanded. */
export function objectsFromText(text: string, file: string): Obj[] {
  const out: Obj[] = [];
  for (const doc of parseYamlDocuments(text, file)) flatten(doc, file, out);
  return out;
}

/** Resources from a YAML text; every one must have a kind and a metadata.name. */
export function resourcesFromText(text: string, file: string): Resource[] {
  return objectsFromText(text, file).map((obj, i) => {
    const r = new Resource(obj);
    r.source = file;
    if (!r.kind) throw new KustomizeError(file, `document ${i + 1}: missing field "kind"`);
    if (!r.name && !isObj(obj.metadata)) throw new KustomizeError(file, `document ${i + 1}: missing field "metadata.name"`);
    if (!r.name) throw new KustomizeError(file, `document ${i + 1} (${r.kind}): missing field "metadata.name"`);
    return r;
  });
}
