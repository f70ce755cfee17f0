import { Type, type Static } from '@sinclair/typebox';
import type { CrdSpec } from './schema.js';
import { ConditionSchema, SecretRefSchema } from './common.js';
import type { KubeObject } from '../kube/types.js';

/** Spec of a member cluster. */
export const ClusterSpecSchema = Type.Object({
  server: Type.String({ description: 'API server URL of the member' }),
  secretRef: SecretRefSchema,
  region: Type.String(),
  zone: Type.Optional(Type.String()),
  podCIDRs: Type.Optional(Type.Array(Type.String())),
  serviceCIDRs: Type.Optional(Type.Array(Type.String())),
  ingressAddresses: Type.Optional(Type.Array(Type.String({ description: 'IP or host of the region ingress' }))),
  ingressPort: Type.Optional(Type.Integer()),
  /** Seconds between probes; default 5. */
  probeIntervalSeconds: Type.Optional(Type.Integer({ minimum: 1 })),
});

/** Resource quantities reported in status. */
const ResourcesSchema = Type.Object({ cpu: Type.String(), memory: Type.String() });

/** Observed state of a member cluster. */
export const ClusterStatusSchema = Type.Object({
  conditions: Type.Optional(Type.Array(ConditionSchema)),
  kubernetesVersion: Type.Optional(Type.String()),
  nodeCount: Type.Optional(Type.Integer()),
  readyNodeCount: Type.Optional(Type.Integer()),
  allocatable: Type.Optional(ResourcesSchema),
  requested: Type.Optional(ResourcesSchema),
  podCIDRs: Type.Optional(Type.Array(Type.String())),
  serviceCIDRs: Type.Optional(Type.Array(Type.String())),
  lastProbeTime: Type.Optional(Type.String()),
  observedGeneration: Type.Optional(Type.Integer()),
});

/** Spec of a member cluster. */
export type ClusterSpec = Static<typeof ClusterSpecSchema>;
/** Status of a member cluster. */
export type ClusterStatus = Static<typeof ClusterStatusSchema>;
/** A `meridian.dev/v1alpha1 Cluster`. */
export interface Cluster extends KubeObject {
  spec: ClusterSpec;
  status?: ClusterStatus;
}

/** The Cluster CRD (cluster-scoped, like Karmada's). */
export const ClusterCrd: CrdSpec = {
  kind: 'Cluster', plural: 'clusters', shortNames: ['mc'], scope: 'Cluster',
  spec: ClusterSpecSchema, status: ClusterStatusSchema,
  printerColumns: [
    { name: 'Region', type: 'string', jsonPath: '.spec.region' },
    { name: 'Version', type: 'string', jsonPath: '.status.kubernetesVersion' },
    { name: 'Nodes', type: 'integer', jsonPath: '.status.nodeCount' },
    { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ],
};
