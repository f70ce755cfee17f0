// The `crds:` field: OpenAPI definitions of custom types (a map of type name to {Schema}) whose
// x-kubernetes-* extensions add field specs, as kustomize's LoadConfigFromCRDs reads them:
// x-kubernetes-annotation (commonAnnotations), x-kubernetes-label-selector (commonLabels),
// x-kubernetes-identity (namePrefix) and x-kubernetes-object-ref-api-version/-kind/-name-key
// (a name reference), following `$ref` into the other definitions of the same file.
import { fieldError } from './errors.js';
import type { FieldSpec } from './kustomization.js';
import type { Loader } from './loader.js';
import { emptyConfig, mergeConfig, mergeSpecs, type TransformerConfig } from './transformer-config.js';
import { isObj, type Obj } from './values.js';
import { getOwn } from './own.js';
import { parseYamlDocument } from './yaml-parse.js';

function properties(api: unknown): Obj | undefined {
  const schema = isObj(api) ? getOwn(api, 'Schema') : undefined;
  const props = isObj(schema) ? getOwn(schema, 'properties') : undefined;
  return isObj(props) ? props : undefined;
}

function addType(cfg: TransformerConfig, kind: string, defs: Obj, typeName: string, path: string[], seen: Set<string>): void {
  const props = properties(getOwn(defs, typeName));
  if (!props || seen.has(typeName)) return;
  seen.add(typeName);
  const spec = (p: string[]): FieldSpec => ({ kind, path: p.join('/'), create: false });
  for (const [name, prop] of Object.entries(props)) {
    if (!isObj(prop)) continue;
    const at = [...path, name];
    const ext = (k: string): string | undefined => (typeof prop[k] === 'string' ? (prop[k] as string) : undefined);
    if (ext('x-kubernetes-annotation') !== undefined) cfg.commonAnnotations = mergeSpecs(cfg.commonAnnotations, [spec(at)]);
    if (ext('x-kubernetes-label-selector') !== undefined) cfg.commonLabels = mergeSpecs(cfg.commonLabels, [spec(at)]);
    if (ext('x-kubernetes-identity') !== undefined) cfg.namePrefix = mergeSpecs(cfg.namePrefix, [spec(at)]);
    const version = ext('x-kubernetes-object-ref-api-version');
    const refKind = ext('x-kubernetes-object-ref-kind');
    if (version !== undefined && refKind !== undefined) {
      const ref = { ...emptyConfig(), nameReference: [{ kind: refKind, version, fieldSpecs: [spec([...at, ext('x-kubernetes-object-ref-name-key') ?? 'name'])] }] };
      Object.assign(cfg, mergeConfig(cfg, ref));
    }
    const target = ext('$ref');
    if (target) addType(cfg, kind, defs, target, at, seen);
  }
  seen.delete(typeName);
}

/** Reads a kustomization's `crds:` files into a transformer configuration. */
export async function loadCrdConfig(ldr: Loader, paths: string[]): Promise<TransformerConfig> {
  let cfg = emptyConfig();
  for (const path of paths) {
    const file = ldr.display(path);
    const defs = parseYamlDocument(await ldr.readFile(path, 'crds'), file);
    if (!isObj(defs)) throw fieldError(file, 'crds', 'unable to parse open API definition: expected a map of type names to definitions');
    for (const [typeName, api] of Object.entries(defs)) {
      const props = properties(api);
      if (!props || !('kind' in props) || !('apiVersion' in props) || !('metadata' in props)) continue;
      const one = emptyConfig();
      addType(one, typeName.split('.').pop() ?? typeName, defs, typeName, [], new Set());
      cfg = mergeConfig(cfg, one);
    }
  }
  return cfg;
}
