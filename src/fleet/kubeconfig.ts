import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import YAML from 'yaml';

/** A client identity by certificate files, embedded into the kubeconfig. */
export interface KubeconfigEntry {
  context: string;
  server: string;
  caFile: string;
  certFile: string;
  keyFile: string;
}

interface Named<T> { name: string; [k: string]: unknown; value?: T }
interface KubeconfigDoc {
  apiVersion: string;
  kind: string;
  clusters: Array<Named<unknown>>;
  users: Array<Named<unknown>>;
  contexts: Array<Named<unknown>>;
  'current-context'?: string;
  [k: string]: unknown;
}

/** Builds a kubeconfig document for the entries, with certificates embedded. */
export function buildKubeconfig(entries: KubeconfigEntry[], current?: string): KubeconfigDoc {
  const b64 = (path: string) => readFileSync(path).toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: entries.map((e) => ({ name: e.context, cluster: { server: e.server, 'certificate-authority-data': b64(e.caFile) } })),
    users: entries.map((e) => ({ name: `${e.context}-admin`, user: { 'client-certificate-data': b64(e.certFile), 'client-key-data': b64(e.keyFile) } })),
    contexts: entries.map((e) => ({ name: e.context, context: { cluster: e.context, user: `${e.context}-admin` } })),
    'current-context': current ?? entries[0]?.context,
  };
}

/** Writes a kubeconfig file atomically, readable by the owner only. */
export async function writeKubeconfig(path: string, doc: KubeconfigDoc): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, YAML.stringify(doc), { mode: 0o600 });
  await rename(tmp, path);
}

/**
 * Merges the entries into an existing kubeconfig (the user's ~/.kube/config): contexts of the
 * same names are replaced, everything else is kept. The current context is set only if none was.
 */
export async function mergeIntoKubeconfig(path: string, doc: KubeconfigDoc): Promise<void> {
  let existing: KubeconfigDoc = { apiVersion: 'v1', kind: 'Config', clusters: [], users: [], contexts: [] };
  if (existsSync(path)) {
    const parsed = YAML.parse(await readFile(path, 'utf8')) as KubeconfigDoc | null;
    if (parsed) existing = { ...existing, ...parsed, clusters: parsed.clusters ?? [], users: parsed.users ?? [], contexts: parsed.contexts ?? [] };
  }
  const replace = (into: Array<Named<unknown>>, from: Array<Named<unknown>>) => [...into.filter((x) => !from.some((y) => y.name === x.name)), ...from];
  existing.clusters = replace(existing.clusters, doc.clusters);
  existing.users = replace(existing.users, doc.users);
  existing.contexts = replace(existing.contexts, doc.contexts);
  if (!existing['current-context']) existing['current-context'] = doc['current-context'];
  await writeKubeconfig(path, existing);
}
