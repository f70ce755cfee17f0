import type { TSchema } from '@sinclair/typebox';

/** The group of every Meridian CRD. */
export const GROUP = 'meridian.dev';
/** The version of every Meridian CRD. */
export const VERSION = 'v1alpha1';
/** `meridian.dev/v1alpha1`. */
export const API_VERSION = `${GROUP}/${VERSION}`;

type Json = { [key: string]: unknown };

/**
 * Converts a TypeBox schema into a structural OpenAPI v3 schema as CRDs require: literal unions
 * become enums, records become additionalProperties, unknown values preserve unknown fields, and
 * TypeBox's own keywords are dropped. One schema thus yields both the TypeScript type and the CRD.
 */
export function toOpenApi(schema: TSchema): Json {
  return convert(JSON.parse(JSON.stringify(schema)) as Json);
}

function literalEnum(s: Json): Json | undefined {
  if (Array.isArray(s.anyOf) && (s.anyOf as Json[]).every((x) => 'const' in x)) {
    const values = (s.anyOf as Json[]).map((x) => x.const);
    return withDocs({ type: typeof values[0] === 'number' ? 'number' : 'string', enum: values }, s);
  }
  if (s.const !== undefined) return withDocs({ type: typeof s.const === 'number' ? 'number' : 'string', enum: [s.const] }, s);
  return undefined;
}

function convert(s: Json): Json {
  const literal = literalEnum(s);
  if (literal) return literal;
  const out: Json = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === '$id' || k === 'const') continue;
    if (k === 'properties') out.properties = Object.fromEntries(Object.entries(v as Json).map(([pk, pv]) => [pk, convert(pv as Json)]));
    else if (k === 'items') out.items = convert(v as Json);
    else if (k === 'patternProperties') out.additionalProperties = convert(Object.values(v as Json)[0] as Json);
    else if (k === 'additionalProperties' && typeof v === 'object') out.additionalProperties = convert(v as Json);
    else if (k === 'additionalProperties') continue;
    else out[k] = v;
  }
  if (!out.type && !out.properties && !out['x-kubernetes-int-or-string']) out['x-kubernetes-preserve-unknown-fields'] = true;
  if (out.type === 'object' && !out.properties && !out.additionalProperties) out['x-kubernetes-preserve-unknown-fields'] = true;
  return out;
}

function withDocs(out: Json, s: Json): Json {
  if (s.description) out.description = s.description;
  if (s.default !== undefined) out.default = s.default;
  return out;
}

/** The definition of one Meridian CRD. */
export interface CrdSpec {
  kind: string;
  plural: string;
  singular?: string;
  shortNames?: string[];
  scope: 'Namespaced' | 'Cluster';
  spec: TSchema;
  status?: TSchema;
  printerColumns?: Array<{ name: string; type: string; jsonPath: string; description?: string }>;
  /** Group override, for the standard APIs Meridian installs (multicluster.x-k8s.io, ...). */
  group?: string;
  version?: string;
}

/** Builds the CustomResourceDefinition object (apiextensions.k8s.io/v1) for a CRD spec. */
export function buildCrd(def: CrdSpec): Json {
  const group = def.group ?? GROUP;
  const properties: Json = { spec: toOpenApi(def.spec) };
  if (def.status) properties.status = toOpenApi(def.status);
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${def.plural}.${group}`, labels: { 'app.kubernetes.io/part-of': 'meridian' } },
    spec: {
      group,
      names: { kind: def.kind, listKind: `${def.kind}List`, plural: def.plural, singular: def.singular ?? def.kind.toLowerCase(), shortNames: def.shortNames },
      scope: def.scope,
      versions: [{
        name: def.version ?? VERSION, served: true, storage: true,
        schema: { openAPIV3Schema: { type: 'object', properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, ...properties } } },
        subresources: def.status ? { status: {} } : undefined,
        additionalPrinterColumns: def.printerColumns,
      }],
    },
  };
}
