import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The repository root of `meridian render DIR`: --root when given, else the enclosing Git work
 * tree, else DIR itself. Kept apart from the gitops options so `render` loads no cluster client.
 */
export function renderRoot(dir: string, root?: string): string {
  if (root) return resolve(root);
  let cur = resolve(dir);
  for (;;) {
    if (existsSync(join(cur, '.git'))) return cur;
    const up = dirname(cur);
    if (up === cur) return resolve(dir);
    cur = up;
  }
}
