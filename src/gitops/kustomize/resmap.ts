// The ordered set of resources a kustomization accumulates, with kustomize's id rules: no two
// resources share a current id, and lookups may match any id a resource has had.
import { KustomizeError } from './errors.js';
import { idEquals, idString, type ResId } from './resid.js';
import type { Resource } from './resource.js';

/** An ordered list of resources with unique current ids. */
export class ResMap {
  constructor(public list: Resource[] = []) {}

  /** Adds a resource; `file` names the source in the conflict error. */
  append(r: Resource, file: string): void {
    const id = r.curId();
    if (this.list.some((x) => idEquals(x.curId(), id))) {
      throw new KustomizeError(file, `may not add resource with an already registered id: ${idString(id)}`);
    }
    this.list.push(r);
  }

  /** Adds all resources of another map. */
  appendAll(other: ResMap, file: string): void {
    for (const r of other.list) this.append(r, file);
  }

  /** Resources any of whose ids (current or previous) equals `id`. */
  byAnyId(id: ResId): Resource[] {
    return this.list.filter((r) => r.allIds().some((x) => idEquals(x, id)));
  }

  /** Resources whose current id equals `id`. */
  byCurrentId(id: ResId): Resource[] {
    return this.list.filter((r) => idEquals(r.curId(), id));
  }

  /** Drops deleted resources (a `$patch: delete` empties them). */
  compact(): void {
    this.list = this.list.filter((r) => Object.keys(r.obj).length > 0);
  }
}
