// The schema strategic merge reads when no `openapi:` field says otherwise: kustomize's built-in
// Kubernetes v1.21.2 definitions (openapi-builtin.ts, generated from kyaml's own copy), so lists
// merge by the same keys as kustomize's. Kinds it does not know (custom resources) have no schema:
// all their lists are replaced, as kyaml does.
import { BUILTIN_DEFINITIONS } from './openapi-builtin.js';
import { SchemaSet, type SchemaType } from './openapi-schema.js';

export type { SchemaType } from './openapi-schema.js';

let builtin: SchemaSet | undefined;

/** The set of the built-in definitions alone (built once per process). */
export function builtinSchemaSet(): SchemaSet {
  builtin ??= new SchemaSet([BUILTIN_DEFINITIONS]);
  return builtin;
}

/** The built-in schema of a kind, or undefined for kinds kyaml has no schema for (custom resources). */
export function schemaFor(apiVersion: string, kind: string): SchemaType | undefined {
  return builtinSchemaSet().forType(apiVersion, kind);
}
