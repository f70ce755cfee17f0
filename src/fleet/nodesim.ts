import { randomBytes } from 'node:crypto';
import { KubeClient } from '../kube/client.js';
import { isConflict, isNotFound } from '../kube/errors.js';
import { Informer, objectKey } from '../kube/informer.js';
import type { KubeObject } from '../kube/types.js';
import { WorkQueue } from '../controller/queue.js';
import type { Logger } from '../util/log.js';
import { nodePodCidr, type FleetCluster } from './layout.js';
import { podPhaseFor, simulatedPodStatus, type SimPod } from './podstatus.js';

const LEASE_RENEW_MS = 10_000;
const STATUS_REFRESH_MS = 30_000;

/** Node capacity of a simulated node. */
export const SIM_NODE_CAPACITY = { cpu: '4', memory: '16Gi', pods: '110', 'ephemeral-storage': '100Gi' };

/**
 * Simulated nodes, the approach of kwok: Node objects that keep themselves Ready (status
 * heartbeats and Lease renewals), and pods bound to them that become Running and Ready with IPs
 * from the node's pod CIDR. Deleted pods are finalised. The IPs are data only: nothing connects.
 */
export class NodeSimulator {
  private readonly nodeNames: string[];
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly usedIps = new Map<string, Set<string>>();
  private readonly pods: Informer<SimPod>;
  private readonly queue: WorkQueue;
  private ready = new Set<string>();

  constructor(private readonly client: KubeClient, private readonly cluster: FleetCluster, private readonly log: Logger) {
    this.nodeNames = Array.from({ length: cluster.nodes }, (_, i) => `${cluster.name}-node-${i + 1}`);
    this.pods = new Informer<SimPod>(client, { apiVersion: 'v1', kind: 'Pod' });
    this.queue = new WorkQueue((key) => this.reconcilePod(key), { ratePerSecond: 200, concurrency: 8 }, (key, err) => this.log.warn({ pod: key, err: (err as Error).message }, 'pod status update failed; will retry'));
  }

  /** Number of nodes whose Ready status has been written. */
  readyNodes(): number {
    return this.ready.size;
  }

  /** Total simulated nodes. */
  totalNodes(): number {
    return this.nodeNames.length;
  }

  /** Registers the nodes, then keeps them alive and simulates their pods. */
  async start(): Promise<void> {
    await Promise.all(this.nodeNames.map((name, i) => this.registerNode(name, i + 1)));
    for (const name of this.nodeNames) {
      await this.ensureLeaseNamespace();
      await this.renewLease(name).catch((err: Error) => this.log.warn({ node: name, err: err.message }, 'lease renewal failed'));
    }
    this.timers.push(setInterval(() => void this.renewAll(), LEASE_RENEW_MS));
    this.timers.push(setInterval(() => void this.refreshStatuses(), STATUS_REFRESH_MS));
    const enqueue = (pod: SimPod) => this.nodeNames.includes(pod.spec?.nodeName ?? '') && this.queue.add(objectKey(pod));
    this.pods.on('add', enqueue).on('update', enqueue).on('delete', (pod: SimPod) => this.releaseIp(pod));
    this.pods.start();
  }

