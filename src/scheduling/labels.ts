// Names of labels, annotations, taints and scheduler names shared by Admiralty, Liqo and Meridian.
// The Admiralty names follow admiraltyio/admiralty pkg/common/constants.go; the Liqo ones its
// virtual-kubelet (liqo.io/type, virtual-node.liqo.io/not-allowed).

/** Pod annotation that elects a pod for multi-cluster scheduling (Admiralty). */
export const ELECT_ANNOTATION = 'multicluster.admiralty.io/elect';
/** Namespace label that enables Admiralty's webhook. */
export const ADMIRALTY_NAMESPACE_LABEL = 'multicluster-scheduler';
/** Scheduler name of Admiralty proxy pods; Meridian's proxy scheduler binds these. */
export const PROXY_SCHEDULER_NAME = 'admiralty-proxy';
/** Admiralty annotation with the pod as the user wrote it. */
export const SOURCE_POD_MANIFEST_ANNOTATION = 'multicluster.admiralty.io/sourcepod-manifest';
/** Admiralty's virtual-kubelet provider key (label and toleration). */
export const ADMIRALTY_PROVIDER_KEY = 'virtual-kubelet.io/provider';
/** Admiralty labels on delegate pods that point back to the proxy. */
export const PARENT_UID_LABEL = 'multicluster.admiralty.io/parent-uid';
export const PARENT_NAME_LABEL = 'multicluster.admiralty.io/parent-name';
export const PARENT_NAMESPACE_LABEL = 'multicluster.admiralty.io/parent-namespace';
/** Admiralty annotation on delegates. */
export const IS_DELEGATE_ANNOTATION = 'multicluster.admiralty.io/is-delegate';

/** Liqo node type label, and the seed's topology key. */
export const LIQO_TYPE_LABEL = 'liqo.io/type';
export const LIQO_TOPOLOGY_TYPE_LABEL = 'topology.liqo.io/type';
/** Value of the type labels on virtual nodes; physical nodes carry `physical` on the topology key. */
export const VIRTUAL_NODE_TYPE = 'virtual-node';
export const PHYSICAL_NODE_TYPE = 'physical';
/** Liqo's remote cluster label on a virtual node. */
export const LIQO_REMOTE_CLUSTER_LABEL = 'liqo.io/remote-cluster-id';
/** The taint only offloaded pods tolerate (Liqo). */
export const VIRTUAL_NODE_TAINT = { key: 'virtual-node.liqo.io/not-allowed', value: 'true', effect: 'NoExecute' } as const;
/** Namespace label Meridian sets on namespaces with a NamespaceOffloading (its webhook selects on it). */
export const OFFLOADED_NAMESPACE_LABEL = 'liqo.io/scheduling-enabled';

/** Meridian: on virtual nodes, the peer; on remote objects, the source cluster and local uid. */
export const PEER_LABEL = 'meridian.dev/peer';
export const SOURCE_CLUSTER_LABEL = 'meridian.dev/source-cluster';
export const SOURCE_UID_LABEL = 'meridian.dev/source-uid';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'meridian-scheduling';
/** Annotations on the local pod: where its delegate runs. */
export const DELEGATE_CLUSTER_ANNOTATION = 'meridian.dev/delegate-cluster';
export const DELEGATE_NAMESPACE_ANNOTATION = 'meridian.dev/delegate-namespace';
export const DELEGATE_UID_ANNOTATION = 'meridian.dev/delegate-uid';
/** Reason written on a local pod whose delegate was lost with its peer. */
export const LOST_REASON = 'PeerLost';

/** The virtual node of a peer in its source cluster (Liqo names them `liqo-<cluster>`). */
export function virtualNodeName(peer: string): string {
  return `liqo-${peer}`;
}
