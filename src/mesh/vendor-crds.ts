import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { applyCrds } from '../clusters/install.js';
import type { KubeClient } from '../kube/client.js';

/** The CRD files kept in the repository as data (see data/crds/ and ADR 0010). */
export const VENDOR_CRDS = {
  istio: 'istio-1.22.8.yaml',
  externalSecrets: 'external-secrets-0.16.2.yaml',
} as const;

type Json = Record<string, unknown>;

/** Reads one vendored CRD file: every CustomResourceDefinition in it. */
export async function loadVendorCrds(file: (typeof VENDOR_CRDS)[keyof typeof VENDOR_CRDS]): Promise<Json[]> {
  const path = fileURLToPath(new URL(`../../data/crds/${file}`, import.meta.url));
  const docs = parseAllDocuments(await readFile(path, 'utf8')).map((d) => d.toJS() as Json | null);
  return docs.filter((d): d is Json => !!d && d.kind === 'CustomResourceDefinition');
}

/** Schema keywords that servers before Kubernetes 1.25 do not know (server-side apply refuses unknown fields). */
const NEWER_KEYWORDS = ['x-kubernetes-validations'];

/** A copy of a CRD without the schema keywords (and empty-string defaults) an older server would refuse. */
export function forServer(crd: Json, minor: number): Json {
  if (minor >= 25) return crd;
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (!v || typeof v !== 'object') return v;
    // 1.20 also reads `default: ""` as null and refuses it ("must be of type string"): drop empty-string defaults there.
    return Object.fromEntries(Object.entries(v as Json).filter(([k, x]) => !NEWER_KEYWORDS.includes(k) && !(k === 'default' && x === '')).map(([k, x]) => [k, strip(x)]));
  };
  return strip(crd) as Json;
}

/** Installs a vendored CRD set into a cluster and waits until every CRD is Established. */
export async function installVendorCrds(client: KubeClient, file: (typeof VENDOR_CRDS)[keyof typeof VENDOR_CRDS]): Promise<string[]> {
  const minor = Number.parseInt((await client.version()).minor, 10) || 0;
  return applyCrds(client, (await loadVendorCrds(file)).map((c) => forServer(c, minor)), 60_000);
}
