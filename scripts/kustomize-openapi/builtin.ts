// Generates src/gitops/kustomize/openapi-builtin.ts: the part of kustomize's built-in Kubernetes
// OpenAPI schema (kyaml/openapi/kubernetesapi/v1_21_2/swagger.pb, a gnostic OpenAPIv2 Document in
// protobuf) that strategic merge reads: every definition name, each resource's
// x-kubernetes-group-version-kind, and the properties through which a merging list is reachable
// ($ref, items, additionalProperties, x-kubernetes-patch-strategy/-merge-key/list-map-keys).
// Everything else (scalars, descriptions, lists that are replaced) is dropped.
//
//   git -C <kustomize checkout> show kustomize/v5.5.0:kyaml/openapi/kubernetesapi/v1_21_2/swagger.pb \
//     | npx tsx scripts/kustomize-openapi/builtin.ts > src/gitops/kustomize/openapi-builtin.ts
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

type Fields = Map<number, Array<Buffer | number>>;

// Just enough protobuf wire format: varints and length-delimited fields (the Document has no
// fixed-width field on the paths read here, but they are skipped correctly).
function fields(buf: Buffer): Fields {
  const out: Fields = new Map();
  let i = 0;
  const varint = (): number => {
    let v = 0;
    let mul = 1;
    for (;;) {
      const b = buf[i++];
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 128;
    }
  };
  while (i < buf.length) {
    const tag = varint();
    const no = Math.floor(tag / 8);
    let val: Buffer | number;
    switch (tag & 7) {
      case 0: val = varint(); break;
      case 1: val = 0; i += 8; break;
      case 2: { const n = varint(); val = buf.subarray(i, i + n); i += n; break; }
      case 5: val = 0; i += 4; break;
      default: throw new Error(`wire type ${tag & 7} at ${i}`);
    }
    if (!out.has(no)) out.set(no, []);
    out.get(no)?.push(val);
  }
  return out;
}

const bufs = (f: Fields, no: number): Buffer[] => (f.get(no) ?? []).filter((v): v is Buffer => Buffer.isBuffer(v));
const str = (f: Fields, no: number): string | undefined => bufs(f, no)[0]?.toString('utf8');

interface Schema {
  $ref?: string; type?: string[]; items?: Schema; additionalProperties?: Schema;
  properties?: Record<string, Schema>; ext: Record<string, unknown>;
}

function schema(buf: Buffer): Schema {
  const f = fields(buf);
  const s: Schema = { ext: {} };
  const ref = str(f, 1);
  if (ref) s.$ref = ref;
  const add = bufs(f, 21)[0];
  const addSchema = add ? bufs(fields(add), 1)[0] : undefined;
  if (addSchema) s.additionalProperties = schema(addSchema);
  const type = bufs(f, 22)[0];
  if (type) s.type = bufs(fields(type), 1).map((b) => b.toString('utf8'));
  const items = bufs(f, 23)[0];
  const item = items ? bufs(fields(items), 1)[0] : undefined;
  if (item) s.items = schema(item);
  const props = bufs(f, 25)[0];
  if (props) {
    s.properties = {};
    for (const named of bufs(fields(props), 1)) {
      const nf = fields(named);
      s.properties[str(nf, 1) ?? ''] = schema(bufs(nf, 2)[0] ?? Buffer.alloc(0));
    }
  }
  for (const named of bufs(f, 31)) {
    const nf = fields(named);
    const any = bufs(nf, 2)[0];
    const yaml = any ? str(fields(any), 2) : undefined;
    if (yaml !== undefined) s.ext[str(nf, 1) ?? ''] = parse(yaml);
  }
  return s;
}

const doc = fields(readFileSync(0));
const defsBuf = bufs(doc, 9)[0];
const defs = new Map<string, Schema>();
for (const named of bufs(fields(defsBuf), 1)) {
  const nf = fields(named);
  defs.set(str(nf, 1) ?? '', schema(bufs(nf, 2)[0]));
}

const PREFIX = '#/definitions/';
const merging = (s: Schema): boolean => String(s.ext['x-kubernetes-patch-strategy'] ?? '').split(',').includes('merge');

// A definition matters when a merging list can be reached from it.
const matters = new Set<string>();
function reaches(s: Schema | undefined): boolean {
  if (!s) return false;
  if (s.$ref) return matters.has(s.$ref.slice(PREFIX.length));
  if (merging(s)) return true;
  return reaches(s.items) || reaches(s.additionalProperties) || Object.values(s.properties ?? {}).some(reaches);
}
for (let changed = true; changed;) {
  changed = false;
  for (const [name, s] of defs) if (!matters.has(name) && reaches(s)) { matters.add(name); changed = true; }
}

function compact(s: Schema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (s.$ref) out.$ref = s.$ref;
  if (s.type) out.type = s.type;
  for (const k of ['x-kubernetes-patch-strategy', 'x-kubernetes-patch-merge-key', 'x-kubernetes-list-map-keys']) {
    if (merging(s) && s.ext[k] !== undefined) out[k] = s.ext[k];
  }
  if (s.items && reaches(s.items)) out.items = compact(s.items);
  if (s.additionalProperties && reaches(s.additionalProperties)) out.additionalProperties = compact(s.additionalProperties);
  const props = Object.entries(s.properties ?? {}).filter(([, p]) => reaches(p));
  if (props.length) out.properties = Object.fromEntries(props.map(([k, p]) => [k, compact(p)]));
  return out;
}

const table: Record<string, unknown> = {};
for (const [name, s] of [...defs].sort(([a], [b]) => a.localeCompare(b))) {
  const gvk = s.ext['x-kubernetes-group-version-kind'];
  const c = matters.has(name) ? compact(s) : {};
  if (Array.isArray(gvk)) c['x-kubernetes-group-version-kind'] = gvk;
  table[name] = c;
}

process.stdout.write(`// Generated by scripts/kustomize-openapi/builtin.ts from kustomize v5.5.0's built-in Kubernetes
// v1.21.2 OpenAPI schema (kyaml/openapi/kubernetesapi/v1_21_2/swagger.pb, Copyright The Kubernetes
// Authors, Apache License 2.0): definition names, resource kinds and what strategic merge reads.
// Do not edit.
import type { OpenApiDefinitions } from './openapi-schema.js';

// JSON.parse of one string loads faster than an object literal of this size.
/** The built-in definitions kyaml parses when no custom schema replaces them. */
export const BUILTIN_DEFINITIONS = JSON.parse(${JSON.stringify(JSON.stringify(table))}) as OpenApiDefinitions;
`);
