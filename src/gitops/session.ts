import type { Application } from '../api/application.js';
import type { Cluster } from '../api/cluster.js';
import { API_VERSION } from '../api/schema.js';
import { memberClientFromSecret } from '../clusters/join.js';
import type { KubeClient } from '../kube/client.js';
import { APPSET_LABEL } from './controller/appsets.js';

/** A client for a member cluster, from its Cluster object and credentials Secret on the hub. */
export async function memberClient(hub: KubeClient, cluster: string, timeoutMs = 10_000): Promise<KubeClient> {
  const c = await hub.get<Cluster>(API_VERSION, 'Cluster', cluster);
  if (!c) throw new Error(`no Cluster "${cluster}" on the hub`);
  return memberClientFromSecret(hub, c, timeoutMs);
}

/** The Applications of an ApplicationSet (optionally in one cluster); an Application's own name also works. */
export async function applicationsOf(hub: KubeClient, namespace: string, name: string, cluster?: string): Promise<Application[]> {
  const all = (await hub.list<Application>(API_VERSION, 'Application', { namespace })).items;
  const apps = all.filter((a) => a.metadata?.labels?.[APPSET_LABEL] === name || a.metadata?.name === name);
  const picked = cluster ? apps.filter((a) => a.spec.destination.name === cluster) : apps;
  if (!picked.length) throw new Error(`no Applications of "${name}" in namespace ${namespace}${cluster ? ` for cluster ${cluster}` : ''}`);
  return picked.sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
}
