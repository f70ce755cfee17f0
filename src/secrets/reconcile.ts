import { KubeClient } from '../kube/client.js';
import type { KubeObject } from '../kube/types.js';
import type { Logger } from '../util/log.js';
import { parseGoDuration } from './duration.js';
import { esStatus, type ExternalSecretStatus } from './es-status.js';
import { fetchKubernetesValues, RemoteKeyMissing, type ExternalSecretSpec } from './provider-kubernetes.js';
import { IN_CLUSTER_URL } from './stores.js';
import { applyDeletionPolicy, writeTarget } from './target.js';

/** ESO's API version Meridian reads. */
export const ESO_API_VERSION = 'external-secrets.io/v1';
const DEFAULT_REFRESH_MS = 3_600_000;

/** A member as the secrets controller uses it. */
export interface SecretsMember {
  name: string;
  client: KubeClient;
  /** API server URL and CA Meridian uses for the member (the store's in-cluster URL maps to these). */
  server: string;
  caPem: string;
}

interface ExternalSecret extends KubeObject { spec: ExternalSecretSpec; status?: ExternalSecretStatus }
interface Store extends KubeObject { spec?: { provider?: { kubernetes?: { remoteNamespace?: string; server?: { url?: string; caBundle?: string }; auth?: { token?: { bearerToken?: { name: string; key: string; namespace?: string } } } } } } }

/**
 * One pass over one ExternalSecret whose store uses the Kubernetes provider: read the values with
 * the store's own token, write the target Secret by creationPolicy, handle vanished keys by
 * deletionPolicy, record status as ESO does. Returns when to come back (refreshInterval), or
 * undefined when the ExternalSecret is gone or not ours (another provider: ESO's own job).
 */
export async function reconcileExternalSecret(m: SecretsMember, namespace: string, name: string, log: Logger): Promise<number | undefined> {
  const es = await m.client.get<ExternalSecret>(ESO_API_VERSION, 'ExternalSecret', name, namespace);
  if (!es || es.metadata?.deletionTimestamp) return undefined;
  const target = es.spec.target?.name ?? name;
  const refresh = refreshMs(es, `ExternalSecret ${namespace}/${name} spec.refreshInterval`);
  const ref = es.spec.secretStoreRef;
  const kind = ref?.kind ?? 'SecretStore';
  const store = ref ? await m.client.get<Store>(ESO_API_VERSION, kind, ref.name, kind === 'SecretStore' ? namespace : undefined) : undefined;
  const provider = store?.spec?.provider?.kubernetes;
  if (store && !provider) return undefined;
  const finish = async (ok: boolean, reason: 'SecretSynced' | 'SecretSyncedError' | 'SecretDeleted', message: string) => {
    await m.client.mergePatch(ESO_API_VERSION, 'ExternalSecret', name, namespace, { status: esStatus(es, { ok, reason, message, target }) }, 'status');
    log.info({ cluster: m.name, externalSecret: `${namespace}/${name}`, reason }, 'external secret reconciled');
    return refresh > 0 ? refresh : undefined;
  };
  if (!provider) return finish(false, 'SecretSyncedError', `${kind} ${ref?.name ?? '(none)'} not found`);
  const access = await storeAccess(m, provider, kind, namespace);
  if (typeof access === 'string') return finish(false, 'SecretSyncedError', `${kind} ${ref?.name}: ${access}`);
  const storeClient = access.client;
  try {
    const values = await fetchKubernetesValues(storeClient, provider.remoteNamespace ?? '', es.spec);
    const changed = await writeTarget(m.client, es, es.spec, values);
    return await finish(true, 'SecretSynced', changed ? 'secret synced' : 'secret synced (unchanged)');
  } catch (err) {
    if (err instanceof RemoteKeyMissing) {
      const done = await applyDeletionPolicy(m.client, es, es.spec);
      return finish(false, done === 'deleted' ? 'SecretDeleted' : 'SecretSyncedError', `${err.message}; target ${done}`);
    }
    return finish(false, 'SecretSyncedError', `could not sync: ${(err as Error).message.split('\n')[0].slice(0, 300)}`);
  } finally {
    storeClient.close();
  }
}

function refreshMs(es: ExternalSecret, field: string): number {
  return es.spec.refreshInterval === undefined ? DEFAULT_REFRESH_MS : parseGoDuration(es.spec.refreshInterval, field);
}

type KubernetesProvider = NonNullable<NonNullable<NonNullable<Store['spec']>['provider']>['kubernetes']>;

/** A client for the region's store namespace with the store's own token, or why there is none. */
async function storeAccess(m: SecretsMember, provider: KubernetesProvider, kind: string, namespace: string): Promise<{ client: KubeClient } | string> {
  const bearer = provider.auth?.token?.bearerToken;
  if (!bearer || !provider.remoteNamespace) return 'provider.kubernetes needs remoteNamespace and auth.token.bearerToken';
  const tokenSecret = await m.client.get<KubeObject & { data?: Record<string, string> }>('v1', 'Secret', bearer.name, kind === 'SecretStore' ? namespace : bearer.namespace);
  const token = tokenSecret?.data?.[bearer.key];
  if (!token) return `token Secret ${bearer.name} key ${bearer.key} not found`;
  const url = provider.server?.url ?? IN_CLUSTER_URL;
  const inCluster = url === IN_CLUSTER_URL || url === 'https://kubernetes.default';
  const ca = !inCluster && provider.server?.caBundle ? Buffer.from(provider.server.caBundle, 'base64').toString('utf8') : m.caPem;
  return { client: KubeClient.fromToken(inCluster ? m.server : url, ca, Buffer.from(token, 'base64').toString('utf8'), `${m.name}-store`, 10_000) };
}
