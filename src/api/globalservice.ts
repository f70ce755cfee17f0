import { Type, type Static } from '@sinclair/typebox';
import type { CrdSpec } from './schema.js';
import { ConditionSchema, LabelSelectorSchema } from './common.js';
import type { KubeObject } from '../kube/types.js';

/** Where each backend's address comes from: the Cluster's ingress addresses, or a load balancer in the member. */
export const AddressSourceSchema = Type.Object({
  from: Type.Union([Type.Literal('Cluster'), Type.Literal('Ingress'), Type.Literal('Service')], { default: 'Cluster' }),
  name: Type.Optional(Type.String({ description: 'Ingress or Service name in each member' })),
  namespace: Type.Optional(Type.String()),
});

/** How backends are probed. */
export const HealthCheckSchema = Type.Object({
  protocol: Type.Union([Type.Literal('http'), Type.Literal('https'), Type.Literal('tcp')], { default: 'http' }),
  port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: 'default: the Cluster ingressPort, else 80/443' })),
  path: Type.Optional(Type.String({ default: '/' })),
  host: Type.Optional(Type.String({ description: 'Host header; default the first hostname' })),
  expectedStatus: Type.Optional(Type.Array(Type.Integer({ minimum: 100, maximum: 599 }), { description: 'default 200-399' })),
  intervalSeconds: Type.Optional(Type.Number({ minimum: 0.1, default: 10 })),
  timeoutSeconds: Type.Optional(Type.Number({ minimum: 0.1, default: 2 })),
  failureThreshold: Type.Optional(Type.Integer({ minimum: 1, default: 3 })),
  successThreshold: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
});

/** A client-network table row for geo routing: these networks go to these regions. */
const GeoRuleSchema = Type.Object({ cidrs: Type.Array(Type.String()), regions: Type.Array(Type.String()) });
/** A client-network table row for latency routing: measured or configured round-trip times per region. */
const LatencyRowSchema = Type.Object({ cidrs: Type.Array(Type.String()), rttMs: Type.Record(Type.String(), Type.Number()) });

/** The answer policy. */
export const PolicySchema = Type.Object({
  type: Type.Union([Type.Literal('failover'), Type.Literal('roundRobin'), Type.Literal('weighted'), Type.Literal('geo'), Type.Literal('latency')]),
  /** failover: regions in order of preference; the first healthy one is answered. */
  order: Type.Optional(Type.Array(Type.String())),
  /** failover: the primary region (k8gb primaryGeoTag); the others follow in name order. */
  primaryRegion: Type.Optional(Type.String()),
  /** weighted: weight per region or cluster name. */
  weights: Type.Optional(Type.Record(Type.String(), Type.Integer({ minimum: 0 }))),
  geo: Type.Optional(Type.Object({ rules: Type.Array(GeoRuleSchema), defaultRegions: Type.Optional(Type.Array(Type.String())) })),
  latency: Type.Optional(Type.Object({ networks: Type.Array(LatencyRowSchema) })),
});

/** Spec of a GlobalService: hostnames answered by health-checked backends in several clusters. */
export const GlobalServiceSpecSchema = Type.Object({
  hostnames: Type.Array(Type.String(), { minItems: 1 }),
  clusterSelector: Type.Optional(LabelSelectorSchema),
  address: Type.Optional(AddressSourceSchema),
  healthCheck: Type.Optional(HealthCheckSchema),
  policy: PolicySchema,
  ttlSeconds: Type.Optional(Type.Integer({ minimum: 0, default: 30 })),
  failClosed: Type.Optional(Type.Boolean({ description: 'answer nothing when every backend is unhealthy (default: answer all)' })),
});

/** Health of one backend as the status reports it. */
export const BackendStatusSchema = Type.Object({
  cluster: Type.String(),
  region: Type.String(),
  address: Type.String(),
  health: Type.Union([Type.Literal('Healthy'), Type.Literal('Unhealthy'), Type.Literal('Unknown')]),
  reason: Type.String(),
  message: Type.Optional(Type.String()),
  lastTransitionTime: Type.String(),
  lastProbeTime: Type.Optional(Type.String()),
});

/** Observed state of a GlobalService. */
export const GlobalServiceStatusSchema = Type.Object({
  backends: Type.Optional(Type.Array(BackendStatusSchema)),
  answers: Type.Optional(Type.Array(Type.Object({ hostname: Type.String(), addresses: Type.Array(Type.String()) }))),
  zone: Type.Optional(Type.String()),
  serial: Type.Optional(Type.Integer()),
  conditions: Type.Optional(Type.Array(ConditionSchema)),
  observedGeneration: Type.Optional(Type.Integer()),
});

/** Spec of a GlobalService. */
export type GlobalServiceSpec = Static<typeof GlobalServiceSpecSchema>;
/** Status of a GlobalService. */
export type GlobalServiceStatus = Static<typeof GlobalServiceStatusSchema>;
/** The answer policy of a GlobalService. */
export type Policy = Static<typeof PolicySchema>;
/** The health check of a GlobalService. */
export type HealthCheckSpec = Static<typeof HealthCheckSchema>;
/** Health of one backend in status. */
export type BackendStatus = Static<typeof BackendStatusSchema>;
/** A `meridian.dev/v1alpha1 GlobalService`. */
export interface GlobalService extends KubeObject {
  spec: GlobalServiceSpec;
  status?: GlobalServiceStatus;
}

/** The GlobalService CRD (namespaced, like k8gb's Gslb). */
export const GlobalServiceCrd: CrdSpec = {
  kind: 'GlobalService', plural: 'globalservices', shortNames: ['gsvc'], scope: 'Namespaced',
  spec: GlobalServiceSpecSchema, status: GlobalServiceStatusSchema,
  printerColumns: [
    { name: 'Hostnames', type: 'string', jsonPath: '.spec.hostnames' },
    { name: 'Policy', type: 'string', jsonPath: '.spec.policy.type' },
    { name: 'Serial', type: 'integer', jsonPath: '.status.serial' },
    { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
  ],
};
