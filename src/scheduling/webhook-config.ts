import { ADMIRALTY_NAMESPACE_LABEL, OFFLOADED_NAMESPACE_LABEL } from './labels.js';
import type { KubeObject } from '../kube/types.js';

/** Name of the MutatingWebhookConfiguration Meridian keeps in each source cluster. */
export const WEBHOOK_CONFIGURATION_NAME = 'meridian-scheduling';

/**
 * The MutatingWebhookConfiguration of a source cluster: one webhook for Admiralty-elected pods
 * (namespaces labelled `multicluster-scheduler=enabled`), one for Liqo-offloaded namespaces. Both
 * call `meridian serve` over HTTPS on loopback with its CA bundle; failurePolicy Fail so that an
 * elected pod is never silently scheduled as an ordinary one while Meridian is away, and the
 * API server's default timeout (10 s): with Fail, a loaded machine's slow answer refuses the pod.
 */
export function webhookConfiguration(cluster: string, baseUrl: string, caPem: string): KubeObject {
  const common = (name: string, path: string, label: string) => ({
    name, admissionReviewVersions: ['v1', 'v1beta1'], sideEffects: 'None', failurePolicy: 'Fail', timeoutSeconds: 10, reinvocationPolicy: 'Never',
    clientConfig: { url: `${baseUrl}/${path}/${encodeURIComponent(cluster)}`, caBundle: Buffer.from(caPem).toString('base64') },
    rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], scope: 'Namespaced' }],
    namespaceSelector: { matchExpressions: [{ key: label, operator: 'In', values: label === ADMIRALTY_NAMESPACE_LABEL ? ['enabled'] : ['true'] }] },
  });
  return {
    apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration',
    metadata: { name: WEBHOOK_CONFIGURATION_NAME, labels: { 'app.kubernetes.io/managed-by': 'meridian-scheduling' } },
    webhooks: [common('elect.scheduling.meridian.dev', 'elect', ADMIRALTY_NAMESPACE_LABEL), common('offload.scheduling.meridian.dev', 'offload', OFFLOADED_NAMESPACE_LABEL)],
  };
}
