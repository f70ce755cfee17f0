import type { KubeObject } from '../kube/types.js';

/** Application annotation that lets its repository carry Secrets with data (values are then synced as-is). */
export const ALLOW_SECRETS_ANNOTATION = 'meridian.dev/allow-secrets-in-git';

/** What the hygiene check needs of an Application. */
export interface AppLike {
  metadata?: { name?: string; annotations?: Record<string, string> };
}

function hasValues(o: KubeObject): boolean {
  const filled = (v: unknown) => !!v && typeof v === 'object' && Object.keys(v).length > 0;
  return filled(o.data) || filled(o.stringData);
}

/**
 * Git hygiene: a `kind: Secret` with `data` or `stringData` rendered from a repository is refused
 * unless the Application carries `meridian.dev/allow-secrets-in-git: "true"`. Returns the
 * objects unchanged when allowed or clean; otherwise throws an error that names the Secrets and
 * their keys (never their values) and says how to fix it: an ExternalSecret per region.
 */
export function checkSecretsInGit<T extends KubeObject>(app: AppLike, objects: T[]): T[] {
  if (app.metadata?.annotations?.[ALLOW_SECRETS_ANNOTATION] === 'true') return objects;
  const offending = objects.filter((o) => o.kind === 'Secret' && (o.apiVersion ?? 'v1') === 'v1' && hasValues(o));
  if (!offending.length) return objects;
  const names = offending.map((o) => `${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name} (keys ${Object.keys({ ...(o.data as object), ...(o.stringData as object) }).join(', ')})`);
  throw new Error(`SecretInGit: the repository holds Secret ${names.join(', ')} with data; not synced. Keep values in each region's store (an ExternalSecret), or annotate the Application ${ALLOW_SECRETS_ANNOTATION}: "true"`);
}
