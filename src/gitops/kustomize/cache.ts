// Work shared between renders of one repository revision: file texts, resolved paths and the
// accumulated result of every sub-kustomization (a base shared by many overlays, Applications and
// regions is read, parsed and transformed once). A cache is only valid while the files do not
// change: make one per checked-out revision and drop it with the revision.
import type { OpenApiDefinitions } from './openapi-schema.js';
import type { Accumulator } from './target.js';

/** What one revision's renders share; pass the same instance to every render of that revision. */
export class RenderCache {
  /** Real path -> file text. */
  readonly texts = new Map<string, Promise<string>>();
  /** Absolute path -> real path (undefined when missing). */
  readonly realPaths = new Map<string, Promise<string | undefined>>();
  /** Real directory -> the names in it. */
  readonly dirEntries = new Map<string, ReadonlySet<string>>();
  /** Real path -> is a directory. */
  readonly isDir = new Map<string, Promise<boolean>>();
  /** Sub-kustomization key -> its accumulation, never handed out itself (see cloneAccumulator). */
  readonly builds = new Map<string, Promise<{ acc: Accumulator; openapi: object }>>();
  /** Real path of an `openapi: path:` schema file -> its parsed definitions. */
  readonly openapi = new Map<string, OpenApiDefinitions>();
}
