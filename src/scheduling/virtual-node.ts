import type { Cluster } from '../api/cluster.js';
import type { KubeObject } from '../kube/types.js';
import {
  ADMIRALTY_PROVIDER_KEY, LIQO_REMOTE_CLUSTER_LABEL, LIQO_TOPOLOGY_TYPE_LABEL, LIQO_TYPE_LABEL, MANAGED_BY, MANAGED_BY_LABEL, PEER_LABEL,
  VIRTUAL_NODE_TAINT, VIRTUAL_NODE_TYPE, virtualNodeName,
} from './labels.js';
import { cpuQuantity, memoryQuantity, type Resources } from './resources.js';

/** Labels of a peer's cluster that a virtual node carries (region and zone, plus the Cluster's own labels). */
export function peerLabels(peer: Cluster): Record<string, string> {
  const labels: Record<string, string> = { ...(peer.metadata?.labels ?? {}) };
  labels['topology.kubernetes.io/region'] = peer.spec.region;
  if (peer.spec.zone) labels['topology.kubernetes.io/zone'] = peer.spec.zone;
  return labels;
}

/** The virtual Node object of a peer (metadata and spec; status is written separately). */
export function virtualNodeObject(peer: Cluster): KubeObject {
  const peerName = peer.metadata?.name ?? '';
  const name = virtualNodeName(peerName);
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: {
      name,
      labels: {
        ...peerLabels(peer),
        'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'kubernetes.io/role': 'agent',
        type: VIRTUAL_NODE_TYPE, [LIQO_TYPE_LABEL]: VIRTUAL_NODE_TYPE, [LIQO_TOPOLOGY_TYPE_LABEL]: VIRTUAL_NODE_TYPE,
        [LIQO_REMOTE_CLUSTER_LABEL]: peerName, [PEER_LABEL]: peerName, [ADMIRALTY_PROVIDER_KEY]: 'meridian', [MANAGED_BY_LABEL]: MANAGED_BY,
      },
      annotations: { 'meridian.dev/virtual-node': 'true' },
    },
    spec: { taints: [{ ...VIRTUAL_NODE_TAINT }] },
  };
}

/** The status of a virtual node: allocatable = the peer's offer; Ready follows the peer. */
export function virtualNodeStatus(peerName: string, offer: Resources, ready: boolean, reason: string, now = new Date()): Record<string, unknown> {
  const at = now.toISOString().replace(/\.\d+Z$/, 'Z');
  const cond = (type: string, status: string, why: string, message: string) => ({ type, status, reason: why, message, lastHeartbeatTime: at });
  const quantities = { cpu: cpuQuantity(offer.cpu), memory: memoryQuantity(offer.memory), pods: String(offer.pods) };
  return {
    capacity: quantities,
    allocatable: quantities,
    conditions: [
      cond('Ready', ready ? 'True' : 'False', ready ? 'PeerReady' : 'PeerNotReady', reason),
      cond('MemoryPressure', 'False', 'PeerHasSufficientMemory', 'virtual node'),
      cond('DiskPressure', 'False', 'PeerHasNoDiskPressure', 'virtual node'),
      cond('PIDPressure', 'False', 'PeerHasSufficientPID', 'virtual node'),
    ],
    addresses: [{ type: 'Hostname', address: virtualNodeName(peerName) }],
    daemonEndpoints: { kubeletEndpoint: { Port: 0 } },
    nodeInfo: {
      machineID: peerName, systemUUID: peerName, bootID: peerName, kernelVersion: '', osImage: `Meridian virtual node for ${peerName}`,
      containerRuntimeVersion: 'meridian://virtual', kubeletVersion: 'v1.20.2-meridian', kubeProxyVersion: '', operatingSystem: 'linux', architecture: 'amd64',
    },
  };
}
