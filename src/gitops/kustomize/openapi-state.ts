// The `openapi:` field as kustomize v5.5.0 applies it. kyaml keeps one schema per build, set once:
// the built kustomization's `openapi:` is adopted first, otherwise the first one met while
// accumulating (bases in order, then components) wins and later ones are ignored. The schema is
// parsed lazily, on the first strategic merge (or the first resource of a type kyaml cannot place
// from its precomputed table): a custom schema adopted before then replaces the built-in
// definitions, one adopted after adds to them, and a custom one adopted after a resource of an
// unlisted type has been seen is followed by the built-in definitions again (kyaml's "delayed"
// parse of its default schema), whose names then win. All of that is modelled here, per build.
import { BUILTIN_DEFINITIONS } from './openapi-builtin.js';
import { builtinSchemaSet } from './merge-schema.js';
import { SchemaSet, type OpenApiDefinitions, type SchemaType } from './openapi-schema.js';
import { NAMESPACE_SCOPE_PRECOMPUTED } from './openapi-precomputed.js';

/** The only built-in schema version kustomize v5.5.0 carries (also its default). */
export const BUILTIN_OPENAPI_VERSION = 'v1.21.2';

/** A custom schema: its parsed definitions and a key naming it within one revision. */
export interface CustomSchema { key: string; defs: OpenApiDefinitions }

/** Everything a build's schema state holds; immutable, so a snapshot is a reference. */
interface Snapshot {
  version: string;
  custom: CustomSchema | undefined;
  initialized: boolean;
  builtin: 'unparsed' | 'delayed' | 'parsed';
  layers: readonly OpenApiDefinitions[];
  set: SchemaSet | undefined;
}

/** The schema state of one build (kyaml's process-wide openapi globals, one per render here). */
export class OpenApiState {
  private s: Snapshot = { version: '', custom: undefined, initialized: false, builtin: 'unparsed', layers: [], set: undefined };

  /**
   * kyaml's SetSchema: `reset` for the built kustomization, not for bases and components.
   * `custom` parses the schema file (called only when the field is adopted). Throws with
   * kustomize's message; the caller adds file and field.
   */
  adopt(field: Record<string, string> | undefined, custom: (() => CustomSchema) | undefined, reset: boolean): void {
    if ((this.s.version !== '' || this.s.custom !== undefined) && !reset) return;
    const hasVersion = field !== undefined && Object.prototype.hasOwnProperty.call(field, 'version');
    if (custom) {
      if (hasVersion) throw new Error('builtin version and custom schema provided, cannot use both');
      this.s = { ...this.s, custom: custom(), version: 'custom', initialized: false };
      return;
    }
    const version = hasVersion ? String(field.version) : '';
    this.s = { ...this.s, version };
    if (version === '') return;
    if (version !== BUILTIN_OPENAPI_VERSION) throw new Error('the specified OpenAPI version is not built in');
    this.s = { ...this.s, custom: undefined, initialized: false };
  }

  /** kyaml's IsNamespaceScoped side effect: a type outside the precomputed table may parse or queue the schema. */
  noteType(apiVersion: string, kind: string): void {
    if (this.s.initialized || NAMESPACE_SCOPE_PRECOMPUTED.has(`${apiVersion}/${kind}`)) return;
    if (this.s.custom) this.init();
    else if (this.s.builtin === 'unparsed') this.s = { ...this.s, builtin: 'delayed' };
  }

  /** The schema strategic merge uses for a resource type (kyaml's SchemaForResourceType). */
  schemaFor(apiVersion: string, kind: string): SchemaType | undefined {
    this.init();
    return (this.s.set ?? builtinSchemaSet()).forType(apiVersion, kind);
  }

  private init(): void {
    if (this.s.initialized) return;
    const layers = [...this.s.layers];
    let builtin = this.s.builtin;
    if (this.s.custom) layers.push(this.s.custom.defs);
    else {
      layers.push(BUILTIN_DEFINITIONS);
      builtin = 'parsed';
    }
    if (builtin === 'delayed') {
      layers.push(BUILTIN_DEFINITIONS);
      builtin = 'parsed';
    }
    const onlyBuiltin = layers.every((l) => l === BUILTIN_DEFINITIONS);
    this.s = { ...this.s, initialized: true, builtin, layers, set: onlyBuiltin ? undefined : new SchemaSet(layers) };
  }

  /** A key for everything that decides how a base builds and what state it leaves. */
  fingerprint(): string {
    const s = this.s;
    const layers = s.layers.map((l) => (l === BUILTIN_DEFINITIONS ? 'builtin' : s.custom?.defs === l ? 'custom' : '?'));
    return [s.version, s.custom?.key ?? '', s.initialized, s.builtin, layers.join('+')].join('|');
  }

  /** The current state, to be restored where a cached base is reused. */
  snapshot(): object {
    return this.s;
  }

  /** Restores a state taken with snapshot(). */
  restore(snapshot: object): void {
    this.s = snapshot as Snapshot;
  }
}
