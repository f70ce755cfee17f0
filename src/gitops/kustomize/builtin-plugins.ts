// `generators:` and `transformers:` entries naming kustomize's builtin plugins (apiVersion
// `builtin`), given inline, as files, or as directories whose build yields the configurations.
// Each runs the same code as the kustomization field it stands for, with its own field specs.
// Anything else (exec or Go plugins, KRM functions, Helm) is refused: it would run code.
import { RefusedError, fieldError } from './errors.js';
import type { FieldSpec, GeneratorSpec, Kustomization, PatchSpec } from './kustomization.js';
import type { Accumulator, Target } from './target.js';
import { isObj, type Obj, type Value } from './values.js';
import { objectsFromText } from './resources.js';

/** One plugin configuration and where it was given. */
export interface PluginConfig { obj: Obj; file: string; field: string }

const FUNCTION_ANNOTATIONS = ['config.kubernetes.io/function', 'config.k8s.io/function'];

/** Loads the configurations an entry list names; `build` builds a directory entry into objects. */
export async function loadPluginConfigs(t: Target, field: 'generators' | 'transformers', build: (real: string, path: string) => Promise<Obj[]>): Promise<PluginConfig[]> {
  const out: PluginConfig[] = [];
  for (const [i, entry] of (t.k[field] ?? []).entries()) {
    const at = `${field}[${i}]`;
    const inline = entry.includes('\n') || /^\s*[\w.-]+\s*:/.test(entry);
    let objs: Obj[];
    let file = t.file;
    if (inline) objs = objectsFromText(entry, t.file);
    else {
      if (/^[a-z]+:\/\//i.test(entry) || entry.startsWith('git@')) throw new RefusedError(t.file, at, 'remote', `remote configuration "${entry}"`);
      const real = await t.ldr.locate(entry);
      if (!real) throw fieldError(t.file, at, `"${entry}" does not exist`);
      if (await t.ldr.isDirectory(real)) objs = await build(real, entry);
      else {
        file = t.ldr.display(entry);
        objs = objectsFromText(await t.ldr.readFile(entry, at), file);
      }
    }
    for (const obj of objs) {
      checkBuiltin(obj, t.file, at);
      out.push({ obj, file, field: at });
    }
  }
  return out;
}

function checkBuiltin(obj: Obj, file: string, field: string): void {
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  const meta = isObj(obj.metadata) ? obj.metadata : {};
  const annotations = isObj(meta.annotations) ? meta.annotations : {};
  if (FUNCTION_ANNOTATIONS.some((a) => a in annotations)) throw new RefusedError(file, field, 'krm-function', `${kind} is a KRM function`);
  if (kind === 'HelmChartInflationGenerator') throw new RefusedError(file, field, 'helm', 'HelmChartInflationGenerator');
  if (obj.apiVersion === 'builtin' && !BUILTIN_KINDS.has(kind)) throw fieldError(file, field, `unable to load builtin ${kind}`);
  if (obj.apiVersion !== 'builtin') {
    throw new RefusedError(file, field, 'plugin', `${String(obj.apiVersion)}/${kind} is not one of kustomize's builtin plugins`);
  }
}

const BUILTIN_KINDS = new Set([
  'ConfigMapGenerator', 'SecretGenerator', 'IAMPolicyGenerator', 'NamespaceTransformer', 'PrefixSuffixTransformer', 'PrefixTransformer',
  'SuffixTransformer', 'LabelTransformer', 'AnnotationsTransformer', 'ImageTagTransformer', 'ReplicaCountTransformer',
  'PatchTransformer', 'PatchStrategicMergeTransformer', 'PatchJson6902Transformer', 'ReplacementTransformer', 'ValueAddTransformer',
]);

function specs(c: Obj): FieldSpec[] {
  return Array.isArray(c.fieldSpecs) ? (c.fieldSpecs.filter(isObj) as unknown as FieldSpec[]) : [];
}

function strMap(v: Value | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObj(v)) for (const [k, x] of Object.entries(v)) out[k] = x === null ? '' : String(x);
  return out;
}

