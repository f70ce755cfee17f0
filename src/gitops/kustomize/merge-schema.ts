// The slice of the Kubernetes OpenAPI schema that strategic merge needs: which lists merge by
// key (x-kubernetes-patch-merge-key / list-map-keys) and where pod specs sit in each kind.
// Lists the schema does not describe are replaced as a whole, as kyaml does.

/** A type: its fields, or for a list how its items merge and what they are. */
export interface SchemaType {
  fields?: Record<string, SchemaType>;
  /** For lists: merge keys (empty array = merge primitive values); undefined = replace. */
  mergeKeys?: string[];
  items?: SchemaType;
}

const list = (mergeKeys: string[] | undefined, items?: SchemaType): SchemaType => ({ mergeKeys, items });

const objectMeta: SchemaType = { fields: { finalizers: list([]), ownerReferences: list(['uid']) } };
const container: SchemaType = {
  fields: {
    env: list(['name']), ports: list(['containerPort', 'protocol']), volumeMounts: list(['mountPath']),
    volumeDevices: list(['devicePath']), resizePolicy: list(['resourceName']),
  },
};
const podSpec: SchemaType = {
  fields: {
    containers: list(['name'], container), initContainers: list(['name'], container), ephemeralContainers: list(['name'], container),
    volumes: list(['name']), imagePullSecrets: list(['name']), hostAliases: list(['ip']),
    topologySpreadConstraints: list(['topologyKey', 'whenUnsatisfiable']), readinessGates: list(['conditionType']),
    schedulingGates: list(['name']), resourceClaims: list(['name']),
  },
};
const podTemplate: SchemaType = { fields: { metadata: objectMeta, spec: podSpec } };
const withTemplate: SchemaType = { fields: { metadata: objectMeta, spec: { fields: { template: podTemplate } } } };
const jobSpec: SchemaType = { fields: { template: podTemplate } };

const KINDS: Record<string, SchemaType> = {
  'v1/Pod': { fields: { metadata: objectMeta, spec: podSpec } },
  'v1/PodTemplate': { fields: { metadata: objectMeta, template: podTemplate } },
  'v1/ReplicationController': withTemplate,
  'apps/v1/Deployment': withTemplate,
  'apps/v1/ReplicaSet': withTemplate,
  'apps/v1/DaemonSet': withTemplate,
  'apps/v1/StatefulSet': withTemplate,
  'batch/v1/Job': { fields: { metadata: objectMeta, spec: jobSpec } },
  'batch/v1/CronJob': { fields: { metadata: objectMeta, spec: { fields: { jobTemplate: { fields: { spec: jobSpec } } } } } },
  'batch/v1beta1/CronJob': { fields: { metadata: objectMeta, spec: { fields: { jobTemplate: { fields: { spec: jobSpec } } } } } },
  'v1/Service': { fields: { metadata: objectMeta, spec: { fields: { ports: list(['port', 'protocol']) } } } },
};

const GENERIC_BUILTIN: SchemaType = { fields: { metadata: objectMeta } };
const BUILTIN_GROUPS = /^(|apps|batch|policy|autoscaling|networking\.k8s\.io|rbac\.authorization\.k8s\.io|storage\.k8s\.io|scheduling\.k8s\.io|apiextensions\.k8s\.io|admissionregistration\.k8s\.io|apiregistration\.k8s\.io|coordination\.k8s\.io|discovery\.k8s\.io|node\.k8s\.io|certificates\.k8s\.io|events\.k8s\.io)$/;

/** The schema of a kind, or undefined for kinds kyaml has no schema for (custom resources). */
export function schemaFor(apiVersion: string, kind: string): SchemaType | undefined {
  const known = KINDS[`${apiVersion}/${kind}`];
  if (known) return known;
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  return BUILTIN_GROUPS.test(group) ? GENERIC_BUILTIN : undefined;
}
