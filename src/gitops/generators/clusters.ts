import type { LabelSelector } from '../../api/common.js';
import { normalizeName, type Params } from '../params.js';
import { matchesSelector } from '../selector.js';
import { renderValue } from '../template/index.js';
import { objectField, type GeneratorFn } from './types.js';

/**
 * The clusters generator: one parameter set per registered member whose labels match the selector,
 * with `name`, `nameNormalized`, `server`, `metadata.labels.<k>`, `metadata.annotations.<k>` and
 * `values.<k>` (values may themselves use the cluster's parameters).
 */
export const clustersGenerator: GeneratorFn = async (spec, ctx, where) => {
  const body = objectField(spec ?? {}, where);
  const selector = body.selector === undefined ? undefined : (objectField(body.selector, `${where}.selector`) as LabelSelector);
  const values = body.values === undefined ? {} : objectField(body.values, `${where}.values`);
  const out: Params[] = [];
  for (const c of [...ctx.clusters].sort((a, b) => a.name.localeCompare(b.name))) {
    if (!matchesSelector(c.labels, selector)) continue;
    const params: Params = {
      name: c.name, nameNormalized: normalizeName(c.name), server: c.server,
      metadata: { labels: { ...c.labels }, annotations: { ...c.annotations } },
    };
    params.values = renderValue(values, params, ctx.mode, `${where}.values`);
    out.push(params);
  }
  return out;
};
