// Accumulating a kustomization, in kustomize's order: its resources (files, and directories built
// as their own targets), its configurations, its generators, its components (which work on this
// target's accumulator), then its transformers; finally its vars.
import { KustomizeError, messageOf } from './errors.js';
import { runGenerators } from './generators.js';
import { loadKustomization } from './kustomization.js';
import type { Loader } from './loader.js';
import { joinOrigin, pluginConfigOrigin } from './origin.js';
import { resourcesFromText } from './resources.js';
import { emptyAccumulator, type Accumulator, type Target } from './target.js';
import { loadConfigurations, mergeConfig, overlayConfig } from './transformer-config.js';
import { runTransformers } from './transformers.js';
import { bindVars, mergeVars } from './vars.js';
import { ResMap } from './resmap.js';
import { generatorSpec, iamPolicyObject, isGeneratorKind, loadPluginConfigs } from './builtin-plugins.js';
import { Resource } from './resource.js';
import { runGeneratorJobs } from './generators.js';
import { loadCrdConfig } from './crds.js';
import type { Obj } from './values.js';
import { adoptOpenApi } from './openapi-field.js';
import { OpenApiState } from './openapi-state.js';

/** Loads the target of a directory; undefined when it holds no kustomization file. */
export async function loadTarget(ldr: Loader, parent?: Target, relPath?: string): Promise<Target | undefined> {
  const loaded = await loadKustomization(ldr);
  if (!loaded) return undefined;
  const file = loaded.file;
  const fileName = file.split('/').pop() ?? file;
  const buildMetadata = parent ? parent.buildMetadata : (loaded.k.buildMetadata ?? []);
  let originPath: string | undefined;
  if (parent) originPath = parent.originPath === undefined ? undefined : joinOrigin(parent.originPath, relPath ?? '');
  else originPath = buildMetadata.length > 0 ? '' : undefined;
  return { ldr, k: loaded.k, file, fileName, buildMetadata, originPath, openapi: parent?.openapi ?? new OpenApiState() };
}

async function accumulateFile(t: Target, acc: Accumulator, path: string): Promise<void> {
  const text = await t.ldr.readFile(path, 'resources');
  const file = t.ldr.display(path);
  for (const r of resourcesFromText(text, file)) {
    if (t.originPath !== undefined) r.origin = { path: joinOrigin(t.originPath, path) };
    t.openapi.noteType(r.apiVersion, r.kind);
    acc.resMap.append(r, t.file);
  }
}

async function accumulateDirectory(t: Target, acc: Accumulator, path: string, real: string, isComponent: boolean): Promise<Accumulator> {
  const ldr = t.ldr.child(real);
  const sub = await loadTarget(ldr, t, path);
  const field = isComponent ? 'components' : 'resources';
  if (!sub) throw new KustomizeError(t.file, `field "${field}": directory "${ldr.display('.')}" has no kustomization file`);
  await adoptOpenApi(sub, false);
  if (isComponent && sub.k.kind !== 'Component') throw new KustomizeError(sub.file, `expected kind Component (it is listed under components of ${t.file})`);
  if (!isComponent && sub.k.kind === 'Component') throw new KustomizeError(sub.file, `a Component must be listed under components, not resources (in ${t.file})`);
  if (isComponent) return accumulateTarget(sub, acc);
  const subAcc = await sharedBuild(sub);
  acc.resMap.appendAll(subAcc.resMap, t.file);
  acc.config = mergeConfig(acc.config, subAcc.config);
  acc.vars = mergeVars(acc.vars, subAcc.vars, t.file);
  return acc;
}

// A resource directory builds the same whatever includes it (same directory, root, origin
// settings and schema state), so one revision builds it once; each includer gets its own deep
// copy and the schema state the build left.
async function sharedBuild(sub: Target): Promise<Accumulator> {
  const key = [sub.ldr.repoRoot, sub.ldr.dir, sub.originPath ?? '\0', sub.buildMetadata.join(','), sub.openapi.fingerprint()].join('\n');
  let built = sub.ldr.cache.builds.get(key);
  if (!built) {
    built = accumulateTarget(sub, emptyAccumulator()).then((acc) => ({ acc, openapi: sub.openapi.snapshot() }));
    sub.ldr.cache.builds.set(key, built);
  }
  const { acc, openapi } = await built;
  sub.openapi.restore(openapi);
  return cloneAccumulator(acc);
}

