import type { KubeClient } from '../kube/client.js';
import { ensureNamespace, SYSTEM_NAMESPACE } from '../clusters/install.js';
import { issueCertificate, type KeyPair } from './ca.js';

import { encodeData, secretValue, type SecretObject } from './secret-data.js';

/**
 * A mesh's root CA, kept only on the hub as a `kubernetes.io/tls` Secret in meridian-system:
 * created on first use, then read back, so every run (add a cluster, rotate intermediates) signs
 * with the same root. Never printed.
 */
export async function ensureHubRootCa(hub: KubeClient, secretName: string, subject: string, days = 3650): Promise<KeyPair> {
  const existing = await hub.get<SecretObject>('v1', 'Secret', secretName, SYSTEM_NAMESPACE);
  const crt = secretValue(existing, 'tls.crt');
  const key = secretValue(existing, 'tls.key');
  if (crt && key) return { cert: crt, key };
  const root = await issueCertificate({ subject, days, ca: true });
  await ensureNamespace(hub, SYSTEM_NAMESPACE);
  await hub.create({
    apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/tls',
    metadata: { name: secretName, namespace: SYSTEM_NAMESPACE, labels: { 'app.kubernetes.io/part-of': 'meridian', 'mesh.meridian.dev/root-ca': 'true' } },
    data: encodeData({ 'tls.crt': root.cert, 'tls.key': root.key }),
  });
  return root;
}

/** Only the root certificate (public), for checks. */
export async function readHubRootCert(hub: KubeClient, secretName: string): Promise<string | undefined> {
  const s = await hub.get<SecretObject>('v1', 'Secret', secretName, SYSTEM_NAMESPACE);
  return secretValue(s, 'tls.crt');
}
