import { Type, type Static } from '@sinclair/typebox';
import { buildCrd, type CrdSpec } from './schema.js';
import type { KubeObject } from '../kube/types.js';

// Liqo's NamespaceOffloading and Admiralty's Target/ClusterTarget, as Meridian installs them in
// source clusters. Field names follow the upstream CRDs (liqotech/liqo
// offloading.liqo.io_namespaceoffloadings.yaml, admiraltyio/admiralty multicluster.admiralty.io).

/** `offloading.liqo.io/v1beta1`. */
export const LIQO_OFFLOADING_API_VERSION = 'offloading.liqo.io/v1beta1';
/** `multicluster.admiralty.io/v1alpha1`. */
export const ADMIRALTY_API_VERSION = 'multicluster.admiralty.io/v1alpha1';

const NodeSelectorRequirementSchema = Type.Object({
  key: Type.String(),
  operator: Type.Union(['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'].map((o) => Type.Literal(o))),
  values: Type.Optional(Type.Array(Type.String())),
});
/** A node selector term (requirements ANDed). */
export const NodeSelectorTermSchema = Type.Object({
  matchExpressions: Type.Optional(Type.Array(NodeSelectorRequirementSchema)),
  matchFields: Type.Optional(Type.Array(NodeSelectorRequirementSchema)),
});
/** A node selector term. */
export type NodeSelectorTerm = Static<typeof NodeSelectorTermSchema>;

/** Spec of a NamespaceOffloading (Liqo). */
export const NamespaceOffloadingSpecSchema = Type.Object({
  clusterSelector: Type.Optional(Type.Object({ nodeSelectorTerms: Type.Array(NodeSelectorTermSchema) })),
  namespaceMappingStrategy: Type.Optional(Type.Union([Type.Literal('EnforceSameName'), Type.Literal('DefaultName'), Type.Literal('SelectedName')], { default: 'DefaultName' })),
  podOffloadingStrategy: Type.Optional(Type.Union([Type.Literal('Local'), Type.Literal('Remote'), Type.Literal('LocalAndRemote')], { default: 'LocalAndRemote' })),
  remoteNamespaceName: Type.Optional(Type.String()),
});
/** Status of a NamespaceOffloading. */
export const NamespaceOffloadingStatusSchema = Type.Object({
  observedGeneration: Type.Optional(Type.Integer()),
  offloadingPhase: Type.Optional(Type.String()),
  remoteNamespaceName: Type.Optional(Type.String()),
  remoteNamespacesConditions: Type.Optional(Type.Record(Type.String(), Type.Array(Type.Object({
    type: Type.String(), status: Type.String(), reason: Type.Optional(Type.String()), message: Type.Optional(Type.String()), lastTransitionTime: Type.Optional(Type.String()),
  })))),
});
/** A `offloading.liqo.io/v1beta1 NamespaceOffloading`. */
export interface NamespaceOffloading extends KubeObject {
  spec: Static<typeof NamespaceOffloadingSpecSchema>;
  status?: Static<typeof NamespaceOffloadingStatusSchema>;
}

/** Spec of an Admiralty Target / ClusterTarget; Meridian reads the name (a member) and `self`. */
export const TargetSpecSchema = Type.Object({
  self: Type.Optional(Type.Boolean()),
  kubeconfigSecret: Type.Optional(Type.Object({ name: Type.String(), namespace: Type.Optional(Type.String()), key: Type.Optional(Type.String()) })),
  excludedLabelsRegexp: Type.Optional(Type.String()),
});
/** An Admiralty `Target` (namespaced) or `ClusterTarget`. */
export interface Target extends KubeObject {
  spec?: Static<typeof TargetSpecSchema>;
}

const NamespaceOffloadingCrd: CrdSpec = {
  kind: 'NamespaceOffloading', plural: 'namespaceoffloadings', shortNames: ['nso', 'nsof', 'nsoff', 'nsoffloading'], scope: 'Namespaced',
  group: 'offloading.liqo.io', version: 'v1beta1', spec: NamespaceOffloadingSpecSchema, status: NamespaceOffloadingStatusSchema,
  printerColumns: [
    { name: 'NamespaceMappingStrategy', type: 'string', jsonPath: '.spec.namespaceMappingStrategy' },
    { name: 'PodOffloadingStrategy', type: 'string', jsonPath: '.spec.podOffloadingStrategy' },
    { name: 'OffloadingPhase', type: 'string', jsonPath: '.status.offloadingPhase' },
  ],
};
const TargetCrd: CrdSpec = { kind: 'Target', plural: 'targets', scope: 'Namespaced', group: 'multicluster.admiralty.io', version: 'v1alpha1', spec: TargetSpecSchema, status: Type.Object({}) };
const ClusterTargetCrd: CrdSpec = { kind: 'ClusterTarget', plural: 'clustertargets', scope: 'Cluster', group: 'multicluster.admiralty.io', version: 'v1alpha1', spec: TargetSpecSchema, status: Type.Object({}) };

/** The CRDs a source cluster needs for bursting: Liqo's NamespaceOffloading, Admiralty's targets. */
export function sourceClusterCrdObjects(): Array<Record<string, unknown>> {
  return [NamespaceOffloadingCrd, TargetCrd, ClusterTargetCrd].map(buildCrd);
}