function cloneAccumulator(a: Accumulator): Accumulator {
  return { resMap: new ResMap(a.resMap.list.map((r) => r.copy())), config: a.config, vars: structuredClone(a.vars) };
}

// A directory in generators:/transformers: is built; its objects are the configurations.
function buildConfigs(t: Target): (real: string, path: string) => Promise<Obj[]> {
  return async (real, path) => {
    const sub = await loadTarget(t.ldr.child(real), t, path);
    if (!sub) throw new KustomizeError(t.file, `directory "${path}" has no kustomization file`);
    return (await sharedBuild(sub)).resMap.list.map((r) => r.obj);
  };
}

async function accumulateResources(t: Target, acc: Accumulator): Promise<Accumulator> {
  for (const [i, path] of (t.k.resources ?? []).entries()) {
    if (/^[a-z]+:\/\//i.test(path) || path.startsWith('git@')) {
      throw new KustomizeError(t.file, `field "resources[${i}]": remote resource "${path}" is not supported`);
    }
    const real = await t.ldr.locate(path);
    if (!real) throw new KustomizeError(t.file, `field "resources[${i}]": "${path}" does not exist (${t.ldr.display(path)})`);
    try {
      if (await t.ldr.isDirectory(real)) acc = await accumulateDirectory(t, acc, path, real, false);
      else await accumulateFile(t, acc, path);
    } catch (err) {
      if (err instanceof KustomizeError && err.file !== t.file) throw err;
      throw new KustomizeError(t.file, `field "resources[${i}]" ("${path}"): ${messageOf(err).replace(`${t.file}: `, '')}`, { cause: err });
    }
  }
  return acc;
}

async function accumulateComponents(t: Target, acc: Accumulator): Promise<Accumulator> {
  for (const [i, path] of (t.k.components ?? []).entries()) {
    const real = await t.ldr.locate(path);
    if (!real) throw new KustomizeError(t.file, `field "components[${i}]": "${path}" does not exist`);
    if (!(await t.ldr.isDirectory(real))) throw new KustomizeError(t.file, `field "components[${i}]": "${path}" is not a directory`);
    acc = await accumulateDirectory(t, acc, path, real, true);
  }
  return acc;
}

/** Builds a target into an accumulator (kustomize's accumulateTarget). */
export async function accumulateTarget(t: Target, acc: Accumulator): Promise<Accumulator> {
  acc = await accumulateResources(t, acc);
  if (t.k.configurations?.length) acc.config = overlayConfig(acc.config, await loadConfigurations(t.ldr, t.k.configurations));
  if (t.k.crds?.length) acc.config = mergeConfig(acc.config, await loadCrdConfig(t.ldr, t.k.crds));
  await runGenerators(t, acc);
  for (const c of await loadPluginConfigs(t, 'generators', buildConfigs(t))) {
    t.openapi.noteType(String(c.obj.apiVersion ?? ''), String(c.obj.kind ?? ''));
    if (c.obj.kind === 'IAMPolicyGenerator') {
      acc.resMap.append(new Resource(iamPolicyObject(c.obj, t.file, c.field)), t.file);
      continue;
    }
    if (!isGeneratorKind(c.obj.kind)) throw new KustomizeError(t.file, `field "${c.field}": ${String(c.obj.kind)} is not a generator`);
    await runGeneratorJobs(t, acc, [[generatorSpec(c.obj), c.obj.kind === 'SecretGenerator' ? 'Secret' : 'ConfigMap', c.field, pluginConfigOrigin(t, c)]]);
  }
  acc = await accumulateComponents(t, acc);
  await runTransformers(t, acc, await loadPluginConfigs(t, 'transformers', buildConfigs(t)));
  acc.vars = mergeVars(acc.vars, t.k.vars ?? [], t.file);
  bindVars(acc.resMap, t.k.vars ?? [], t.file);
  return acc;
}
