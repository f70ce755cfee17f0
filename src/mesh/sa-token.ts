import type { KubeClient } from '../kube/client.js';
import { waitFor } from '../util/wait.js';
import { secretValue, type SecretObject } from './secret-data.js';

/**
 * A token of a ServiceAccount for another cluster's use: the long-lived token Secret's (filled by
 * kube-controller-manager's token controller), else, where no token controller runs or on
 * releases that no longer fill them, a TokenRequest valid for `fallbackSeconds`.
 */
export async function serviceAccountToken(client: KubeClient, namespace: string, account: string, secretName: string, fallbackSeconds = 365 * 86_400): Promise<string> {
  const filled = await waitFor(async () => secretValue(await client.get<SecretObject>('v1', 'Secret', secretName, namespace), 'token'), { timeoutMs: 5000, intervalMs: 200, what: `token Secret ${namespace}/${secretName}` }).catch(() => undefined);
  if (filled) return filled;
  const res = await client.request<{ status?: { token?: string } }>('POST', `/api/v1/namespaces/${namespace}/serviceaccounts/${account}/token`, {
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: fallbackSeconds } },
  });
  if (!res.status?.token) throw new Error(`TokenRequest for ${namespace}/${account} in ${client.contextName} returned no token`);
  return res.status.token;
}
