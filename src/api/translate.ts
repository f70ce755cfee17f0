import type { KubeObject } from '../kube/types.js';
import { translateArgoApplication, translateArgoApplicationSet } from './translate-argocd.js';
import { translateGslb } from '../traffic/k8gb.js';

/** Turns an object of another project's API into Meridian objects (errors name the object and field). */
export type Translator = (obj: KubeObject) => KubeObject[];

/**
 * What `meridian apply -f` accepts besides Meridian's own kinds, by `apiVersion/kind`. Each
 * capability adds its translation here with one line (e.g. k8gb `Gslb` -> GlobalService).
 */
export const TRANSLATIONS: Record<string, Translator> = {
  'argoproj.io/v1alpha1/ApplicationSet': translateArgoApplicationSet,
  'argoproj.io/v1alpha1/Application': translateArgoApplication,
  'k8gb.absa.oss/v1beta1/Gslb': translateGslb,
  'k8gb.io/v1beta1/Gslb': translateGslb,
};

/** Adds a translation at run time (tests, plugins); the static table above is the usual place. */
export function registerTranslation(apiVersion: string, kind: string, fn: Translator): void {
  TRANSLATIONS[`${apiVersion}/${kind}`] = fn;
}

/** Translates one object if a translation is registered for its kind; anything else passes through unchanged. */
export function translateObject(obj: KubeObject): KubeObject[] {
  const key = `${obj.apiVersion}/${obj.kind}`;
  return Object.hasOwn(TRANSLATIONS, key) ? TRANSLATIONS[key](obj) : [obj];
}
