import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Params } from '../params.js';
import { directoryParams, fileParams, gitParamOptions, selectFiles } from './git-params.js';
import { listField, objectField, stringField, type Checkout, type GeneratorFn } from './types.js';

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

/**
 * Every directory and file of a checkout, relative with `/`. Directories are those ArgoCD's repo
 * server lists (none under a directory whose name starts with `.`), in its walk order; files are all
 * of them but `.git`'s (as `git ls-files` lists them, dot files included), sorted as Go sorts strings.
 */
async function walk(root: string): Promise<Listing> {
  const dirs: string[] = [];
  const files: string[] = [];
  const visit = async (rel: string, hidden: boolean) => {
    for (const e of await readdir(join(root, rel), { withFileTypes: true })) {
      if (e.name === '.git') continue;
      const p = rel ? `${rel}/${e.name}` : e.name;
      const inHidden = hidden || e.name.startsWith('.');
      if (e.isDirectory()) {
        if (!inHidden) dirs.push(p);
        await visit(p, inHidden);
      } else if (e.isFile()) files.push(p);
    }
  };
  await visit('', false);
  return { dirs: dirs.sort(walkOrder), files: files.sort() };
}

/** filepath.WalkDir's order: a directory, then what is under it, siblings by name. */
function walkOrder(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; i < x.length && i < y.length; i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  return x.length - y.length;
}

/**
 * The git generator. `directories` (path.Match globs, `exclude: true` entries win) gives one
 * parameter set per matching directory; otherwise `files` (Git pathspecs, `exclude: true` entries
 * win) parses each matching JSON/YAML file into parameter sets. As in ArgoCD, `directories` takes
 * precedence when both are given.
 */
export const gitGenerator: GeneratorFn = async (spec, ctx, where) => {
  const body = objectField(spec, where);
  const repoURL = stringField(body, 'repoURL', where);
  const revision = stringField(body, 'revision', where, 'HEAD');
  const opts = gitParamOptions(body, where);
  const dirs = listField(body, 'directories', where);
  const files = listField(body, 'files', where);
  if (!dirs.length && !files.length) throw new Error(`${where}: needs directories or files`);
  const checkout = await ctx.checkout(repoURL, revision);
  const tree = await listing(checkout);
  if (dirs.length) return directoryParams(tree.dirs, dirs, opts, ctx.mode, where);
  const sets: Params[] = [];
  for (const f of selectFiles(tree.files, files, where)) {
    try {
      sets.push(...fileParams(f, await readFile(join(checkout.dir, f), 'utf8'), opts, ctx.mode, where));
    } catch (err) {
      throw new Error(`${(err as Error).message} (repository ${repoURL})`, { cause: err });
    }
  }
  return sets;
};
