// A kustomization's transformers, in kustomize's fixed order whatever the order of the fields:
// legacy strategic merge patches, patches, namespace, prefix, suffix, labels, annotations, legacy
// JSON 6902 patches, replicas, images, replacements. Each configured one is recorded for
// buildMetadata's transformerAnnotations.
import { applyImage } from './images.js';
import { mergeSpecs } from './transformer-config.js';
import { applyMapEntries } from './metadata-maps.js';
import { applyNameAffix } from './names.js';
import { applyNamespace } from './namespace.js';
import { pluginConfigOrigin, pluginOrigin, recordTransformation } from './origin.js';
import { applyLegacySmp, applyPatchEntry } from './patches.js';
import { applyReplacements, loadReplacements } from './replacements.js';
import { applyReplicas } from './replicas.js';
import type { Accumulator, Target } from './target.js';
import { planConfig, transformerPlan, type PluginConfig } from './builtin-plugins.js';
import { applyValueAdd } from './value-add.js';

interface Step { kind: string; run: () => Promise<void> | void }

function labelSteps(t: Target, acc: Accumulator): Step[] {
  const k = t.k;
  if (!k.labels?.length && !Object.keys(k.commonLabels ?? {}).length) return [];
  const cfg = acc.config;
  const steps: Step[] = (k.labels ?? []).map((l, i) => {
    let specs = mergeSpecs(l.fields ?? [], cfg.labels);
    if (l.includeSelectors) specs = mergeSpecs(specs, cfg.commonLabels);
    else {
      if (l.includeTemplates) specs = mergeSpecs(specs, cfg.templateLabels);
      specs = mergeSpecs(specs, [{ path: 'metadata/labels', create: true }]);
    }
    return { kind: 'LabelTransformer', run: () => applyMapEntries(acc.resMap, l.pairs ?? {}, specs, t.file, `labels[${i}]`) };
  });
  steps.push({ kind: 'LabelTransformer', run: () => applyMapEntries(acc.resMap, k.commonLabels ?? {}, cfg.commonLabels, t.file, 'commonLabels') });
  return steps;
}

function steps(t: Target, acc: Accumulator): Step[] {
  const k = t.k, m = acc.resMap, cfg = acc.config;
  const out: Step[] = [];
  if (k.patchesStrategicMerge?.length) out.push({ kind: 'PatchStrategicMergeTransformer', run: () => applyLegacySmp(t, m) });
  (k.patches ?? []).forEach((p, i) => out.push({ kind: 'PatchTransformer', run: () => applyPatchEntry(t, m, p, `patches[${i}]`) }));
  if (k.namespace) out.push({ kind: 'NamespaceTransformer', run: () => applyNamespace(m, k.namespace as string, cfg, t.file) });
  if (k.namePrefix) out.push({ kind: 'PrefixTransformer', run: () => applyNameAffix(m, k.namePrefix as string, cfg.namePrefix, 'prefix') });
  if (k.nameSuffix) out.push({ kind: 'SuffixTransformer', run: () => applyNameAffix(m, k.nameSuffix as string, cfg.nameSuffix, 'suffix') });
  out.push(...labelSteps(t, acc));
  if (Object.keys(k.commonAnnotations ?? {}).length) {
    out.push({ kind: 'AnnotationsTransformer', run: () => applyMapEntries(m, k.commonAnnotations ?? {}, cfg.commonAnnotations, t.file, 'commonAnnotations') });
  }
  (k.patchesJson6902 ?? []).forEach((p, i) => out.push({ kind: 'PatchJson6902Transformer', run: () => applyPatchEntry(t, m, p, `patchesJson6902[${i}]`) }));
  (k.replicas ?? []).forEach((r, i) => out.push({
    kind: 'ReplicaCountTransformer', run: () => applyReplicas(m, r.name ?? '', r.count ?? 0, cfg.replicas, t.file, `replicas[${i}]`),
  }));
  (k.images ?? []).forEach((img) => out.push({ kind: 'ImageTagTransformer', run: () => applyImage(m, img, cfg.images) }));
  if (k.replacements?.length) {
    out.push({ kind: 'ReplacementTransformer', run: async () => applyReplacements(m, await loadReplacements(t)) });
  }
  return out;
}


/** Runs a target's transformers over its accumulator: its fields, then its `transformers:` entries. */
export async function runTransformers(t: Target, acc: Accumulator, plugins: PluginConfig[] = []): Promise<void> {
  for (const step of steps(t, acc)) {
    await step.run();
    recordTransformation(acc.resMap.list, pluginOrigin(t, step.kind));
    acc.resMap.compact();
  }
  for (const c of plugins) {
    if (c.obj.kind === 'ValueAddTransformer') {
      await applyValueAdd(t, acc.resMap, c.obj, c.file, c.field);
      recordTransformation(acc.resMap.list, pluginConfigOrigin(t, c));
      acc.resMap.compact();
      continue;
    }
    const plan = transformerPlan(c.obj, c.file, c.field);
    const view = { ...t, k: { ...plan.k, kind: t.k.kind } };
    for (const step of steps(view, { ...acc, config: planConfig(acc, plan) })) {
      await step.run();
      recordTransformation(acc.resMap.list, pluginConfigOrigin(t, c));
      acc.resMap.compact();
    }
  }
}
