import { Type, type Static } from '@sinclair/typebox';

/** A status condition (Kubernetes API conventions). */
export const ConditionSchema = Type.Object({
  type: Type.String(),
  status: Type.Union([Type.Literal('True'), Type.Literal('False'), Type.Literal('Unknown')]),
  reason: Type.String(),
  message: Type.String(),
  lastTransitionTime: Type.String({ format: 'date-time' }),
  observedGeneration: Type.Optional(Type.Integer()),
});

/** A label selector with matchLabels and matchExpressions. */
export const LabelSelectorSchema = Type.Object({
  matchLabels: Type.Optional(Type.Record(Type.String(), Type.String())),
  matchExpressions: Type.Optional(Type.Array(Type.Object({
    key: Type.String(),
    operator: Type.Union([Type.Literal('In'), Type.Literal('NotIn'), Type.Literal('Exists'), Type.Literal('DoesNotExist')]),
    values: Type.Optional(Type.Array(Type.String())),
  }))),
});
/** A label selector. */
export type LabelSelector = Static<typeof LabelSelectorSchema>;

/** A reference to a Secret. */
export const SecretRefSchema = Type.Object({ name: Type.String(), namespace: Type.String() });
