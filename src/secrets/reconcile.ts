import { KubeClient } from '../kube/client.js';
import type { KubeObject } from '../kube/types.js';
import type { Logger } from '../util/log.js';
import { TerminalError } from '../controller/terminal.js';
import { reportOutcome, withoutValues, type EsOutcome } from './es-report.js';
import type { ExternalSecretStatus } from './es-status.js';
import { fetchKubernetesValues, RemoteKeyMissing, type ExternalSecretSpec } from './provider-kubernetes.js';
import { IN_CLUSTER_URL } from './stores.js';
import { applyDeletionPolicy, writeTarget } from './target.js';
import { validateExternalSecret } from './validate.js';

/** ESO's API version Meridian reads. */
export const ESO_API_VERSION = 'external-secrets.io/v1';

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
 * One pass over one ExternalSecret whose store uses the Kubernetes provider: check the spec, read the
 * values with the store's own token, write the target Secret by creationPolicy, handle vanished keys
 * by deletionPolicy, record status as ESO does plus an Event. Returns when to come back
 * (refreshInterval), or undefined when the ExternalSecret is gone, not ours (another provider: ESO's
 * own job) or invalid (a terminal error: status and Event, no retry until its spec changes).
 */
export async function reconcileExternalSecret(m: SecretsMember, namespace: string, name: string, log: Logger): Promise<number | undefined> {
  const es = await m.client.get<ExternalSecret>(ESO_API_VERSION, 'ExternalSecret', name, namespace);
  if (!es || es.metadata?.deletionTimestamp) return undefined;
  const target = typeof es.spec?.target?.name === 'string' ? es.spec.target.name : name;
  const { kind, ref, store } = await storeOf(m, es, namespace);
  const provider = store?.spec?.provider?.kubernetes;
  if (store && !provider) return undefined;
  const values = new Map<string, string>();
  const finish = async (outcome: Omit<EsOutcome, 'target'>, refresh: number | undefined) => {
    await reportOutcome(m.client, es, { ...outcome, message: withoutValues(outcome.message, values.values()), target });
    log.info({ cluster: m.name, externalSecret: `${namespace}/${name}`, reason: outcome.eventReason ?? outcome.reason }, 'external secret reconciled');
    return refresh !== undefined && refresh > 0 ? refresh : undefined;
  };
  let refresh: number;
  try {
    refresh = validateExternalSecret(`${namespace}/${name}`, es.spec);
  } catch (err) {
    if (!(err instanceof TerminalError)) throw err;
    return finish({ ok: false, reason: 'SecretSyncedError', eventReason: 'InvalidSpec', message: err.message }, undefined);
  }
  if (!provider) return finish({ ok: false, reason: 'SecretSyncedError', message: `${kind} ${ref?.name} not found` }, refresh);
  const access = await storeAccess(m, provider, kind, namespace);
  if (typeof access === 'string') return finish({ ok: false, reason: 'SecretSyncedError', message: `${kind} ${ref?.name}: ${access}` }, refresh);
  const storeClient = access.client;
  try {
    const fetched = await fetchKubernetesValues(storeClient, provider.remoteNamespace ?? '', es.spec);
    for (const [k, v] of Object.entries(fetched)) values.set(k, v);
    const changed = await writeTarget(m.client, es, es.spec, fetched);
    return await finish({ ok: true, reason: 'SecretSynced', message: changed ? 'secret synced' : 'secret synced (unchanged)', changed }, refresh);
  } catch (err) {
    if (err instanceof RemoteKeyMissing) {
      const done = await applyDeletionPolicy(m.client, es, es.spec);
      return finish({ ok: false, reason: done === 'deleted' ? 'SecretDeleted' : 'SecretSyncedError', message: `${err.message}; target ${done}` }, refresh);
    }
    return finish({ ok: false, reason: 'SecretSyncedError', message: `could not sync: ${(err as Error).message.split('\n')[0].slice(0, 300)}` }, refresh);
  } finally {
    storeClient.close();
  }
}

/** The store an ExternalSecret names, if it exists. */
async function storeOf(m: SecretsMember, es: ExternalSecret, namespace: string): Promise<{ kind: string; ref: ExternalSecretSpec['secretStoreRef']; store: Store | undefined }> {
  const ref = es.spec?.secretStoreRef;
  const kind = ref?.kind === 'ClusterSecretStore' ? ref.kind : 'SecretStore';
  const named = typeof ref?.name === 'string' && ref.name !== '';
  return { kind, ref, store: named ? await m.client.get<Store>(ESO_API_VERSION, kind, ref.name, kind === 'SecretStore' ? namespace : undefined) : undefined };
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
