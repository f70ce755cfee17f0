import { fromGo } from '../template/go/value.js';
import { fromYaml } from '../template/go/yaml.js';
import { setParam, type Params } from '../params.js';
import { listField, objectField, type GeneratorFn } from './types.js';

/**
 * One list element as ArgoCD's list generator reads it: as written with `goTemplate: true`; with
 * `goTemplate: false` every value must be a string, except `values`, a map of strings that becomes
 * `values.<key>`.
 */
function elementParams(element: unknown, goTemplate: boolean, where: string): Params {
  const e = objectField(element, where);
  if (goTemplate) return { ...e };
  const params: Params = {};
  for (const [k, v] of Object.entries(e)) {
    if (k === 'values') {
      const values = objectField(v, `${where}.values`);
      for (const [vk, vv] of Object.entries(values)) {
        if (typeof vv !== 'string') throw new Error(`${where}.values.${vk}: expected a string (goTemplate: false takes string values only)`);
        params[`values.${vk}`] = vv;
      }
    } else if (typeof v !== 'string') {
      throw new Error(`${where}.${k}: expected a string (goTemplate: false takes string values only; use goTemplate: true for other values)`);
    } else setParam(params, k, v, where);
  }
  return params;
}

/**
 * `elementsYaml`: a YAML (or JSON) list of maps, read as sigs.k8s.io/yaml reads it, appended after
 * `elements` as is in both template modes. Usually templated by a matrix from the other child's
 * parameters (`elementsYaml: "{{ .key.components | toJson }}"`).
 */
function yamlElements(text: string, where: string): Params[] {
  let parsed: unknown;
  try {
    parsed = fromGo(fromYaml(text), where);
  } catch (err) {
    throw new Error(`${where}: error unmarshaling decoded ElementsYaml: ${(err as Error).message}`, { cause: err });
  }
  if (parsed === null) return [];
  if (!Array.isArray(parsed)) throw new Error(`${where}: error unmarshaling decoded ElementsYaml: expected a list of maps`);
  return parsed.map((e, i) => ({ ...objectField(e, `${where}[${i}]`) }));
}

/** The list generator: each element of `elements`, then of `elementsYaml`, is one parameter set. */
export const listGenerator: GeneratorFn = async (spec, ctx, where) => {
  const body = objectField(spec, where);
  const out = listField(body, 'elements', where).map((e, i) => elementParams(e, ctx.mode.goTemplate, `${where}.elements[${i}]`));
  if (body.elementsYaml !== undefined && body.elementsYaml !== null && body.elementsYaml !== '') {
    if (typeof body.elementsYaml !== 'string') throw new Error(`${where}.elementsYaml: expected a string`);
    out.push(...yamlElements(body.elementsYaml, `${where}.elementsYaml`));
  }
  return out;
};
