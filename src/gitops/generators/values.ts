import { setParam, type Params } from '../params.js';
import { renderString, type TemplateMode } from '../template/index.js';
import { objectField } from './types.js';

/** A generator's `values` field: string values only (ArgoCD's `map[string]string`). */
export function readValues(body: Record<string, unknown>, where: string): Record<string, string> {
  if (body.values === undefined || body.values === null) return {};
  const values = objectField(body.values, `${where}.values`);
  for (const [k, v] of Object.entries(values)) if (typeof v !== 'string') throw new Error(`${where}.values.${k}: expected a string`);
  return values as Record<string, string>;
}

/**
 * Adds a generator's `values` to its parameters as ArgoCD's appendTemplatedValues does: each value
 * is templated against the parameters without any values (so a value never reads another), then all
 * are added at once, as `values.<key>` with `goTemplate: false` and as the map `values` with
 * `goTemplate: true`. An empty `values` adds nothing.
 */
export function appendTemplatedValues(values: Record<string, string>, params: Params, mode: TemplateMode, where: string): void {
  const keys = Object.keys(values);
  if (!keys.length) return;
  const rendered: Record<string, string> = {};
  for (const k of keys) {
    try {
      setParam(rendered, k, renderString(values[k], params, mode), `${where}.values`);
    } catch (err) {
      throw new Error(`${where}.values.${k}: ${(err as Error).message}`, { cause: err });
    }
  }
  if (mode.goTemplate) params.values = rendered;
  else for (const k of keys) params[`values.${k}`] = rendered[k];
}
