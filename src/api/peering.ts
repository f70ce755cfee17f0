import { Type, type Static } from '@sinclair/typebox';
import type { CrdSpec } from './schema.js';
import { ConditionSchema } from './common.js';
import type { KubeObject } from '../kube/types.js';

/** Spec of a Peering: `from` may run pods in `to`, through a virtual node in `from`. */
export const PeeringSpecSchema = Type.Object({
  from: Type.String({ description: 'Member cluster that offloads pods (the virtual node appears here)', minLength: 1 }),
  to: Type.String({ description: 'Member cluster that runs the offloaded pods', minLength: 1 }),
  sharePercent: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Share of the peer\'s free capacity offered (default 90)' })),
});

/** Observed state of a Peering. */
export const PeeringStatusSchema = Type.Object({
  conditions: Type.Optional(Type.Array(ConditionSchema)),
  virtualNode: Type.Optional(Type.String()),
  allocatable: Type.Optional(Type.Object({ cpu: Type.String(), memory: Type.String(), pods: Type.String() })),
  offloadedPods: Type.Optional(Type.Integer()),
  observedGeneration: Type.Optional(Type.Integer()),
});

/** Spec of a Peering. */
export type PeeringSpec = Static<typeof PeeringSpecSchema>;
/** Status of a Peering. */
export type PeeringStatus = Static<typeof PeeringStatusSchema>;
/** A `meridian.dev/v1alpha1 Peering` (cluster-scoped, on the hub). */
export interface Peering extends KubeObject {
  spec: PeeringSpec;
  status?: PeeringStatus;
}

/** The Peering CRD. */
export const PeeringCrd: CrdSpec = {
  kind: 'Peering', plural: 'peerings', shortNames: ['peer'], scope: 'Cluster',
  spec: PeeringSpecSchema, status: PeeringStatusSchema,
  printerColumns: [
    { name: 'From', type: 'string', jsonPath: '.spec.from' },
    { name: 'To', type: 'string', jsonPath: '.spec.to' },
    { name: 'Node', type: 'string', jsonPath: '.status.virtualNode' },
    { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ],
};

/** The name `meridian peer` gives the Peering of a pair. */
export function peeringName(from: string, to: string): string {
  return `${from}-to-${to}`;
}
