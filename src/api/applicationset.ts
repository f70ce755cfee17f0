import { Type, type Static } from '@sinclair/typebox';
import type { CrdSpec } from './schema.js';
import { ConditionSchema } from './common.js';
import type { KubeObject } from '../kube/types.js';

// Generators nest (matrix and merge take any number of children, at any depth), so the CRD keeps
// them as preserved objects and src/gitops/generators validates them with errors naming the field.
const GeneratorSchema = Type.Record(Type.String(), Type.Unknown());

/** One step of a RollingSync: the Applications whose labels match, and how many update at once. */
export const RolloutStepSchema = Type.Object({
  matchExpressions: Type.Optional(Type.Array(Type.Object({
    key: Type.String(),
    operator: Type.Union([Type.Literal('In'), Type.Literal('NotIn'), Type.Literal('Exists'), Type.Literal('DoesNotExist')]),
    values: Type.Optional(Type.Array(Type.String())),
  }))),
  maxUpdate: Type.Optional(Type.Union([Type.Integer(), Type.String()], { 'x-kubernetes-int-or-string': true })),
});

/** How a new revision reaches the Applications. */
export const StrategySchema = Type.Object({
  type: Type.Union([Type.Literal('AllAtOnce'), Type.Literal('RollingSync')]),
  rollingSync: Type.Optional(Type.Object({ steps: Type.Array(RolloutStepSchema) })),
  /** On a Degraded Application, return the updated ones to the last healthy revision. */
  autoRollback: Type.Optional(Type.Boolean()),
});

/** Spec of an ApplicationSet. */
export const ApplicationSetSpecSchema = Type.Object({
  generators: Type.Array(GeneratorSchema),
  goTemplate: Type.Optional(Type.Boolean()),
  goTemplateOptions: Type.Optional(Type.Array(Type.String())),
  /** The Application template (metadata and spec); string fields are templated. */
  template: Type.Unknown(),
  /** A YAML text templated as a whole and merged over the template: templates non-string fields. */
  templatePatch: Type.Optional(Type.String()),
  syncPolicy: Type.Optional(Type.Object({
    applicationsSync: Type.Optional(Type.Union([Type.Literal('create-only'), Type.Literal('create-update'), Type.Literal('create-delete'), Type.Literal('sync')])),
    preserveResourcesOnDeletion: Type.Optional(Type.Boolean()),
  })),
  strategy: Type.Optional(StrategySchema),
});

/** Per-Application rollout state. */
export const AppRolloutStatusSchema = Type.Object({
  application: Type.String(),
  step: Type.Integer(),
  /** The revision the Application is pinned to. */
  revision: Type.String(),
  status: Type.String(),
  message: Type.Optional(Type.String()),
});

/** A rollout event kept in status (halts and rollbacks). */
export const RolloutEventSchema = Type.Object({ time: Type.String(), type: Type.String(), revision: Type.String(), message: Type.String() });

/** Rollout progress of an ApplicationSet. */
export const RolloutStatusSchema = Type.Object({
  phase: Type.String(),
  targetRevision: Type.String(),
  stableRevision: Type.Optional(Type.String()),
  currentStep: Type.Integer(),
  message: Type.Optional(Type.String()),
  events: Type.Optional(Type.Array(RolloutEventSchema)),
});

/** Observed state of an ApplicationSet. */
export const ApplicationSetStatusSchema = Type.Object({
  conditions: Type.Optional(Type.Array(ConditionSchema)),
  applications: Type.Optional(Type.Array(Type.String())),
  applicationStatus: Type.Optional(Type.Array(AppRolloutStatusSchema)),
  rollout: Type.Optional(RolloutStatusSchema),
  observedGeneration: Type.Optional(Type.Integer()),
});

/** Spec of an ApplicationSet. */
export type ApplicationSetSpec = Static<typeof ApplicationSetSpecSchema>;
/** Status of an ApplicationSet. */
export type ApplicationSetStatus = Static<typeof ApplicationSetStatusSchema>;
/** A RollingSync step. */
export type RolloutStep = Static<typeof RolloutStepSchema>;
/** Rollout progress. */
export type RolloutStatus = Static<typeof RolloutStatusSchema>;
/** Per-Application rollout state. */
export type AppRolloutStatus = Static<typeof AppRolloutStatusSchema>;
/** A `meridian.dev/v1alpha1 ApplicationSet`. */
export interface ApplicationSet extends KubeObject {
  spec: ApplicationSetSpec;
  status?: ApplicationSetStatus;
}

/** Annotation that pauses an ApplicationSet's rollout (`meridian rollout pause`). */
export const PAUSED_ANNOTATION = 'meridian.dev/rollout-paused';

/** The ApplicationSet CRD. */
export const ApplicationSetCrd: CrdSpec = {
  kind: 'ApplicationSet', plural: 'applicationsets', shortNames: ['mappset'], scope: 'Namespaced',
  spec: ApplicationSetSpecSchema, status: ApplicationSetStatusSchema,
  printerColumns: [
    { name: 'Apps', type: 'string', jsonPath: '.status.applications' },
    { name: 'Rollout', type: 'string', jsonPath: '.status.rollout.phase' },
  ],
};
