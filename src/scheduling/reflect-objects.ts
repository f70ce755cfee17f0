import type { Pod as V1Pod } from './kinds.js';
import type { MemberCluster } from '../clusters/registry.js';
import { isConflict, isNotFound } from '../kube/errors.js';
import type { KubeObject } from '../kube/types.js';
import { referencedObjects, sourceLabels } from './delegate.js';

/** Namespace checks in flight, by peer: the pods of a burst going to one namespace share one check. */
const ensuring = new WeakMap<MemberCluster, Map<string, Promise<void>>>();

/** Creates the mapped namespace in the peer if it is missing (labelled, so unpeer can remove it). */
export async function ensureRemoteNamespace(peer: MemberCluster, name: string, source: string): Promise<void> {
  if (peer.informer('v1', 'Namespace').get(name)) return;
  let inFlight = ensuring.get(peer);
  if (!inFlight) ensuring.set(peer, (inFlight = new Map()));
  const pending = inFlight.get(name);
  if (pending) return pending;
  const check = (async () => {
    if (await peer.client.get('v1', 'Namespace', name)) return;
    try {
      await peer.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: sourceLabels(source) } });
    } catch (err) {
      if (!isConflict(err)) throw err;
    }
  })().finally(() => inFlight.delete(name));
  inFlight.set(name, check);
  return check;
}

/**
 * Copies the ConfigMaps, Secrets and ServiceAccount a pod references into the peer's namespace
 * with server-side apply. Only data and type are copied; values are never logged (errors name the
 * object, not its content). A missing local object is skipped: the delegate then fails in the peer
 * exactly as the pod would at home, and its status says so.
 */
export async function reflectReferences(source: MemberCluster, peer: MemberCluster, pod: V1Pod, remoteNs: string): Promise<void> {
  const ns = pod.metadata?.namespace ?? '';
  const refs = referencedObjects(pod);
  const copy = async (kind: 'ConfigMap' | 'Secret', name: string) => {
    const obj = await source.client.get<KubeObject & { data?: unknown; binaryData?: unknown; type?: string }>('v1', kind, name, ns);
    if (!obj) return;
    const body: KubeObject = { apiVersion: 'v1', kind, metadata: { name, namespace: remoteNs, labels: { ...(obj.metadata?.labels ?? {}), ...sourceLabels(source.name) } }, data: obj.data ?? {} };
    if (kind === 'Secret') body.type = obj.type;
    else if (obj.binaryData) body.binaryData = obj.binaryData;
    try {
      await peer.client.apply(body, { fieldManager: 'meridian-scheduling' });
    } catch (err) {
      throw new Error(`reflect ${kind} ${ns}/${name} to ${peer.name}/${remoteNs}: ${(err as Error).message}`, { cause: err });
    }
  };
  for (const name of refs.configMaps) await copy('ConfigMap', name);
  for (const name of refs.secrets) await copy('Secret', name);
  if (refs.serviceAccount) {
    try {
      await peer.client.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: refs.serviceAccount, namespace: remoteNs, labels: sourceLabels(source.name) } });
    } catch (err) {
      if (!isConflict(err)) throw err;
    }
  }
}

/** Deletes everything Meridian created in a peer for a source (unpeer): pods, reflected objects, namespaces. */
export async function removeSourceObjects(peer: MemberCluster, source: string, namespace?: string): Promise<number> {
  const selector = Object.entries(sourceLabels(source)).map(([k, v]) => `${k}=${v}`).join(',');
  let removed = 0;
  for (const kind of ['Pod', 'ConfigMap', 'Secret', 'ServiceAccount']) {
    const list = await peer.client.list('v1', kind, { labelSelector: selector, namespace });
    for (const o of list.items) {
      try {
        if (await peer.client.delete('v1', kind, o.metadata?.name ?? '', o.metadata?.namespace, { gracePeriodSeconds: 0 })) removed++;
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }
  if (!namespace) {
    for (const ns of (await peer.client.list('v1', 'Namespace', { labelSelector: selector })).items) {
      if (await peer.client.delete('v1', 'Namespace', ns.metadata?.name ?? '')) removed++;
    }
  }
  return removed;
}