  /** Stops heartbeats and the pod watch. */
  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.pods.stop();
    this.queue.stop();
  }

  private async registerNode(name: string, n: number): Promise<void> {
    const node = {
      apiVersion: 'v1', kind: 'Node',
      metadata: {
        name,
        labels: {
          'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64',
          'node.kubernetes.io/instance-type': 'meridian-sim',
          'topology.kubernetes.io/region': this.cluster.region, 'topology.kubernetes.io/zone': `${this.cluster.region}-${'abc'[(n - 1) % 3]}`,
          // The seed's topology key (Liqo's virtual nodes carry `virtual-node`), so spread splits home vs peers.
          'topology.liqo.io/type': 'physical',
        },
        annotations: { 'meridian.dev/simulated': 'true' },
      },
      spec: { podCIDR: nodePodCidr(this.cluster.podCidr, n), podCIDRs: [nodePodCidr(this.cluster.podCidr, n)] },
    };
    try {
      await this.client.create(node);
    } catch (err) {
      if (!isConflict(err)) throw err;
    }
    await this.writeNodeStatus(name, n);
  }

  private nodeIp(n: number): string {
    return `10.99.${this.cluster.index}.${n}`;
  }

  private async writeNodeStatus(name: string, n: number): Promise<void> {
    const now = new Date().toISOString();
    const cond = (type: string, status: string, reason: string) => ({ type, status, reason, message: reason, lastHeartbeatTime: now, lastTransitionTime: now });
    const status = {
      capacity: SIM_NODE_CAPACITY,
      allocatable: SIM_NODE_CAPACITY,
      conditions: [
        cond('Ready', 'True', 'KubeletReady'), cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory'),
        cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure'), cond('PIDPressure', 'False', 'KubeletHasSufficientPID'),
      ],
      addresses: [{ type: 'InternalIP', address: this.nodeIp(n) }, { type: 'Hostname', address: name }],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: name, systemUUID: name, bootID: name, kernelVersion: '5.10.0-meridian-sim', osImage: 'Meridian simulated node',
        containerRuntimeVersion: 'sim://1.0.0', kubeletVersion: 'v1.20.2', kubeProxyVersion: 'v1.20.2', operatingSystem: 'linux', architecture: 'amd64',
      },
    };
    await this.client.patchStatus('v1', 'Node', name, undefined, status);
    this.ready.add(name);
  }

  private async refreshStatuses(): Promise<void> {
    await Promise.allSettled(this.nodeNames.map(async (name, i) => {
      try {
        await this.writeNodeStatus(name, i + 1);
      } catch (err) {
        if (isNotFound(err)) await this.registerNode(name, i + 1);
        else this.log.warn({ node: name, err: (err as Error).message }, 'node status update failed');
      }
    }));
  }

  private async ensureLeaseNamespace(): Promise<void> {
    try {
      await this.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-node-lease' } });
    } catch (err) {
      if (!isConflict(err)) throw err;
    }
  }

  private async renewAll(): Promise<void> {
    await Promise.allSettled(this.nodeNames.map((n) => this.renewLease(n)));
  }

  private async renewLease(name: string): Promise<void> {
    const renewTime = new Date().toISOString().replace('Z', '000Z');
    await this.client.apply({
      apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
      metadata: { name, namespace: 'kube-node-lease' },
      spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime },
    }, { fieldManager: 'meridian-nodesim' });
  }

  private async reconcilePod(key: string): Promise<void> {
    const pod = this.pods.get(key);
    if (!pod?.metadata?.name || !pod.spec?.nodeName) return;
    const { name, namespace } = pod.metadata;
    if (pod.metadata.deletionTimestamp) {
      await this.client.delete('v1', 'Pod', name, namespace, { gracePeriodSeconds: 0 });
      this.releaseIp(pod);
      return;
    }
    const phase = podPhaseFor(pod);
    if (pod.status?.phase === phase.phase && pod.status?.podIP && phase.matches(pod)) return;
    const n = this.nodeNames.indexOf(pod.spec.nodeName) + 1;
    const podIP = pod.status?.podIP ?? this.allocateIp(pod.spec.nodeName, n);
    const status = simulatedPodStatus(pod, phase, { podIP, hostIP: this.nodeIp(n), containerId: () => `containerd://${randomBytes(16).toString('hex')}` });
    try {
      await this.client.patchStatus('v1', 'Pod', name, namespace, status);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  private allocateIp(node: string, n: number): string {
    const used = this.usedIps.get(node) ?? this.seedUsed(node);
    const [a, b, c] = nodePodCidr(this.cluster.podCidr, n).split('.');
    for (let host = 2; host < 255; host++) {
      const ip = `${a}.${b}.${c}.${host}`;
      if (!used.has(ip)) {
        used.add(ip);
        return ip;
      }
    }
    throw new Error(`node ${node}: pod CIDR exhausted`);
  }

  private seedUsed(node: string): Set<string> {
    const used = new Set<string>();
    for (const p of this.pods.list()) if (p.spec?.nodeName === node && p.status?.podIP) used.add(p.status.podIP);
    this.usedIps.set(node, used);
    return used;
  }

  private releaseIp(pod: KubeObject & SimPod): void {
    const ip = pod.status?.podIP;
    if (ip && pod.spec?.nodeName) this.usedIps.get(pod.spec.nodeName)?.delete(ip);
  }
}
