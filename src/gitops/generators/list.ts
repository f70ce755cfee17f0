import type { Params } from '../params.js';
import { listField, objectField, type GeneratorFn } from './types.js';

/** The list generator: each element is one parameter set. */
export const listGenerator: GeneratorFn = async (spec, _ctx, where) => {
  const body = objectField(spec, where);
  return listField(body, 'elements', where).map((e, i) => ({ ...objectField(e, `${where}.elements[${i}]`) }) as Params);
};
