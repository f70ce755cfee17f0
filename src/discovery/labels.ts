// Names of the labels and annotations discovery reads and writes, in one place.

/** Cilium: the Service is a global service (exported). */
export const CILIUM_GLOBAL = 'service.cilium.io/global';
/** Cilium: "false" keeps this cluster's endpoints to itself while it still uses remote ones. */
export const CILIUM_SHARED = 'service.cilium.io/shared';
/** Cilium: local | remote | none, the side answered first. */
export const CILIUM_AFFINITY = 'service.cilium.io/affinity';
/** Meridian: the weight of this cluster's copy in answers (integer, default 1; 0 keeps it out). */
export const WEIGHT_ANNOTATION = 'multicluster.meridian.dev/weight';

/** MCS: the ServiceImport a derived EndpointSlice belongs to. */
export const MCS_SERVICE_NAME = 'multicluster.kubernetes.io/service-name';
/** MCS: the cluster a derived EndpointSlice's endpoints come from. */
export const MCS_SOURCE_CLUSTER = 'multicluster.kubernetes.io/source-cluster';
/** The label of EndpointSlices naming their Service (kube-controller-manager's slices). */
export const SERVICE_NAME = 'kubernetes.io/service-name';
/** Who manages an EndpointSlice. */
export const SLICE_MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
/** Our value of SLICE_MANAGED_BY. */
export const SLICE_MANAGER = 'discovery.meridian.dev';
/** Marks the ServiceImports Meridian manages (it deletes only those). */
export const MANAGED_BY = 'app.kubernetes.io/managed-by';
/** Our value of MANAGED_BY. */
export const MANAGER = 'meridian';
