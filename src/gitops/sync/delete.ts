import type { KubeClient } from '../../kube/client.js';
import { isNotFound } from '../../kube/errors.js';

/**
 * Deletes one object with background propagation; false when it was already gone. The options go in
 * the query rather than a body: Node sends a DELETE body without a length, which can corrupt the
 * keep-alive connection for the next request.
 */
export async function deleteObject(client: KubeClient, apiVersion: string, kind: string, name: string, namespace?: string): Promise<boolean> {
  const ref = await client.discovery.resource(apiVersion, kind);
  try {
    await client.request('DELETE', client.path(ref, namespace, name), { query: { propagationPolicy: 'Background' } });
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}
