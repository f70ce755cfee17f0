import { Type, type Static } from '@sinclair/typebox';
import { buildCrd, type CrdSpec } from './schema.js';
import { ConditionSchema } from './common.js';
import type { KubeObject } from '../kube/types.js';

// The Multi-Cluster Services API (KEP-1645) and ClusterProperty (KEP-2149), as Meridian installs
// them into members that lack them. Field names follow the upstream CRDs so that other tools
// (Submariner Lighthouse, GKE MCS, Cilium) read the same objects.

/** `multicluster.x-k8s.io/v1alpha1`. */
export const MCS_API_VERSION = 'multicluster.x-k8s.io/v1alpha1';
/** `about.k8s.io/v1alpha1`. */
export const ABOUT_API_VERSION = 'about.k8s.io/v1alpha1';

/** A port of a ServiceImport, merged across the exporting clusters. */
export const ServicePortSchema = Type.Object({
  name: Type.Optional(Type.String()),
  protocol: Type.Union([Type.Literal('TCP'), Type.Literal('UDP'), Type.Literal('SCTP')]),
  appProtocol: Type.Optional(Type.String()),
  port: Type.Integer(),
});
/** A port of a ServiceImport. */
export type ServicePort = Static<typeof ServicePortSchema>;

/** ServiceExport has no spec in v1alpha1: its name and namespace say which Service it exports. */
export const ServiceExportSpecSchema = Type.Object({});
/** Status of a ServiceExport: conditions Valid and Conflict. */
export const ServiceExportStatusSchema = Type.Object({ conditions: Type.Optional(Type.Array(ConditionSchema)) });

/** Spec of a ServiceImport. */
export const ServiceImportSpecSchema = Type.Object({
  ips: Type.Optional(Type.Array(Type.String())),
  type: Type.Union([Type.Literal('ClusterSetIP'), Type.Literal('Headless')]),
  ports: Type.Array(ServicePortSchema),
  sessionAffinity: Type.Optional(Type.String()),
  sessionAffinityConfig: Type.Optional(Type.Unknown()),
});
/** Status of a ServiceImport: the clusters that export the service. */
export const ServiceImportStatusSchema = Type.Object({
  clusters: Type.Optional(Type.Array(Type.Object({ cluster: Type.String() }))),
});

/** Spec of a ClusterProperty (KEP-2149): a name is the property, `value` its value. */
export const ClusterPropertySpecSchema = Type.Object({ value: Type.String({ maxLength: 128000 }) });

/** A `multicluster.x-k8s.io/v1alpha1 ServiceExport`. */
export interface ServiceExport extends KubeObject {
  spec?: Static<typeof ServiceExportSpecSchema>;
  status?: Static<typeof ServiceExportStatusSchema>;
}
/** Spec of a ServiceImport. */
export type ServiceImportSpec = Static<typeof ServiceImportSpecSchema>;
/** A `multicluster.x-k8s.io/v1alpha1 ServiceImport`. */
export interface ServiceImport extends KubeObject {
  spec: ServiceImportSpec;
  status?: Static<typeof ServiceImportStatusSchema>;
}
/** An `about.k8s.io/v1alpha1 ClusterProperty`. */
export interface ClusterProperty extends KubeObject {
  spec: Static<typeof ClusterPropertySpecSchema>;
}

/** The ServiceExport CRD. */
export const ServiceExportCrd: CrdSpec = {
  group: 'multicluster.x-k8s.io', kind: 'ServiceExport', plural: 'serviceexports', shortNames: ['svcex'], scope: 'Namespaced',
  spec: ServiceExportSpecSchema, status: ServiceExportStatusSchema,
  printerColumns: [{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }],
};

/** The ServiceImport CRD. */
export const ServiceImportCrd: CrdSpec = {
  group: 'multicluster.x-k8s.io', kind: 'ServiceImport', plural: 'serviceimports', shortNames: ['svcim'], scope: 'Namespaced',
  spec: ServiceImportSpecSchema, status: ServiceImportStatusSchema,
  printerColumns: [
    { name: 'Type', type: 'string', jsonPath: '.spec.type' },
    { name: 'IP', type: 'string', jsonPath: '.spec.ips' },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ],
};

/** The ClusterProperty CRD (cluster-scoped). */
export const ClusterPropertyCrd: CrdSpec = {
  group: 'about.k8s.io', kind: 'ClusterProperty', plural: 'clusterproperties', scope: 'Cluster',
  spec: ClusterPropertySpecSchema,
  printerColumns: [{ name: 'Value', type: 'string', jsonPath: '.spec.value' }],
};

/** The CRDs discovery installs into every member that lacks them. */
export const MEMBER_DISCOVERY_CRDS: CrdSpec[] = [ServiceExportCrd, ServiceImportCrd, ClusterPropertyCrd];

/** The API review of the about.k8s.io group (KEP-2149): *.k8s.io CRDs must name theirs. */
const ABOUT_API_APPROVAL = 'https://github.com/kubernetes/enhancements/pull/3084';

/** The CustomResourceDefinition objects for members. */
export function memberDiscoveryCrdObjects(): Array<Record<string, unknown>> {
  return MEMBER_DISCOVERY_CRDS.map((def) => {
    const crd = buildCrd(def);
    if (def.group?.endsWith('.k8s.io')) {
      const metadata = crd.metadata as Record<string, unknown>;
      metadata.annotations = { 'api-approved.kubernetes.io': ABOUT_API_APPROVAL };
    }
    return crd;
  });
}
