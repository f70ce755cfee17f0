import { API_VERSION } from '../api/schema.js';
import type { Cluster } from '../api/cluster.js';
import type { KubeClient } from '../kube/client.js';
import { secretValue, type SecretObject } from './secret-data.js';

/** A mesh member: an admin client to install into it, and how other clusters reach its API server. */
export interface MeshMember {
  name: string;
  /** Client with rights to install CRDs, RBAC and Secrets in the member. */
  client: KubeClient;
  /** API server URL other clusters use. */
  server: string;
  /** CA bundle of that API server. */
  caPem: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Refuses a cluster name that is not a DNS label: names become Secret keys, object names and cert subjects. */
export function checkMemberName(name: string): string {
  if (!DNS_LABEL.test(name)) throw new Error(`cluster name "${name}" is not a DNS label (a-z, 0-9, -; at most 63)`);
  return name;
}

/**
 * The fleet's members as a mesh sees them: every Cluster on the hub (or those named), the server
 * and CA from its registration, and an admin client from `adminClient` (the CLI uses the kubeconfig
 * context of the same name, as istioctl does).
 */
export async function meshMembers(hub: KubeClient, adminClient: (name: string) => Promise<KubeClient>, only?: string[]): Promise<MeshMember[]> {
  const clusters = (await hub.list<Cluster>(API_VERSION, 'Cluster')).items.filter((c) => !only?.length || only.includes(c.metadata?.name ?? ''));
  const missing = (only ?? []).filter((n) => !clusters.some((c) => c.metadata?.name === n));
  if (missing.length) throw new Error(`no Cluster ${missing.join(', ')} on the hub (meridian cluster join first)`);
  const members: MeshMember[] = [];
  for (const c of clusters.sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''))) {
    const name = checkMemberName(c.metadata?.name ?? '');
    const creds = await hub.get<SecretObject>('v1', 'Secret', c.spec.secretRef.name, c.spec.secretRef.namespace);
    const caPem = secretValue(creds, 'ca.crt');
    if (!caPem) throw new Error(`Cluster ${name}: credentials Secret ${c.spec.secretRef.namespace}/${c.spec.secretRef.name} has no ca.crt`);
    members.push({ name, client: await adminClient(name), server: c.spec.server, caPem });
  }
  return members;
}
