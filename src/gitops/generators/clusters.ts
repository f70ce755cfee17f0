import type { Params } from '../params.js';
import { compileSelector } from '../selector.js';
import { sanitizeName } from '../template/argocd.js';
import type { TemplateMode } from '../template/index.js';
import { objectField, type ClusterInfo, type GeneratorFn } from './types.js';
import { appendTemplatedValues, readValues } from './values.js';

/**
 * The parameters of one cluster, in ArgoCD's names: `name`, `nameNormalized`, `server`, `project`
 * (Meridian's clusters belong to no project: always empty, as for an ArgoCD cluster Secret without
 * one) and the cluster's labels and annotations, flat (`metadata.labels.<key>`) with
 * `goTemplate: false`, or under `metadata`, each map only when it has entries, with `goTemplate: true`.
 */
export function clusterParams(c: ClusterInfo, mode: TemplateMode): Params {
  const params: Params = { name: c.name, nameNormalized: sanitizeName(c.name), server: c.server, project: '' };
  if (mode.goTemplate) {
    const metadata: Params = {};
    if (Object.keys(c.annotations).length) metadata.annotations = { ...c.annotations };
    if (Object.keys(c.labels).length) metadata.labels = { ...c.labels };
    params.metadata = metadata;
  } else {
    for (const [k, v] of Object.entries(c.annotations)) params[`metadata.annotations.${k}`] = v;
    for (const [k, v] of Object.entries(c.labels)) params[`metadata.labels.${k}`] = v;
  }
  return params;
}

/**
 * The clusters generator: one parameter set per registered member whose labels match the selector
 * (sorted by name), plus `values` templated from each cluster's parameters; with `flatList: true`
 * a single set `{clusters: [...]}`. ArgoCD's implicit `in-cluster` (the cluster ArgoCD runs in) has
 * no counterpart: Meridian deploys only to registered members, never to the hub.
 */
export const clustersGenerator: GeneratorFn = async (spec, ctx, where) => {
  const body = objectField(spec ?? {}, where);
  const matches = compileSelector(body.selector, `${where}.selector`, { labelValues: true });
  const values = readValues(body, where);
  const out: Params[] = [];
  for (const c of [...ctx.clusters].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (!matches(c.labels)) continue;
    const params = clusterParams(c, ctx.mode);
    appendTemplatedValues(values, params, ctx.mode, where);
    out.push(params);
  }
  if (body.flatList !== undefined && typeof body.flatList !== 'boolean') throw new Error(`${where}.flatList: expected a boolean`);
  return body.flatList ? [{ clusters: out }] : out;
};
