// The default field specs kustomize ships (api/internal/konfig/builtinpluginconsts), as data:
// one spec per line, `path kind group version [+]` with `-` for empty and `+` for create.

/** Field specs per transformer, as compact text lines. */
export const DEFAULT_FIELD_SPECS: Record<string, string> = {
  namePrefix: String.raw`
metadata/name - - -`,
  nameSuffix: String.raw`
metadata/name - - -`,
  commonLabels: String.raw`
spec/selector Service - v1 +
spec/selector ReplicationController - v1 +
spec/selector/matchLabels Deployment - - +
spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels Deployment apps -
spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels Deployment apps -
spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels Deployment apps -
spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels Deployment apps -
spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels Deployment apps -
spec/selector/matchLabels ReplicaSet - - +
spec/selector/matchLabels DaemonSet - - +
spec/selector/matchLabels StatefulSet apps - +
spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels StatefulSet apps -
spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels StatefulSet apps -
spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels StatefulSet apps -
spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels StatefulSet apps -
spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels StatefulSet apps -
spec/selector/matchLabels Job batch -
spec/jobTemplate/spec/selector/matchLabels CronJob batch -
spec/selector/matchLabels PodDisruptionBudget policy -
spec/podSelector/matchLabels NetworkPolicy networking.k8s.io -
spec/ingress/from/podSelector/matchLabels NetworkPolicy networking.k8s.io -
spec/egress/to/podSelector/matchLabels NetworkPolicy networking.k8s.io -
metadata/labels - - - +
spec/template/metadata/labels ReplicationController - v1 +
spec/template/metadata/labels Deployment - - +
spec/template/metadata/labels ReplicaSet - - +
spec/template/metadata/labels DaemonSet - - +
spec/template/metadata/labels StatefulSet apps - +
spec/volumeClaimTemplates[]/metadata/labels StatefulSet apps - +
spec/template/metadata/labels Job batch - +
spec/jobTemplate/metadata/labels CronJob batch - +
spec/jobTemplate/spec/template/metadata/labels CronJob batch - +`,
  templateLabels: String.raw`
metadata/labels - - - +
spec/template/metadata/labels ReplicationController - v1 +
spec/template/metadata/labels Deployment - - +
spec/template/metadata/labels ReplicaSet - - +
spec/template/metadata/labels DaemonSet - - +
spec/template/metadata/labels StatefulSet apps - +
spec/volumeClaimTemplates[]/metadata/labels StatefulSet apps - +
spec/template/metadata/labels Job batch - +
spec/jobTemplate/metadata/labels CronJob batch - +
spec/jobTemplate/spec/template/metadata/labels CronJob batch - +`,
  commonAnnotations: String.raw`
metadata/annotations - - - +
spec/template/metadata/annotations ReplicationController - v1 +
spec/template/metadata/annotations Deployment - - +
spec/template/metadata/annotations ReplicaSet - - +
spec/template/metadata/annotations DaemonSet - - +
spec/template/metadata/annotations StatefulSet - - +
spec/template/metadata/annotations Job batch - +
spec/jobTemplate/metadata/annotations CronJob batch - +
spec/jobTemplate/spec/template/metadata/annotations CronJob batch - +`,
  namespace: String.raw`
metadata/name Namespace - - +
spec/service/namespace APIService apiregistration.k8s.io - +
spec/conversion/webhook/clientConfig/service/namespace CustomResourceDefinition apiextensions.k8s.io -`,
  varReference: String.raw`
spec/jobTemplate/spec/template/spec/containers/args CronJob - -
spec/jobTemplate/spec/template/spec/containers/command CronJob - -
spec/jobTemplate/spec/template/spec/containers/env/value CronJob - -
spec/jobTemplate/spec/template/spec/containers/volumeMounts/mountPath CronJob - -
spec/jobTemplate/spec/template/spec/initContainers/args CronJob - -
spec/jobTemplate/spec/template/spec/initContainers/command CronJob - -
spec/jobTemplate/spec/template/spec/initContainers/env/value CronJob - -
spec/jobTemplate/spec/template/spec/initContainers/volumeMounts/mountPath CronJob - -
spec/jobTemplate/spec/template/volumes/nfs/server CronJob - -
spec/template/spec/containers/args DaemonSet - -
spec/template/spec/containers/command DaemonSet - -
spec/template/spec/containers/env/value DaemonSet - -
spec/template/spec/containers/volumeMounts/mountPath DaemonSet - -
spec/template/spec/initContainers/args DaemonSet - -
spec/template/spec/initContainers/command DaemonSet - -
spec/template/spec/initContainers/env/value DaemonSet - -
spec/template/spec/initContainers/volumeMounts/mountPath DaemonSet - -
spec/template/spec/volumes/nfs/server DaemonSet - -
spec/template/spec/containers/args Deployment - -
spec/template/spec/containers/command Deployment - -
spec/template/spec/containers/env/value Deployment - -
spec/template/spec/containers/volumeMounts/mountPath Deployment - -
spec/template/spec/initContainers/args Deployment - -
spec/template/spec/initContainers/command Deployment - -
spec/template/spec/initContainers/env/value Deployment - -
spec/template/spec/initContainers/volumeMounts/mountPath Deployment - -
spec/template/spec/volumes/nfs/server Deployment - -
spec/template/metadata/annotations Deployment - -
spec/rules/host Ingress - -
spec/tls/hosts Ingress - -
spec/tls/secretName Ingress - -
spec/template/spec/containers/args Job - -
spec/template/spec/containers/command Job - -
spec/template/spec/containers/env/value Job - -
spec/template/spec/containers/volumeMounts/mountPath Job - -
spec/template/spec/initContainers/args Job - -
spec/template/spec/initContainers/command Job - -
spec/template/spec/initContainers/env/value Job - -
spec/template/spec/initContainers/volumeMounts/mountPath Job - -
spec/template/spec/volumes/nfs/server Job - -
spec/containers/args Pod - -
spec/containers/command Pod - -
spec/containers/env/value Pod - -
spec/containers/volumeMounts/mountPath Pod - -
spec/initContainers/args Pod - -
spec/initContainers/command Pod - -
spec/initContainers/env/value Pod - -
spec/initContainers/volumeMounts/mountPath Pod - -
spec/volumes/nfs/server Pod - -
spec/template/spec/containers/args ReplicaSet - -
spec/template/spec/containers/command ReplicaSet - -
spec/template/spec/containers/env/value ReplicaSet - -
spec/template/spec/containers/volumeMounts/mountPath ReplicaSet - -
spec/template/spec/initContainers/args ReplicaSet - -
spec/template/spec/initContainers/command ReplicaSet - -
spec/template/spec/initContainers/env/value ReplicaSet - -
spec/template/spec/initContainers/volumeMounts/mountPath ReplicaSet - -
spec/template/spec/volumes/nfs/server ReplicaSet - -
spec/ports/port Service - -
spec/ports/targetPort Service - -
spec/template/spec/containers/args StatefulSet - -
spec/template/spec/containers/command StatefulSet - -
spec/template/spec/containers/env/value StatefulSet - -
spec/template/spec/containers/volumeMounts/mountPath StatefulSet - -
spec/template/spec/initContainers/args StatefulSet - -
spec/template/spec/initContainers/command StatefulSet - -
spec/template/spec/initContainers/env/value StatefulSet - -
spec/template/spec/initContainers/volumeMounts/mountPath StatefulSet - -
spec/volumeClaimTemplates/spec/nfs/server StatefulSet - -
spec/nfs/server PersistentVolume - -
metadata/labels - - -
metadata/annotations - - -`,
  images: String.raw`
spec/containers[]/image - - - +
spec/initContainers[]/image - - - +
spec/template/spec/containers[]/image - - - +
spec/template/spec/initContainers[]/image - - - +`,
  replicas: String.raw`
spec/replicas Deployment - - +
spec/replicas ReplicationController - - +
spec/replicas ReplicaSet - - +
spec/replicas StatefulSet - - +`,
};

