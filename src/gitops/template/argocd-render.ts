/** Go templates exactly as ArgoCD's ApplicationSet controller runs them (template "base", Sprig + ArgoCD functions). */
import { ARGOCD_FUNCS } from './argocd.js';
import type { FuncMap } from './go/funcmap.js';
import { toGo } from './go/value.js';
import { SPRIG_FUNCS } from './sprig/index.js';
import { parseTemplateOptions, TemplateSet } from './template-set.js';

/** The function registries ArgoCD layers over Go's builtins, in order. */
export const ARGOCD_FUNC_MAPS: readonly FuncMap[] = [SPRIG_FUNCS, ARGOCD_FUNCS];

/** Renders one template text with ArgoCD's Replace(): parse as "base" with the options, execute on the params. */
export function renderGoTemplate(text: string, params: unknown, goTemplateOptions?: readonly string[]): string {
  const set = new TemplateSet([...ARGOCD_FUNC_MAPS], parseTemplateOptions(goTemplateOptions));
  set.parse('base', text);
  return set.execute('base', toGo(params ?? {}));
}
