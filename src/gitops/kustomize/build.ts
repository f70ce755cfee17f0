// A whole `kustomize build`: accumulate the target, then the steps that run once at the very end —
// hash suffixes on generated names, name-reference fixing, vars, dropping local-config objects,
// sorting, and the buildMetadata annotations.
import { accumulateTarget, loadTarget } from './accumulate.js';
import { KustomizeError } from './errors.js';
import { nameHash } from './hash.js';
import { KUSTOMIZATION_FILE_NAMES, Loader } from './loader.js';
import { fixNameReferences } from './nameref.js';
import { ORIGIN_ANNOTATION, TRANSFORMATIONS_ANNOTATION, originText, transformationsText } from './origin.js';
import type { Resource } from './resource.js';
import { sortResources } from './sort.js';
import { emptyAccumulator } from './target.js';
import { resolveVars } from './vars.js';
import { ensureObj, isObj, type Obj, type Value } from './values.js';
import { formatNumber } from './yaml-resolve.js';
import type { RenderCache } from './cache.js';
import { adoptOpenApi } from './openapi-field.js';

function finalizeMetadata(r: Resource, buildMetadata: string[]): Obj {
  const meta = ensureObj(r.obj, 'metadata');
  const annotations = isObj(meta.annotations) ? meta.annotations : {};
  // kustomize rewrites every annotation map at the end (RemoveBuildAnnotations) as strings.
  for (const [k, v] of Object.entries(annotations)) if (typeof v !== 'string') annotations[k] = scalarString(v);
  if (buildMetadata.includes('originAnnotations') && r.origin) annotations[ORIGIN_ANNOTATION] = originText(r.origin);
  if (buildMetadata.includes('transformerAnnotations') && r.transformations.length) {
    annotations[TRANSFORMATIONS_ANNOTATION] = transformationsText(r.transformations);
  }
  if (Object.keys(annotations).length) meta.annotations = annotations;
  else delete meta.annotations;
  return r.obj;
}

/** The text kyaml reads from a scalar node (a collection reads as ''). */
function scalarString(v: Value): string {
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'boolean') return String(v);
  return '';
}

function isLocalConfig(r: Resource): boolean {
  return r.annotations()['config.kubernetes.io/local-config'] === 'true';
}

/** Builds a directory (a kustomization, or a plain directory of YAML files) into objects, in output order. */
export async function buildObjects(dir: string, root: string, cache?: RenderCache): Promise<Obj[]> {
  const ldr = await Loader.create(dir, root, cache);
  const t = await loadTarget(ldr);
  if (!t) {
    throw new KustomizeError(ldr.display('.'), `unable to find one of ${KUSTOMIZATION_FILE_NAMES.map((n) => `'${n}'`).join(', ')} in directory (a plain directory of YAML is rendered only by meridian's directory sources, not as a kustomization)`);
  }
  await adoptOpenApi(t, true);
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
