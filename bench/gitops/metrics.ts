// Write requests seen by a member's kube-apiserver, from its own apiserver_request_total counters.

import type { KubeClient } from '../../src/kube/client.js';

const WRITE_VERBS = new Set(['POST', 'PUT', 'PATCH', 'DELETE', 'APPLY', 'CREATE', 'UPDATE']);
/** The resources the benchmark's applications are made of (no system component writes them in steady state). */
export const APP_RESOURCES = new Set(['namespaces', 'configmaps', 'deployments', 'services']);

/** Sum of write requests on the app resources (main resource, not status) since the server started. */
export async function memberWrites(client: KubeClient): Promise<number> {
  const { status, text } = await client.getText('/metrics', 10_000);
  if (status !== 200) throw new Error(`${client.server}/metrics: HTTP ${status}`);
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue;
    const labels = Object.fromEntries([...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (WRITE_VERBS.has(labels.verb) && APP_RESOURCES.has(labels.resource) && !labels.subresource && labels.dry_run === '') total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

/** Write counters of every member, summed. */
export async function fleetWrites(clients: KubeClient[]): Promise<number> {
  return (await Promise.all(clients.map(memberWrites))).reduce((a, b) => a + b, 0);
}
