import type { KubeObject } from '../kube/types.js';
import { installVendorCrds, VENDOR_CRDS } from './vendor-crds.js';
import { ensureHubRootCa } from './hub-ca.js';
import { intermediateFor } from './intermediate.js';
import { cacertsSecret, controlPlaneOperator, eastWestGatewayOperator, exposeServicesGateway, ISTIO_NAMESPACE, istioNamespace, networkOf } from './istio-objects.js';
import { READER_SERVICE_ACCOUNT, READER_TOKEN_SECRET, readerObjects } from './istio-reader.js';
import { readerKubeconfig, remoteSecret, MULTICLUSTER_LABEL, CLUSTER_ANNOTATION } from './remote-secret.js';
import { serviceAccountToken } from './sa-token.js';
import { secretValue, type SecretObject } from './secret-data.js';
import type { MeshMember } from './members.js';

/** The hub Secret (meridian-system) holding the Istio mesh's root CA. */
export const ISTIO_ROOT_SECRET = 'mesh-istio-root-ca';

/** Options of `meridian mesh istio`. */
export interface IstioOptions {
  meshId: string;
  /** Issue new intermediates for every member (the root stays). */
  rotate?: boolean;
  intermediateDays?: number;
}

/** What one run did, per member (no key material). */
export interface IstioMemberResult {
  cluster: string;
  network: string;
  intermediateIssued: boolean;
  /** Remote secrets of the other members now in this one. */
  remoteSecrets: string[];
  /** Stale remote secrets deleted from this one. */
  removedRemoteSecrets: string[];
}

/**
 * Brings every member into one multi-primary, multi-network Istio mesh, as `istioctl install` with
 * meshID/clusterName/network and `istioctl create-remote-secret` both ways would: Istio's CRDs,
 * the network label, an intermediate CA from the hub's root as `cacerts`, the control plane and
 * east-west gateway IstioOperators, the expose-services Gateway, a reader account, and in each
 * member a remote secret for every other one. Idempotent: adding a cluster is running it again;
 * remote secrets of clusters no longer in `members` are deleted.
 */
export async function bootstrapIstio(hub: MeshMember['client'], members: MeshMember[], options: IstioOptions): Promise<IstioMemberResult[]> {
  const root = await ensureHubRootCa(hub, ISTIO_ROOT_SECRET, `/O=Meridian/CN=Root CA ${options.meshId}`);
  const kubeconfigs = new Map<string, string>();
  const results: IstioMemberResult[] = [];
  for (const m of members) {
    const network = networkOf(m.name);
    try {
      await installVendorCrds(m.client, VENDOR_CRDS.istio);
      await m.client.apply(istioNamespace({ cluster: m.name, network }));
      const existing = await m.client.get<SecretObject>('v1', 'Secret', 'cacerts', ISTIO_NAMESPACE);
      const cert = secretValue(existing, 'ca-cert.pem');
      const key = secretValue(existing, 'ca-key.pem');
      const { pair, issued } = await intermediateFor(m.name, root, cert && key ? { cert, key } : undefined, { rotate: options.rotate, days: options.intermediateDays, organization: 'Meridian' });
      const objects: KubeObject[] = [cacertsSecret(pair, root.cert), controlPlaneOperator(options.meshId, { cluster: m.name, network }), eastWestGatewayOperator({ cluster: m.name, network }), exposeServicesGateway(), ...readerObjects()];
      for (const o of objects) await m.client.apply(o, { force: true });
      const token = await serviceAccountToken(m.client, ISTIO_NAMESPACE, READER_SERVICE_ACCOUNT, READER_TOKEN_SECRET);
      kubeconfigs.set(m.name, readerKubeconfig(m.name, m.server, m.caPem, token));
      results.push({ cluster: m.name, network, intermediateIssued: issued, remoteSecrets: [], removedRemoteSecrets: [] });
    } catch (err) {
      throw new Error(`mesh istio: cluster ${m.name}: ${(err as Error).message}`, { cause: err });
    }
  }
  for (const r of results) {
    const m = members.find((x) => x.name === r.cluster) as MeshMember;
    for (const other of members.filter((x) => x.name !== m.name)) {
      await m.client.apply(remoteSecret(other.name, kubeconfigs.get(other.name) as string), { force: true });
      r.remoteSecrets.push(other.name);
    }
    r.removedRemoteSecrets = await pruneRemoteSecrets(m, new Set(r.remoteSecrets));
  }
  return results;
}

/** Deletes Meridian's remote secrets in a member for clusters not in `keep`; returns the clusters removed. */
export async function pruneRemoteSecrets(m: MeshMember, keep: Set<string>): Promise<string[]> {
  const list = await m.client.list<SecretObject>('v1', 'Secret', { namespace: ISTIO_NAMESPACE, labelSelector: `${MULTICLUSTER_LABEL}=true,app.kubernetes.io/managed-by=meridian` });
  const removed: string[] = [];
  for (const s of list.items) {
    const cluster = s.metadata?.annotations?.[CLUSTER_ANNOTATION] ?? '';
    if (keep.has(cluster)) continue;
    await m.client.delete('v1', 'Secret', s.metadata?.name ?? '', ISTIO_NAMESPACE);
    removed.push(cluster);
  }
  return removed;
}
