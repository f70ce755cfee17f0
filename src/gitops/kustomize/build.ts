// A whole `kustomize build`: accumulate the target, then the steps that run once at the very end —
// hash suffixes on generated names, name-reference fixing, vars, dropping local-config objects,
// sorting, and the buildMetadata annotations.
import { accumulateTarget, loadTarget } from './accumulate.js';
import { KustomizeError } from './errors.js';
import { nameHash } from './hash.js';
import { Loader } from './loader.js';
import { fixNameReferences } from './nameref.js';
import { ORIGIN_ANNOTATION, TRANSFORMATIONS_ANNOTATION, originText, transformationsText } from './origin.js';
import type { Resource } from './resource.js';
import { resourcesFromText } from './resources.js';
import { sortResources } from './sort.js';
import { emptyAccumulator } from './target.js';
import { resolveVars } from './vars.js';
import { ensureObj, isObj, type Obj } from './values.js';
import { readdir } from 'node:fs/promises';
import type { RenderCache } from './cache.js';

function finalizeMetadata(r: Resource, buildMetadata: string[]): Obj {
  const meta = ensureObj(r.obj, 'metadata');
  const annotations = isObj(meta.annotations) ? meta.annotations : {};
  if (buildMetadata.includes('originAnnotations') && r.origin) annotations[ORIGIN_ANNOTATION] = originText(r.origin);
  if (buildMetadata.includes('transformerAnnotations') && r.transformations.length) {
    annotations[TRANSFORMATIONS_ANNOTATION] = transformationsText(r.transformations);
  }
  if (Object.keys(annotations).length) meta.annotations = annotations;
  else delete meta.annotations;
  return r.obj;
}

function isLocalConfig(r: Resource): boolean {
  return r.annotations()['config.kubernetes.io/local-config'] === 'true';
}

async function plainDirectory(ldr: Loader): Promise<Obj[]> {
  const names = (await readdir(ldr.dir)).filter((n) => /\.(ya?ml|json)$/.test(n)).sort();
  const out: Obj[] = [];
  for (const name of names) out.push(...resourcesFromText(await ldr.readFile(name, 'resources'), ldr.display(name)).map((r) => r.obj));
  return out;
}

/** Builds a directory (a kustomization, or a plain directory of YAML files) into objects, in output order. */
export async function buildObjects(dir: string, root: string, cache?: RenderCache): Promise<Obj[]> {
  const ldr = await Loader.create(dir, root, cache);
  const t = await loadTarget(ldr);
  if (!t) return plainDirectory(ldr);
  const acc = await accumulateTarget(t, emptyAccumulator());
  const m = acc.resMap;
  for (const r of m.list) {
    if (!r.needsHash) continue;
    const hash = nameHash(r.obj);
    r.storePreviousId();
    r.setName(`${r.name}-${hash}`);
  }
  fixNameReferences(m, acc.config.nameReference);
  try {
    resolveVars(m, acc.vars, acc.config.varReference);
  } catch (err) {
    if (err instanceof KustomizeError && err.file === '') throw new KustomizeError(t.file, `field "vars": ${err.message}`, { cause: err });
    throw err;
  }
  const kept = m.list.filter((r) => !isLocalConfig(r));
  return sortResources(kept, t.k).map((r) => finalizeMetadata(r, t.buildMetadata));
}
