import { existsSync, realpathSync } from 'node:fs';
import { readdir, readFile, realpath } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import type { KubeObject } from '../kube/types.js';
import { renderKustomization, renderObjects, type RenderCache } from './kustomize/index.js';

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/**
 * Resolves `path` inside `root`, refusing anything that leaves it (`..`, absolute paths, symlinks out).
 * Synchronous, as the kustomize loader's calls are: on a commit to many Applications every render
 * started at once, and each waited for its two thread-pool round trips behind the others' work.
 */
export async function insideRoot(root: string, path: string): Promise<string> {
  const realRoot = realpathSync.native(root);
  const target = resolve(realRoot, path || '.');
  if (!existsSync(target)) throw new Error(`path "${path}" does not exist in the repository`);
  const real = realpathSync.native(target);
  const rel = relative(realRoot, real);
  if (rel.startsWith('..') || rel.startsWith(sep) || resolve(realRoot, rel) !== real) throw new Error(`path "${path}" leaves the repository root`);
  return real;
}

/** True when the directory holds a kustomization file. */
export function isKustomization(dir: string): boolean {
  return KUSTOMIZATION_FILES.some((f) => existsSync(join(dir, f)));
}

/** Renders a directory as `kustomize build` would print it (multi-document YAML). */
export async function renderText(dir: string, root: string): Promise<string> {
  if (!isKustomization(dir)) return toYamlStream(await renderPlainDirectory(dir, root));
  return renderKustomization(dir, { root });
}

/**
 * Renders a directory of an Application's source into objects: a kustomization, or plain YAML/JSON
 * files. `cache` shares parsed files and bases between renders of one revision (SourceRenders).
 */
export async function renderDirectory(root: string, path: string, opts: { cache?: RenderCache } = {}): Promise<KubeObject[]> {
  const dir = await insideRoot(root, path);
  if (!isKustomization(dir)) return renderPlainDirectory(dir, root);
  return toObjects(await renderObjects(dir, { root, cache: opts.cache }), relative(root, dir) || '.');
}

/**
 * Every object of the .yaml/.yml/.json files directly in a directory, in file-name order; Lists
 * flattened. Each file's real path (symlinks resolved) must lie inside the repository root.
 */
export async function renderPlainDirectory(dir: string, root: string): Promise<KubeObject[]> {
  const files = (await readdir(dir)).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();
  const realRoot = await realpath(root);
  const out: KubeObject[] = [];
  for (const f of files) {
    const shown = relative(realRoot, join(dir, f));
    const real = await insideRoot(realRoot, shown).catch((err: Error) => { throw new Error(`${shown}: ${err.message}`, { cause: err }); });
    out.push(...parseObjects(await readFile(real, 'utf8'), shown));
  }
  return out;
}

/** Parses a multi-document YAML text into objects; errors name the file and document. */
export function parseObjects(text: string, file: string): KubeObject[] {
  const out: KubeObject[] = [];
  parseAllDocuments(text).forEach((doc, i) => {
    if (doc.errors.length) throw new Error(`${file}: document ${i + 1}: ${doc.errors[0].message}`);
    const v: unknown = doc.toJS();
    if (v === null || v === undefined) return;
    out.push(...toObjects(v, `${file}: document ${i + 1}`));
  });
  return out;
}

function toObjects(v: unknown, where: string): KubeObject[] {
  const items = Array.isArray(v) ? v : [v];
  return items.flatMap((item, i) => {
    if (!item || typeof item !== 'object') throw new Error(`${where}: item ${i} is not an object`);
    const o = item as KubeObject;
    if (typeof o.kind === 'string' && o.kind.endsWith('List') && Array.isArray(o.items)) return toObjects(o.items, `${where}.items`);
    if (!o.apiVersion || !o.kind || !o.metadata?.name) throw new Error(`${where}: apiVersion, kind and metadata.name are required`);
    return [o];
  });
}

/** Objects as a YAML stream separated by `---`. */
export function toYamlStream(objects: KubeObject[]): string {
  return objects.map((o) => stringify(o)).join('---\n');
}
