// Reading a kustomization's `openapi:` field (`path:` a custom schema file inside the
// kustomization's directory, JSON or YAML, or `version:` a built-in schema) into its build's
// OpenApiState, at the points kustomize calls SetSchema: the built kustomization before anything
// else (reset), each base and component when it is loaded.
import { KustomizeError, fieldError, messageOf } from './errors.js';
import type { OpenApiDefinitions } from './openapi-schema.js';
import { getOwn, hasOwn } from './own.js';
import type { Target } from './target.js';
import { isObj } from './values.js';
import { parseYamlDocument } from './yaml-parse.js';

function parseSchema(text: string, file: string): OpenApiDefinitions {
  let doc: unknown;
  try {
    // kyaml reads a document starting with `{` as JSON, anything else as YAML.
    doc = text.startsWith('{') ? JSON.parse(text) : parseYamlDocument(text, file);
  } catch (err) {
    throw fieldError(file, 'openapi.path', `invalid schema file: ${messageOf(err)}`);
  }
  if (doc === null || doc === undefined) return {};
  if (!isObj(doc)) throw fieldError(file, 'openapi.path', 'invalid schema file: expected an OpenAPI document (a map)');
  const defs = getOwn(doc, 'definitions');
  if (defs === undefined || defs === null) return {};
  if (!isObj(defs)) throw fieldError(file, 'definitions', 'invalid schema file: expected a map of type names to schemas');
  return defs as unknown as OpenApiDefinitions;
}

/** Applies `t`'s `openapi:` field to its build's schema state (kustomize's SetSchema). */
export async function adoptOpenApi(t: Target, reset: boolean): Promise<void> {
  const field = t.k.openapi;
  const path = field && hasOwn(field, 'path') ? String(field.path) : undefined;
  let load: (() => { key: string; defs: OpenApiDefinitions }) | undefined;
  if (path !== undefined) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) throw fieldError(t.file, 'openapi.path', `remote schema "${path}" is not supported: name a file in the kustomization's directory`);
    // kustomize reads the file even where the field is then ignored (a missing file is an error).
    const text = await t.ldr.readFile(path, 'openapi.path');
    const key = (await t.ldr.locate(path)) as string;
    const cache = t.ldr.cache.openapi;
    load = () => {
      let defs = cache.get(key);
      if (!defs) {
        defs = parseSchema(text, t.ldr.display(path));
        cache.set(key, defs);
      }
      return { key, defs };
    };
  }
  try {
    t.openapi.adopt(field, load, reset);
  } catch (err) {
    if (err instanceof KustomizeError) throw err;
    throw fieldError(t.file, 'openapi', messageOf(err));
  }
}