/** The generator spec of a ConfigMapGenerator/SecretGenerator configuration. */
export function generatorSpec(c: Obj): GeneratorSpec {
  const meta = isObj(c.metadata) ? c.metadata : {};
  // The generator's own name/namespace win; metadata's are the fallback (ConfigMapGeneratorPlugin.Config).
  const own = (k: 'name' | 'namespace'): string | undefined => (typeof c[k] === 'string' && c[k] !== '' ? c[k] : typeof meta[k] === 'string' ? meta[k] : undefined);
  return { ...(c as unknown as GeneratorSpec), name: own('name'), namespace: own('namespace') };
}

/** A transformer configuration as the kustomization fields (and field specs) it stands for. */
export interface TransformerPlan { kind: string; k: Kustomization; fieldSpecs: FieldSpec[] }

/** Translates one builtin transformer configuration. */
export function transformerPlan(c: Obj, file: string, field: string): TransformerPlan {
  const kind = c.kind as string;
  const fs = specs(c);
  const meta = isObj(c.metadata) ? c.metadata : {};
  switch (kind) {
    case 'NamespaceTransformer': return { kind, k: { namespace: String(meta.namespace ?? '') }, fieldSpecs: fs };
    case 'PrefixSuffixTransformer': case 'PrefixTransformer': case 'SuffixTransformer':
      return { kind, k: { namePrefix: c.prefix as string | undefined, nameSuffix: c.suffix as string | undefined }, fieldSpecs: fs };
    case 'LabelTransformer': return { kind, k: { commonLabels: strMap(c.labels) }, fieldSpecs: fs };
    case 'AnnotationsTransformer': return { kind, k: { commonAnnotations: strMap(c.annotations) }, fieldSpecs: fs };
    case 'ImageTagTransformer': return { kind, k: { images: isObj(c.imageTag) ? [c.imageTag as never] : [] }, fieldSpecs: fs };
    case 'ReplicaCountTransformer': return { kind, k: { replicas: isObj(c.replica) ? [c.replica as never] : [] }, fieldSpecs: fs };
    case 'PatchTransformer': return { kind, k: { patches: [c as unknown as PatchSpec] }, fieldSpecs: fs };
    case 'PatchJson6902Transformer': {
      const p: PatchSpec = { path: c.path as string | undefined, patch: typeof c.jsonOp === 'string' ? c.jsonOp : undefined, target: c.target as never };
      return { kind, k: { patchesJson6902: [p] }, fieldSpecs: fs };
    }
    case 'PatchStrategicMergeTransformer': {
      const list = [...(Array.isArray(c.paths) ? c.paths : []), ...(typeof c.patches === 'string' ? [c.patches] : [])];
      return { kind, k: { patchesStrategicMerge: list.map(String) }, fieldSpecs: fs };
    }
    case 'ReplacementTransformer': return { kind, k: { replacements: (Array.isArray(c.replacements) ? c.replacements : []) as never }, fieldSpecs: fs };
    default: throw fieldError(file, field, `${kind} is not a transformer`);
  }
}

/** The ServiceAccount an IAMPolicyGenerator makes (kustomize supports cloud "gke" only). */
export function iamPolicyObject(c: Obj, file: string, field: string): Obj {
  if (c.cloud !== 'gke') throw fieldError(file, `${field}.cloud`, `cloud provider ${String(c.cloud)} not supported yet`);
  const ksa = isObj(c.kubernetesService) ? c.kubernetesService : {};
  const gsa = isObj(c.serviceAccount) ? c.serviceAccount : {};
  const meta: Obj = {
    annotations: { 'iam.gke.io/gcp-service-account': `${String(gsa.name ?? '')}@${String(gsa.projectId ?? '')}.iam.gserviceaccount.com` },
    name: String(ksa.name ?? ''),
  };
  if (typeof ksa.namespace === 'string' && ksa.namespace) meta.namespace = ksa.namespace;
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta };
}

/** True for the kinds that generate. */
export function isGeneratorKind(kind: unknown): kind is 'ConfigMapGenerator' | 'SecretGenerator' {
  return kind === 'ConfigMapGenerator' || kind === 'SecretGenerator';
}

/** The accumulator view a plan runs with: its own field specs in place of the defaults. */
export function planConfig(acc: Accumulator, plan: TransformerPlan): Accumulator['config'] {
  const c = acc.config;
  const fs = plan.fieldSpecs;
  return {
    ...c, namespace: fs, namePrefix: fs, nameSuffix: fs, commonLabels: fs, commonAnnotations: fs, images: fs, replicas: fs,
    templateLabels: [], labels: fs,
  };
}
