import type { Pod } from './kinds.js';
import {
  ADMIRALTY_PROVIDER_KEY, ELECT_ANNOTATION, IS_DELEGATE_ANNOTATION, MANAGED_BY, MANAGED_BY_LABEL, PARENT_NAME_LABEL, PARENT_NAMESPACE_LABEL,
  PARENT_UID_LABEL, SOURCE_CLUSTER_LABEL, SOURCE_POD_MANIFEST_ANNOTATION, SOURCE_UID_LABEL, VIRTUAL_NODE_TAINT,
} from './labels.js';

/** Secrets the ServiceAccount admission plugin mounts: local to their cluster, never copied. */
const TOKEN_SECRET = /-token-[a-z0-9]{5}$/;

/** Labels that tie a remote object to its source cluster. */
export function sourceLabels(source: string): Record<string, string> {
  return { [SOURCE_CLUSTER_LABEL]: source, [MANAGED_BY_LABEL]: MANAGED_BY };
}

/**
 * The delegate of a local pod bound to a virtual node: the same containers, volumes and service
 * account in the mapped namespace, left to the peer's own scheduler (node name, scheduler name and
 * placement constraints that targeted the virtual node are dropped), labelled with its parent as
 * Admiralty labels delegates. The election annotation is dropped so that a peer that is itself a
 * source never elects the delegate again.
 */
export function delegatePod(local: Pod, source: string, namespace: string): Pod {
  const meta = local.metadata ?? {};
  const annotations: Record<string, string> = { ...(meta.annotations ?? {}), [IS_DELEGATE_ANNOTATION]: '' };
  delete annotations[ELECT_ANNOTATION];
  delete annotations[SOURCE_POD_MANIFEST_ANNOTATION];
  for (const k of Object.keys(annotations)) if (k.startsWith('meridian.dev/delegate-')) delete annotations[k];
  const spec = { ...(local.spec ?? { containers: [] }) };
  delete spec.nodeName;
  delete spec.schedulerName;
  delete spec.nodeSelector;
  delete spec.affinity;
  delete spec.topologySpreadConstraints;
  delete spec.priority;
  delete spec.preemptionPolicy;
  spec.tolerations = (spec.tolerations ?? []).filter((t) => t.key !== VIRTUAL_NODE_TAINT.key && t.key !== ADMIRALTY_PROVIDER_KEY && !t.key?.startsWith('node.kubernetes.io/'));
  // The service account token volume the local admission plugin added names a local Secret.
  spec.volumes = (spec.volumes ?? []).filter((v) => !(v.secret?.secretName && TOKEN_SECRET.test(v.secret.secretName)));
  spec.containers = spec.containers.map((c) => ({ ...c, volumeMounts: (c.volumeMounts ?? []).filter((m) => spec.volumes?.some((v) => v.name === m.name)) }));
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      name: meta.name, namespace,
      labels: {
        ...(meta.labels ?? {}), ...sourceLabels(source),
        [SOURCE_UID_LABEL]: meta.uid ?? '', [PARENT_UID_LABEL]: meta.uid ?? '', [PARENT_NAME_LABEL]: meta.name ?? '', [PARENT_NAMESPACE_LABEL]: meta.namespace ?? '',
      },
      annotations,
    },
    spec,
  };
}

function volumeRefs(pod: Pod, cms: Set<string>, secrets: Set<string>): void {
  for (const v of pod.spec?.volumes ?? []) {
    if (v.configMap?.name) cms.add(v.configMap.name);
    if (v.secret?.secretName && !TOKEN_SECRET.test(v.secret.secretName)) secrets.add(v.secret.secretName);
    for (const s of v.projected?.sources ?? []) {
      if (s.configMap?.name) cms.add(s.configMap.name);
      if (s.secret?.name) secrets.add(s.secret.name);
    }
  }
}

function envRefs(pod: Pod, cms: Set<string>, secrets: Set<string>): void {
  for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
    for (const e of c.env ?? []) {
      if (e.valueFrom?.configMapKeyRef?.name) cms.add(e.valueFrom.configMapKeyRef.name);
      if (e.valueFrom?.secretKeyRef?.name) secrets.add(e.valueFrom.secretKeyRef.name);
    }
    for (const e of c.envFrom ?? []) {
      if (e.configMapRef?.name) cms.add(e.configMapRef.name);
      if (e.secretRef?.name) secrets.add(e.secretRef.name);
    }
  }
}

/** The ConfigMaps, Secrets and ServiceAccount a pod references (volumes, env, envFrom, projected, pull secrets). */
export function referencedObjects(pod: Pod): { configMaps: string[]; secrets: string[]; serviceAccount?: string } {
  const cms = new Set<string>();
  const secrets = new Set<string>();
  volumeRefs(pod, cms, secrets);
  envRefs(pod, cms, secrets);
  for (const s of pod.spec?.imagePullSecrets ?? []) if (s.name) secrets.add(s.name);
  const sa = pod.spec?.serviceAccountName;
  return { configMaps: [...cms].sort(), secrets: [...secrets].sort(), serviceAccount: sa && sa !== 'default' ? sa : undefined };
}

/** The local status that mirrors a delegate's: phase, conditions, IPs, container statuses. */
export function mirroredStatus(remote: Pod): Record<string, unknown> {
  const s = remote.status ?? {};
  return {
    phase: s.phase ?? 'Pending', conditions: s.conditions ?? [], podIP: s.podIP, podIPs: s.podIPs, startTime: s.startTime,
    containerStatuses: s.containerStatuses ?? [], initContainerStatuses: s.initContainerStatuses, reason: s.reason, message: s.message,
  };
}
