// buildMetadata: where each resource came from (config.kubernetes.io/origin) and which
// transformers touched it (alpha.config.kubernetes.io/transformations), printed as kyaml does.
import { posix, relative } from 'node:path';
import type { PluginConfig } from './builtin-plugins.js';
import type { Origin, Resource } from './resource.js';
import type { Target } from './target.js';
import { isObj } from './values.js';

/** Annotation keys kustomize uses for buildMetadata. */
export const ORIGIN_ANNOTATION = 'config.kubernetes.io/origin';
export const TRANSFORMATIONS_ANNOTATION = 'alpha.config.kubernetes.io/transformations';

/** Joins origin paths like Go's filepath.Join (cleaned, '' parts skipped). */
export function joinOrigin(...parts: string[]): string {
  const kept = parts.filter((p) => p !== '');
  return kept.length ? posix.normalize(posix.join(...kept)).replace(/\/$/, '') : '';
}

/** The origin of a builtin generator or transformer configured in this target. */
export function pluginOrigin(t: Target, kind: string): Origin | undefined {
  if (t.originPath === undefined) return undefined;
  return { configuredIn: joinOrigin(t.originPath, t.fileName), configuredBy: { apiVersion: 'builtin', kind } };
}

/** The origin of a builtin plugin configured by an entry of `generators:`/`transformers:` (inline or a file). */
export function pluginConfigOrigin(t: Target, c: PluginConfig): Origin | undefined {
  if (t.originPath === undefined) return undefined;
  const meta = isObj(c.obj.metadata) ? c.obj.metadata : {};
  const by = { apiVersion: 'builtin', kind: String(c.obj.kind), name: meta.name as string | undefined, namespace: meta.namespace as string | undefined };
  return { configuredIn: joinOrigin(t.originPath, c.file === t.file ? t.fileName : relative(t.ldr.display('.'), c.file)), configuredBy: by };
}

/** Records that a transformer ran over these resources (kustomize's AddTransformerAnnotation). */
export function recordTransformation(resources: Resource[], origin: Origin | undefined): void {
  if (!origin) return;
  for (const r of resources) {
    if (r.origin) r.transformations.push(origin);
    else r.origin = origin;
  }
}

function originLines(o: Origin, indent: string, first: string): string[] {
  const lines: string[] = [];
  const add = (text: string): void => {
    lines.push((lines.length === 0 ? first : indent) + text);
  };
  if (o.path) add(`path: ${o.path}`);
  if (o.configuredIn) add(`configuredIn: ${o.configuredIn}`);
  if (o.configuredBy) {
    add('configuredBy:');
    const by = o.configuredBy;
    lines.push(`${indent}  apiVersion: ${by.apiVersion}`, `${indent}  kind: ${by.kind}`);
    if (by.name) lines.push(`${indent}  name: ${by.name}`);
    if (by.namespace) lines.push(`${indent}  namespace: ${by.namespace}`);
  }
  return lines;
}

/** The origin annotation's value. */
export function originText(o: Origin): string {
  return originLines(o, '', '').join('\n') + '\n';
}

/** The transformations annotation's value. */
export function transformationsText(list: Origin[]): string {
  return list.map((o) => originLines(o, '  ', '- ').join('\n')).join('\n') + '\n';
}
