// The fields a kustomization file may hold (kustomize's v1beta1 Kustomization and Component),
// checked strictly as kustomize's decoder does: an unknown or mistyped field is an error.
import { fieldError } from './errors.js';
import { isObj, type Value } from './values.js';

type Scalar = 'string' | 'bool' | 'int' | 'strings' | 'stringMap' | 'boolMap' | 'any';
/** The shape of one field: a scalar kind, a nested object, or a list of objects. */
export type FieldType = Scalar | Schema | [Schema];
/** The fields of one object. */
export interface Schema {
  [field: string]: FieldType;
}

const gvk: Schema = { group: 'string', version: 'string', kind: 'string' };
const selector: Schema = { ...gvk, name: 'string', namespace: 'string', labelSelector: 'string', annotationSelector: 'string' };
const fieldSpec: Schema = { ...gvk, path: 'string', create: 'bool' };
const patch: Schema = { path: 'string', patch: 'string', target: selector, options: 'boolMap' };
const genOptions: Schema = { labels: 'stringMap', annotations: 'stringMap', disableNameSuffixHash: 'bool', immutable: 'bool' };
const generator: Schema = {
  name: 'string', namespace: 'string', behavior: 'string', literals: 'strings', files: 'strings', envs: 'strings',
  env: 'string', options: genOptions,
};
const fieldOptions: Schema = { delimiter: 'string', index: 'int', encoding: 'string', create: 'bool' };
const replacement: Schema = {
  path: 'string',
  source: { ...selector, fieldPath: 'string', options: fieldOptions },
  targets: [{ select: selector, reject: [selector], fieldPaths: 'strings', options: fieldOptions }],
};

/** The top-level fields of a kustomization. */
export const KUSTOMIZATION_SCHEMA: Schema = {
  apiVersion: 'string', kind: 'string', metadata: 'any', openapi: 'stringMap',
  namePrefix: 'string', nameSuffix: 'string', namespace: 'string',
  commonLabels: 'stringMap', commonAnnotations: 'stringMap',
  labels: [{ pairs: 'stringMap', includeSelectors: 'bool', includeTemplates: 'bool', fields: [fieldSpec] }],
  patchesStrategicMerge: 'strings', patchesJson6902: [patch], patches: [patch],
  images: [{ name: 'string', newName: 'string', newTag: 'string', digest: 'string', tagSuffix: 'string' }],
  imageTags: [{ name: 'string', newName: 'string', newTag: 'string', digest: 'string', tagSuffix: 'string' }],
  replacements: [replacement], replicas: [{ name: 'string', count: 'int' }],
  vars: [{ name: 'string', objref: { apiVersion: 'string', ...gvk, name: 'string', namespace: 'string' }, fieldref: { fieldPath: 'string' } }],
  sortOptions: { order: 'string', legacySortOptions: { orderFirst: 'strings', orderLast: 'strings' } },
  resources: 'strings', bases: 'strings', components: 'strings', crds: 'strings',
  configMapGenerator: [generator], secretGenerator: [{ ...generator, type: 'string' }], generatorOptions: genOptions,
  generators: 'strings', transformers: 'strings', validators: 'strings',
  helmGlobals: 'any', helmCharts: 'any', helmChartInflationGenerator: 'any',
  buildMetadata: 'strings', configurations: 'strings',
};

function checkScalar(type: Scalar, v: Value, file: string, path: string): void {
  const bad = (what: string): never => {
    throw fieldError(file, path, `expected ${what}, got ${JSON.stringify(v)}`);
  };
  if (v === null || type === 'any') return;
  switch (type) {
    case 'string': if (typeof v !== 'string') bad('a string'); break;
    case 'bool': if (typeof v !== 'boolean') bad('true or false'); break;
    case 'int': if (typeof v !== 'number' || !Number.isInteger(v)) bad('an integer'); break;
    case 'strings':
      if (!Array.isArray(v)) bad('a list of strings');
      (v as Value[]).forEach((x, i) => { if (typeof x !== 'string') throw fieldError(file, `${path}[${i}]`, 'expected a string'); });
      break;
    default: {
      if (!isObj(v)) bad('a mapping');
      const want = type === 'stringMap' ? 'string' : 'boolean';
      for (const [k, x] of Object.entries(v as Record<string, Value>)) {
        if (x !== null && typeof x !== want) throw fieldError(file, `${path}.${k}`, `expected a ${want} value (quote it), got ${JSON.stringify(x)}`);
      }
    }
  }
}

/** The schema's spelling of a key: Go's JSON decoder matches field names case-insensitively. */
function canonicalKey(schema: Schema, key: string): string {
  if (Object.prototype.hasOwnProperty.call(schema, key)) return key;
  return Object.keys(schema).find((k) => k.toLowerCase() === key.toLowerCase()) ?? key;
}

/** Checks a value against a schema; throws a KustomizeError naming the first bad field. */
export function checkSchema(schema: Schema, v: Value, file: string, path: string): void {
  if (v === null) return;
  if (!isObj(v)) throw fieldError(file, path || 'kustomization', 'expected a mapping');
  for (const [given, value] of Object.entries(v)) {
    const key = canonicalKey(schema, given);
    if (key !== given) {
      delete v[given];
      v[key] = value;
    }
    const at = path ? `${path}.${key}` : key;
    const type = Object.prototype.hasOwnProperty.call(schema, key) ? schema[key] : undefined;
    if (type === undefined) throw fieldError(file, at, 'unknown field');
    if (typeof type === 'string') checkScalar(type, value, file, at);
    else if (Array.isArray(type)) {
      if (value === null) continue;
      if (!Array.isArray(value)) throw fieldError(file, at, 'expected a list');
      value.forEach((item, i) => checkSchema(type[0], item, file, `${at}[${i}]`));
    } else checkSchema(type, value, file, at);
  }
}
