import { Type, type Static } from '@sinclair/typebox';
import type { CrdSpec } from './schema.js';
import { ConditionSchema } from './common.js';
import type { KubeObject } from '../kube/types.js';

/** Where one region's secrets live: exactly one of aws, vault or kubernetes. */
export const RegionStoreSchema = Type.Object({
  region: Type.String({ description: 'matches Cluster spec.region' }),
  aws: Type.Optional(Type.Object({ region: Type.String(), service: Type.Optional(Type.Union([Type.Literal('SecretsManager'), Type.Literal('ParameterStore')])), role: Type.Optional(Type.String()) })),
  vault: Type.Optional(Type.Object({ server: Type.String(), path: Type.String(), version: Type.Optional(Type.Union([Type.Literal('v1'), Type.Literal('v2')])), mountPath: Type.Optional(Type.String()), role: Type.String() })),
  kubernetes: Type.Optional(Type.Object({ namespace: Type.String({ description: 'namespace in the region\'s own cluster that holds its secrets' }) })),
});

/** Spec of a SecretStorePlan: one store per member, from its region's entry. */
export const SecretStorePlanSpecSchema = Type.Object({
  storeName: Type.String({ description: 'name of the SecretStore / ClusterSecretStore in every member' }),
  storeKind: Type.Union([Type.Literal('SecretStore'), Type.Literal('ClusterSecretStore')], { default: 'SecretStore' }),
  /** Namespaces that get a SecretStore (SecretStore kind) or hold the store's credentials (ClusterSecretStore: the first). */
  namespaces: Type.Array(Type.String(), { minItems: 1 }),
  apiVersion: Type.Optional(Type.Union([Type.Literal('external-secrets.io/v1'), Type.Literal('external-secrets.io/v1beta1')], { default: 'external-secrets.io/v1' })),
  regions: Type.Array(RegionStoreSchema, { minItems: 1 }),
});

/** Observed state of a SecretStorePlan. */
export const SecretStorePlanStatusSchema = Type.Object({
  clusters: Type.Optional(Type.Array(Type.Object({ cluster: Type.String(), region: Type.String(), provider: Type.String() }))),
  conditions: Type.Optional(Type.Array(ConditionSchema)),
});

/** Spec of a SecretStorePlan. */
export type SecretStorePlanSpec = Static<typeof SecretStorePlanSpecSchema>;
/** One region's store. */
export type RegionStore = Static<typeof RegionStoreSchema>;
/** A `meridian.dev/v1alpha1 SecretStorePlan` (cluster-scoped on the hub). */
export interface SecretStorePlan extends KubeObject {
  spec: SecretStorePlanSpec;
  status?: Static<typeof SecretStorePlanStatusSchema>;
}

/** The SecretStorePlan CRD. */
export const SecretStorePlanCrd: CrdSpec = {
  kind: 'SecretStorePlan', plural: 'secretstoreplans', shortNames: ['ssp'], scope: 'Cluster',
  spec: SecretStorePlanSpecSchema, status: SecretStorePlanStatusSchema,
  printerColumns: [{ name: 'Store', type: 'string', jsonPath: '.spec.storeName' }, { name: 'Kind', type: 'string', jsonPath: '.spec.storeKind' }],
};
