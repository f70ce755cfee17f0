import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { minimatch } from 'minimatch';
import { parseAllDocuments } from 'yaml';
import { normalizeName, type Params } from '../params.js';
import { renderValue } from '../template/index.js';
import { listField, objectField, stringField, type Checkout, type GeneratorContext, type GeneratorFn } from './types.js';

interface Listing { dirs: string[]; files: string[] }

/** Commits whose listing is kept (a few ApplicationSets' repositories at their last revisions), and the paths they may hold in all. */
const LISTINGS_KEPT = 16;
const LISTED_PATHS_KEPT = 500_000;
const listings = new Map<string, { listing: Promise<Listing>; paths: number }>();

/**
 * The listing of a checked-out commit, walked once: a commit's tree never changes, and every
 * ApplicationSet reading it is regenerated at each resync (every 10 s by default) and at each push.
 * Walking it each time cost a thread-pool round trip per directory (120 for 20 apps of 3 overlays),
 * each a wake-up of serve's event loop. The least recently used listings go first, beyond
 * LISTINGS_KEPT commits or LISTED_PATHS_KEPT paths (a monorepo's listing is large).
 */
function listing(checkout: Checkout): Promise<Listing> {
  const key = `${checkout.sha}\0${checkout.dir}`;
  let entry = listings.get(key);
  if (entry) listings.delete(key);
  else {
    const known = walk(checkout.dir);
    const made = { listing: known, paths: 0 };
    entry = made;
    known.then((l) => { made.paths = l.dirs.length + l.files.length; bound(); },
      // A walk that failed (a tree evicted under it) is walked again next time.
      () => listings.get(key) === made && listings.delete(key));
  }
  listings.set(key, entry);
  bound();
  return entry.listing;
}

function bound(): void {
  let paths = 0;
  for (const e of listings.values()) paths += e.paths;
  for (const [key, e] of listings) {
    if (listings.size <= 1 || (listings.size <= LISTINGS_KEPT && paths <= LISTED_PATHS_KEPT)) break;
    listings.delete(key);
    paths -= e.paths;
  }
}

/** Every directory and file of a checkout, relative with `/`, skipping dot entries such as .git. */
async function walk(root: string): Promise<Listing> {
  const dirs: string[] = [];
  const files: string[] = [];
  const visit = async (rel: string) => {
    for (const e of await readdir(join(root, rel), { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) { dirs.push(p); await visit(p); } else if (e.isFile()) files.push(p);
    }
  };
  await visit('');
  return { dirs: dirs.sort(), files: files.sort() };
}

/** Parameters describing a path, in the shape of the template mode (ArgoCD's names for both). */
export function pathParams(path: string, goTemplate: boolean, file?: string): Params {
  const segments = path.split('/');
  const info: Record<string, unknown> = { path, basename: basename(path), basenameNormalized: normalizeName(basename(path)), segments };
  if (file) Object.assign(info, { filename: basename(file), filenameNormalized: normalizeName(basename(file)) });
  if (goTemplate) return { path: info };
  const flat: Params = { path };
  for (const [k, v] of Object.entries(info)) if (k !== 'path' && k !== 'segments') flat[`path.${k}`] = v;
  segments.forEach((s, i) => (flat[`path[${i}]`] = s));
  return flat;
}

function selectDirs(all: string[], entries: unknown[], where: string): string[] {
  const rules = entries.map((e, i) => {
    const o = objectField(e, `${where}.directories[${i}]`);
    return { glob: stringField(o, 'path', `${where}.directories[${i}]`), exclude: o.exclude === true };
  });
  return all.filter((d) => rules.some((r) => !r.exclude && minimatch(d, r.glob)) && !rules.some((r) => r.exclude && minimatch(d, r.glob)));
}

async function fileParams(dir: string, files: string[], entries: unknown[], ctx: GeneratorContext, where: string): Promise<Params[]> {
  const out: Params[] = [];
  for (const [i, e] of entries.entries()) {
    const glob = stringField(objectField(e, `${where}.files[${i}]`), 'path', `${where}.files[${i}]`);
    for (const f of files.filter((x) => minimatch(x, glob))) {
      const text = await readFile(join(dir, f), 'utf8');
      for (const doc of parseAllDocuments(text)) {
        if (doc.errors.length) throw new Error(`${where}.files[${i}]: ${f}: ${doc.errors[0].message}`);
        const value: unknown = doc.toJS();
        const items = Array.isArray(value) ? value : value === null || value === undefined ? [] : [value];
        for (const item of items) out.push({ ...objectField(item, `${where}.files[${i}] ${f}`), ...pathParams(dirname(f) === '.' ? '' : dirname(f), ctx.mode.goTemplate, f) });
      }
    }
  }
  return out;
}

/**
 * The git generator: `directories` (globs, with `exclude: true` entries) gives one parameter set per
 * matching directory; `files` parses each matching JSON/YAML file into parameters.
 */
export const gitGenerator: GeneratorFn = async (spec, ctx, where) => {
  const body = objectField(spec, where);
  const repoURL = stringField(body, 'repoURL', where);
  const revision = stringField(body, 'revision', where, 'HEAD');
  const checkout = await ctx.checkout(repoURL, revision);
  const tree = await listing(checkout);
  const values = body.values === undefined ? {} : objectField(body.values, `${where}.values`);
  const sets: Params[] = [];
  const dirs = listField(body, 'directories', where);
  if (dirs.length) for (const d of selectDirs(tree.dirs, dirs, where)) sets.push(pathParams(d, ctx.mode.goTemplate));
  const files = listField(body, 'files', where);
  if (files.length) sets.push(...(await fileParams(checkout.dir, tree.files, files, ctx, where)));
  if (!dirs.length && !files.length) throw new Error(`${where}: needs directories or files`);
  return sets.map((p) => ({ ...p, ...(body.values === undefined ? {} : { values: renderValue(values, p, ctx.mode, `${where}.values`) }) }));
};
