// The images field: rewrite the name, tag or digest of matching container images, both in every
// `containers`/`initContainers` list anywhere in an object and at the images field specs.
import { visitFieldSpec } from './fieldspec.js';
import type { FieldSpec, ImageSpec } from './kustomization.js';
import type { ResMap } from './resmap.js';
import { isObj, type Obj, type Value } from './values.js';

/** Splits an image reference into name, tag and digest as kustomize does. */
export function splitImage(image: string): { name: string; tag: string; digest: string } {
  const slash = image.indexOf('/');
  const offset = slash > 0 ? slash : 0;
  const search = slash > 0 ? image.slice(slash) : image;
  let at = search.indexOf('@');
  let colon = search.indexOf(':');
  if (colon < 0 && at < 0) return { name: image, tag: '', digest: '' };
  if (at >= 0 && (at < colon || colon < 0)) {
    at += offset;
    return { name: image.slice(0, at), tag: '', digest: image.slice(at + 1) };
  }
  if (at >= 0 && colon >= 0) {
    at += offset;
    colon += offset;
    return { name: image.slice(0, colon), tag: image.slice(colon + 1, at), digest: image.slice(at + 1) };
  }
  colon += offset;
  return { name: image.slice(0, colon), tag: image.slice(colon + 1), digest: '' };
}

/** The new image reference, or undefined when `spec` does not match `value`. */
export function updateImage(value: string, spec: ImageSpec): string | undefined {
  let re: RegExp;
  try {
    re = new RegExp(`^${spec.name ?? ''}(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?$`);
  } catch {
    return undefined;
  }
  if (!re.test(value)) return undefined;
  let { name, tag, digest } = splitImage(value);
  if (spec.newName) name = spec.newName;
  if (spec.newTag && spec.digest) { tag = spec.newTag; digest = spec.digest; }
  else if (spec.newTag) { tag = spec.newTag; digest = ''; }
  else if (spec.digest) { tag = ''; digest = spec.digest; }
  else if (spec.tagSuffix) { tag += spec.tagSuffix; digest = ''; }
  return name + (tag ? `:${tag}` : '') + (digest ? `@${digest}` : '');
}

function setImage(holder: Obj, key: string, spec: ImageSpec): void {
  const v = holder[key];
  if (typeof v !== 'string') return;
  const updated = updateImage(v, spec);
  if (updated !== undefined) holder[key] = updated;
}

function walkContainers(node: Value, spec: ImageSpec): void {
  if (Array.isArray(node)) {
    for (const item of node) walkContainers(item, spec);
    return;
  }
  if (!isObj(node)) return;
  for (const [k, v] of Object.entries(node)) {
    walkContainers(v, spec);
    if ((k === 'containers' || k === 'initContainers') && Array.isArray(v)) {
      for (const c of v) if (isObj(c)) setImage(c, 'image', spec);
    }
  }
}

/** Applies one images entry to every resource. */
export function applyImage(m: ResMap, spec: ImageSpec, specs: FieldSpec[]): void {
  for (const r of m.list) {
    if (r.kind !== 'CustomResourceDefinition') walkContainers(r.obj, spec);
    for (const fs of specs) visitFieldSpec(r.obj, r.gvk(), { ...fs, create: false }, 'none', (parent, key) => setImage(parent, key, spec));
  }
}
