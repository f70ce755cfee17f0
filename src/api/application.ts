import { Type, type Static } from '@sinclair/typebox';
import type { CrdSpec } from './schema.js';
import { ConditionSchema } from './common.js';
import type { KubeObject } from '../kube/types.js';

/** Where an Application's manifests come from: a Git repository, a revision and a path in it. */
export const SourceSchema = Type.Object({
  repoURL: Type.String({ description: 'file://, https:// or ssh URL of the Git repository' }),
  targetRevision: Type.Optional(Type.String({ description: 'branch, tag or commit; default HEAD' })),
  path: Type.Optional(Type.String({ description: 'directory in the repository (kustomization or plain YAML); default the root' })),
});

/** Which member cluster and default namespace an Application deploys to. */
export const DestinationSchema = Type.Object({
  name: Type.String({ description: 'member cluster name' }),
  server: Type.Optional(Type.String()),
  namespace: Type.Optional(Type.String({ description: 'namespace for namespaced objects that name none' })),
});

/** How an Application is kept in sync. */
export const SyncPolicySchema = Type.Object({
  automated: Type.Optional(Type.Object({
    prune: Type.Optional(Type.Boolean()),
    selfHeal: Type.Optional(Type.Boolean()),
  })),
  /** Share (0..1) of tracked resources one sync may delete without confirmation; default 0.5. */
  pruneConfirmShare: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  /** Keep member resources when the Application is deleted. */
  preserveResourcesOnDeletion: Type.Optional(Type.Boolean()),
});

/** Spec of an Application. */
export const ApplicationSpecSchema = Type.Object({
  project: Type.Optional(Type.String()),
  source: SourceSchema,
  destination: DestinationSchema,
  syncPolicy: Type.Optional(SyncPolicySchema),
});

/** One resource an Application manages, as the status lists it. */
export const ResourceStatusSchema = Type.Object({
  group: Type.Optional(Type.String({ description: 'absent for the core group' })), version: Type.String(), kind: Type.String(),
  namespace: Type.Optional(Type.String()), name: Type.String(),
  status: Type.Union([Type.Literal('Synced'), Type.Literal('OutOfSync'), Type.Literal('Unknown')]),
  health: Type.Optional(Type.String()),
  message: Type.Optional(Type.String()),
});

/** Sync state of an Application. */
export const SyncStatusSchema = Type.Object({
  status: Type.Union([Type.Literal('Synced'), Type.Literal('OutOfSync'), Type.Literal('Unknown')]),
  revision: Type.Optional(Type.String()),
});

/** Health of an Application (worst of its resources). */
export const HealthStatusSchema = Type.Object({
  status: Type.Union([Type.Literal('Healthy'), Type.Literal('Progressing'), Type.Literal('Degraded'), Type.Literal('Suspended'), Type.Literal('Missing'), Type.Literal('Unknown')]),
  message: Type.Optional(Type.String()),
});

/** Observed state of an Application. */
export const ApplicationStatusSchema = Type.Object({
  sync: Type.Optional(SyncStatusSchema),
  health: Type.Optional(HealthStatusSchema),
  resources: Type.Optional(Type.Array(ResourceStatusSchema)),
  conditions: Type.Optional(Type.Array(ConditionSchema)),
  /** sha256 of the rendered manifests last applied to the member. */
  appliedHash: Type.Optional(Type.String()),
  /** Per resource key, the hash of the server's answer projected on the fields Meridian manages. */
  fingerprints: Type.Optional(Type.Record(Type.String(), Type.String())),
  lastSyncTime: Type.Optional(Type.String()),
  /** `apiVersion/Kind` of everything the Application may have resources of (where prune looks). */
  managedKinds: Type.Optional(Type.Array(Type.String())),
  /** Revisions that were last seen Synced and Healthy, newest first. */
  healthyRevisions: Type.Optional(Type.Array(Type.String())),
  observedGeneration: Type.Optional(Type.Integer()),
});

/** Spec of an Application. */
export type ApplicationSpec = Static<typeof ApplicationSpecSchema>;
/** Status of an Application. */
export type ApplicationStatus = Static<typeof ApplicationStatusSchema>;
/** Health status values. */
export type HealthState = Static<typeof HealthStatusSchema>['status'];
/** One managed resource in status. */
export type ResourceStatus = Static<typeof ResourceStatusSchema>;
/** A `meridian.dev/v1alpha1 Application`: one generated element of an ApplicationSet, deployed to one member. */
export interface Application extends KubeObject {
  spec: ApplicationSpec;
  status?: ApplicationStatus;
}

/** The Application CRD. */
export const ApplicationCrd: CrdSpec = {
  kind: 'Application', plural: 'applications', shortNames: ['mapp'], scope: 'Namespaced',
  spec: ApplicationSpecSchema, status: ApplicationStatusSchema,
  printerColumns: [
    { name: 'Cluster', type: 'string', jsonPath: '.spec.destination.name' },
    { name: 'Sync', type: 'string', jsonPath: '.status.sync.status' },
    { name: 'Health', type: 'string', jsonPath: '.status.health.status' },
    { name: 'Revision', type: 'string', jsonPath: '.status.sync.revision' },
  ],
};
