// Loading a kustomization file: strict schema check (kustomize decodes with unknown fields
// disallowed), the legacy-field fix-ups kustomize applies, and a refusal of every feature that
// would execute something or that this renderer does not implement.
import { RefusedError, fieldError, type RefusalReason } from './errors.js';
import { KUSTOMIZATION_SCHEMA, checkSchema } from './kustomization-schema.js';
import type { Loader } from './loader.js';
import { parseYamlDocument } from './yaml-parse.js';
import { isObj } from './values.js';

/** A resource selector (patch target, replacement select/reject). */
export interface Selector {
  group?: string; version?: string; kind?: string; name?: string; namespace?: string;
  labelSelector?: string; annotationSelector?: string;
}
/** A field spec: where in which kinds a transformer writes. */
export interface FieldSpec { group?: string; version?: string; kind?: string; path: string; create?: boolean }
/** One `patches` / `patchesJson6902` entry. */
export interface PatchSpec { path?: string; patch?: string; target?: Selector; options?: Record<string, boolean> }
/** Options shared by generators. */
export interface GeneratorOptions { labels?: Record<string, string>; annotations?: Record<string, string>; disableNameSuffixHash?: boolean; immutable?: boolean }
/** One configMapGenerator / secretGenerator entry. */
export interface GeneratorSpec {
  name?: string; namespace?: string; behavior?: string; literals?: string[]; files?: string[]; envs?: string[];
  env?: string; options?: GeneratorOptions; type?: string;
}
/** Options of a replacement source or target. */
export interface FieldOptions { delimiter?: string; index?: number; encoding?: string; create?: boolean }
/** One replacement (inline, or loaded from `path`). */
export interface ReplacementSpec {
  path?: string;
  source?: Selector & { fieldPath?: string; options?: FieldOptions };
  targets?: Array<{ select?: Selector; reject?: Selector[]; fieldPaths?: string[]; options?: FieldOptions }>;
}
/** A deprecated var. */
export interface VarSpec { name: string; objref: Selector & { apiVersion?: string }; fieldref?: { fieldPath?: string } }
/** An images entry. */
export interface ImageSpec { name?: string; newName?: string; newTag?: string; digest?: string; tagSuffix?: string }
/** A labels entry. */
export interface LabelSpec { pairs?: Record<string, string>; includeSelectors?: boolean; includeTemplates?: boolean; fields?: FieldSpec[] }

/** A kustomization after validation and kustomize's fix-ups. */
export interface Kustomization {
  apiVersion?: string; kind?: string;
  namePrefix?: string; nameSuffix?: string; namespace?: string;
  commonLabels?: Record<string, string>; commonAnnotations?: Record<string, string>; labels?: LabelSpec[];
  patchesStrategicMerge?: string[]; patchesJson6902?: PatchSpec[]; patches?: PatchSpec[];
  images?: ImageSpec[]; replacements?: ReplacementSpec[]; replicas?: Array<{ name?: string; count?: number }>;
  vars?: VarSpec[];
  sortOptions?: { order?: string; legacySortOptions?: { orderFirst?: string[]; orderLast?: string[] } };
  resources?: string[]; components?: string[];
  configMapGenerator?: GeneratorSpec[]; secretGenerator?: GeneratorSpec[]; generatorOptions?: GeneratorOptions;
  buildMetadata?: string[]; configurations?: string[]; crds?: string[];
  generators?: string[]; transformers?: string[];
  /** `path:` a custom OpenAPI schema file, or `version:` a built-in one. */
  openapi?: Record<string, string>;
}

// Fields that would run code: refused, with the reason the corpus test counts.
const REFUSED_RUNS: Record<string, RefusalReason> = {
  validators: 'plugin', helmCharts: 'helm', helmGlobals: 'helm', helmChartInflationGenerator: 'helm',
};

function isEmpty(v: unknown): boolean {
  return v === null || v === undefined || (Array.isArray(v) && v.length === 0) || (isObj(v) && Object.keys(v).length === 0);
}

/** Reads and validates the kustomization of a loader's directory; undefined when there is none. */
export async function loadKustomization(ldr: Loader): Promise<{ k: Kustomization; file: string } | undefined> {
  const found = await ldr.kustomizationFile();
  if (!found) return undefined;
  const file = ldr.display(found.name);
  const raw = parseYamlDocument(found.text, file, true);
  checkSchema(KUSTOMIZATION_SCHEMA, raw, file, '');
  const obj = isObj(raw) ? raw : {};
  for (const [field, reason] of Object.entries(REFUSED_RUNS)) if (!isEmpty(obj[field])) throw new RefusedError(file, field, reason, `${field} is not rendered`);
  const k = JSON.parse(JSON.stringify(obj)) as Kustomization & { bases?: string[]; imageTags?: ImageSpec[] };
  const kind = k.kind ?? 'Kustomization';
  if (kind !== 'Kustomization' && kind !== 'Component') throw fieldError(file, 'kind', 'kind should be Kustomization or Component');
  const version = kind === 'Component' ? 'kustomize.config.k8s.io/v1alpha1' : 'kustomize.config.k8s.io/v1beta1';
  if (k.apiVersion && k.apiVersion !== version) throw fieldError(file, 'apiVersion', `apiVersion for ${kind} should be ${version}`);
  k.kind = kind;
  k.resources = [...(k.resources ?? []), ...(k.bases ?? [])];
  k.images = [...(k.images ?? []), ...(k.imageTags ?? [])];
  for (const g of [...(k.configMapGenerator ?? []), ...(k.secretGenerator ?? [])]) {
    if (g.env) g.envs = [...(g.envs ?? []), g.env];
  }
  checkSemantics(k, file);
  return { k, file };
}

function checkSemantics(k: Kustomization, file: string): void {
  const order = k.sortOptions?.order;
  if (k.sortOptions && order !== 'fifo' && order !== 'legacy') {
    throw fieldError(file, 'sortOptions.order', 'must be one of fifo, legacy');
  }
  if (order === 'fifo' && k.sortOptions?.legacySortOptions) {
    throw fieldError(file, 'sortOptions.legacySortOptions', "is set but the sort order is 'fifo', not 'legacy'");
  }
  for (const opt of k.buildMetadata ?? []) {
    if (!['originAnnotations', 'transformerAnnotations', 'managedByLabel'].includes(opt)) {
      throw fieldError(file, 'buildMetadata', `unknown option "${opt}"`);
    }
  }
  if (k.buildMetadata?.includes('managedByLabel')) throw fieldError(file, 'buildMetadata', 'managedByLabel is not supported');
}