/** Name references: `Kind group version` of the referred kind, then its referrer specs. */
export const DEFAULT_NAME_REFERENCES = String.raw`
= Deployment - -
spec/scaleTargetRef/name HorizontalPodAutoscaler - -
= ReplicationController - -
spec/scaleTargetRef/name HorizontalPodAutoscaler - -
= ReplicaSet - -
spec/scaleTargetRef/name HorizontalPodAutoscaler - -
= StatefulSet - -
spec/scaleTargetRef/name HorizontalPodAutoscaler - -
= ConfigMap - v1
spec/volumes/configMap/name Pod - v1
spec/containers/env/valueFrom/configMapKeyRef/name Pod - v1
spec/initContainers/env/valueFrom/configMapKeyRef/name Pod - v1
spec/containers/envFrom/configMapRef/name Pod - v1
spec/initContainers/envFrom/configMapRef/name Pod - v1
spec/volumes/projected/sources/configMap/name Pod - v1
template/spec/volumes/configMap/name PodTemplate - -
template/spec/containers/env/valueFrom/configMapKeyRef/name PodTemplate - -
template/spec/initContainers/env/valueFrom/configMapKeyRef/name PodTemplate - -
template/spec/containers/envFrom/configMapRef/name PodTemplate - -
template/spec/initContainers/envFrom/configMapRef/name PodTemplate - -
template/spec/volumes/projected/sources/configMap/name PodTemplate - -
spec/template/spec/volumes/configMap/name Deployment - -
spec/template/spec/containers/env/valueFrom/configMapKeyRef/name Deployment - -
spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name Deployment - -
spec/template/spec/containers/envFrom/configMapRef/name Deployment - -
spec/template/spec/initContainers/envFrom/configMapRef/name Deployment - -
spec/template/spec/volumes/projected/sources/configMap/name Deployment - -
spec/template/spec/volumes/configMap/name ReplicaSet - -
spec/template/spec/containers/env/valueFrom/configMapKeyRef/name ReplicaSet - -
spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name ReplicaSet - -
spec/template/spec/containers/envFrom/configMapRef/name ReplicaSet - -
spec/template/spec/initContainers/envFrom/configMapRef/name ReplicaSet - -
spec/template/spec/volumes/projected/sources/configMap/name ReplicaSet - -
spec/template/spec/volumes/configMap/name DaemonSet - -
spec/template/spec/containers/env/valueFrom/configMapKeyRef/name DaemonSet - -
spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name DaemonSet - -
spec/template/spec/containers/envFrom/configMapRef/name DaemonSet - -
spec/template/spec/initContainers/envFrom/configMapRef/name DaemonSet - -
spec/template/spec/volumes/projected/sources/configMap/name DaemonSet - -
spec/template/spec/volumes/configMap/name StatefulSet - -
spec/template/spec/containers/env/valueFrom/configMapKeyRef/name StatefulSet - -
spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name StatefulSet - -
spec/template/spec/containers/envFrom/configMapRef/name StatefulSet - -
spec/template/spec/initContainers/envFrom/configMapRef/name StatefulSet - -
spec/template/spec/volumes/projected/sources/configMap/name StatefulSet - -
spec/template/spec/volumes/configMap/name Job - -
spec/template/spec/containers/env/valueFrom/configMapKeyRef/name Job - -
spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name Job - -
spec/template/spec/containers/envFrom/configMapRef/name Job - -
spec/template/spec/initContainers/envFrom/configMapRef/name Job - -
spec/template/spec/volumes/projected/sources/configMap/name Job - -
spec/jobTemplate/spec/template/spec/volumes/configMap/name CronJob - -
spec/jobTemplate/spec/template/spec/volumes/projected/sources/configMap/name CronJob - -
spec/jobTemplate/spec/template/spec/containers/env/valueFrom/configMapKeyRef/name CronJob - -
spec/jobTemplate/spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name CronJob - -
spec/jobTemplate/spec/template/spec/containers/envFrom/configMapRef/name CronJob - -
spec/jobTemplate/spec/template/spec/initContainers/envFrom/configMapRef/name CronJob - -
spec/configSource/configMap Node - -
rules/resourceNames Role - -
rules/resourceNames ClusterRole - -
metadata/annotations/nginx.ingress.kubernetes.io\/fastcgi-params-configmap Ingress - -
= Secret - v1
spec/volumes/secret/secretName Pod - v1
spec/containers/env/valueFrom/secretKeyRef/name Pod - v1
spec/initContainers/env/valueFrom/secretKeyRef/name Pod - v1
spec/containers/envFrom/secretRef/name Pod - v1
spec/initContainers/envFrom/secretRef/name Pod - v1
spec/imagePullSecrets/name Pod - v1
spec/volumes/projected/sources/secret/name Pod - v1
template/spec/volumes/secret/secretName PodTemplate - -
template/spec/containers/env/valueFrom/secretKeyRef/name PodTemplate - -
template/spec/initContainers/env/valueFrom/secretKeyRef/name PodTemplate - -
template/spec/containers/envFrom/secretRef/name PodTemplate - -
template/spec/initContainers/envFrom/secretRef/name PodTemplate - -
template/spec/imagePullSecrets/name PodTemplate - -
template/spec/volumes/projected/sources/secret/name PodTemplate - -
spec/template/spec/volumes/secret/secretName Deployment - -
spec/template/spec/containers/env/valueFrom/secretKeyRef/name Deployment - -
spec/template/spec/initContainers/env/valueFrom/secretKeyRef/name Deployment - -
spec/template/spec/containers/envFrom/secretRef/name Deployment - -
spec/template/spec/initContainers/envFrom/secretRef/name Deployment - -
spec/template/spec/imagePullSecrets/name Deployment - -
spec/template/spec/volumes/projected/sources/secret/name Deployment - -
spec/template/spec/volumes/secret/secretName ReplicaSet - -
spec/template/spec/containers/env/valueFrom/secretKeyRef/name ReplicaSet - -
spec/template/spec/initContainers/env/valueFrom/secretKeyRef/name ReplicaSet - -
spec/template/spec/containers/envFrom/secretRef/name ReplicaSet - -
spec/template/spec/initContainers/envFrom/secretRef/name ReplicaSet - -
spec/template/spec/imagePullSecrets/name ReplicaSet - -
spec/template/spec/volumes/projected/sources/secret/name ReplicaSet - -
spec/template/spec/volumes/secret/secretName DaemonSet - -
spec/template/spec/containers/env/valueFrom/secretKeyRef/name DaemonSet - -
spec/template/spec/initContainers/env/valueFrom/secretKeyRef/name DaemonSet - -
spec/template/spec/containers/envFrom/secretRef/name DaemonSet - -
spec/template/spec/initContainers/envFrom/secretRef/name DaemonSet - -
spec/template/spec/imagePullSecrets/name DaemonSet - -
spec/template/spec/volumes/projected/sources/secret/name DaemonSet - -
spec/template/spec/volumes/secret/secretName StatefulSet - -
spec/template/spec/containers/env/valueFrom/secretKeyRef/name StatefulSet - -
spec/template/spec/initContainers/env/valueFrom/secretKeyRef/name StatefulSet - -
spec/template/spec/containers/envFrom/secretRef/name StatefulSet - -
spec/template/spec/initContainers/envFrom/secretRef/name StatefulSet - -
spec/template/spec/imagePullSecrets/name StatefulSet - -
spec/template/spec/volumes/projected/sources/secret/name StatefulSet - -
spec/template/spec/volumes/secret/secretName Job - -
spec/template/spec/containers/env/valueFrom/secretKeyRef/name Job - -
spec/template/spec/initContainers/env/valueFrom/secretKeyRef/name Job - -
spec/template/spec/containers/envFrom/secretRef/name Job - -
spec/template/spec/initContainers/envFrom/secretRef/name Job - -
spec/template/spec/imagePullSecrets/name Job - -
spec/template/spec/volumes/projected/sources/secret/name Job - -
spec/jobTemplate/spec/template/spec/volumes/secret/secretName CronJob - -
spec/jobTemplate/spec/template/spec/volumes/projected/sources/secret/name CronJob - -
spec/jobTemplate/spec/template/spec/containers/env/valueFrom/secretKeyRef/name CronJob - -
spec/jobTemplate/spec/template/spec/initContainers/env/valueFrom/secretKeyRef/name CronJob - -
spec/jobTemplate/spec/template/spec/containers/envFrom/secretRef/name CronJob - -
spec/jobTemplate/spec/template/spec/initContainers/envFrom/secretRef/name CronJob - -
spec/jobTemplate/spec/template/spec/imagePullSecrets/name CronJob - -
spec/tls/secretName Ingress - -
metadata/annotations/ingress.kubernetes.io\/auth-secret Ingress - -
metadata/annotations/nginx.ingress.kubernetes.io\/auth-secret Ingress - -
metadata/annotations/nginx.ingress.kubernetes.io\/auth-tls-secret Ingress - -
spec/tls/secretName Ingress - -
imagePullSecrets/name ServiceAccount - -
parameters/secretName StorageClass - -
parameters/adminSecretName StorageClass - -
parameters/userSecretName StorageClass - -
parameters/secretRef StorageClass - -
rules/resourceNames Role - -
rules/resourceNames ClusterRole - -
spec/template/spec/containers/env/valueFrom/secretKeyRef/name Service serving.knative.dev v1
spec/azureFile/secretName PersistentVolume - -
= Service - v1
spec/serviceName StatefulSet apps -
spec/rules/http/paths/backend/serviceName Ingress - -
spec/backend/serviceName Ingress - -
spec/rules/http/paths/backend/service/name Ingress - -
spec/defaultBackend/service/name Ingress - -
spec/service/name APIService apiregistration.k8s.io -
webhooks/clientConfig/service ValidatingWebhookConfiguration admissionregistration.k8s.io -
webhooks/clientConfig/service MutatingWebhookConfiguration admissionregistration.k8s.io -
= Role rbac.authorization.k8s.io -
roleRef/name RoleBinding rbac.authorization.k8s.io -
= ClusterRole rbac.authorization.k8s.io -
roleRef/name RoleBinding rbac.authorization.k8s.io -
roleRef/name ClusterRoleBinding rbac.authorization.k8s.io -
= ServiceAccount - v1
subjects RoleBinding rbac.authorization.k8s.io -
subjects ClusterRoleBinding rbac.authorization.k8s.io -
spec/serviceAccountName Pod - -
spec/template/spec/serviceAccountName StatefulSet - -
spec/template/spec/serviceAccountName Deployment - -
spec/template/spec/serviceAccountName ReplicationController - -
spec/jobTemplate/spec/template/spec/serviceAccountName CronJob - -
spec/template/spec/serviceAccountName Job - -
spec/template/spec/serviceAccountName DaemonSet - -
= PersistentVolumeClaim - v1
spec/volumes/persistentVolumeClaim/claimName Pod - -
spec/template/spec/volumes/persistentVolumeClaim/claimName StatefulSet - -
spec/template/spec/volumes/persistentVolumeClaim/claimName Deployment - -
spec/template/spec/volumes/persistentVolumeClaim/claimName ReplicationController - -
spec/jobTemplate/spec/template/spec/volumes/persistentVolumeClaim/claimName CronJob - -
spec/template/spec/volumes/persistentVolumeClaim/claimName Job - -
spec/template/spec/volumes/persistentVolumeClaim/claimName DaemonSet - -
= PersistentVolume - v1
spec/volumeName PersistentVolumeClaim - -
rules/resourceNames ClusterRole - -
= StorageClass storage.k8s.io v1
spec/storageClassName PersistentVolume - -
spec/storageClassName PersistentVolumeClaim - -
spec/volumeClaimTemplates/spec/storageClassName StatefulSet - -
= PriorityClass scheduling.k8s.io v1
spec/priorityClassName Pod - -
spec/template/spec/priorityClassName StatefulSet - -
spec/template/spec/priorityClassName Deployment - -
spec/template/spec/priorityClassName ReplicationController - -
spec/jobTemplate/spec/template/spec/priorityClassName CronJob - -
spec/template/spec/priorityClassName Job - -
spec/template/spec/priorityClassName DaemonSet - -
= IngressClass networking.k8s.io/v1 v1
spec/ingressClassName Ingress - -
= ValidatingAdmissionPolicy admissionregistration.k8s.io -
spec/policyName ValidatingAdmissionPolicyBinding admissionregistration.k8s.io -
`;
