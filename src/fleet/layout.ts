import { join, resolve } from 'node:path';
import { homedir } from 'node:os';

/** One cluster of the local fleet: names, ports, addresses and CIDRs, all derived from its index. */
export interface FleetCluster {
  name: string;
  index: number;
  /** Region label; the hub has region `global`. */
  region: string;
  role: 'hub' | 'member';
  apiserverPort: number;
  etcdClientPort: number;
  etcdPeerPort: number;
  /** Loopback address of the region's ingress endpoint (members only). */
  ingressAddress: string;
  ingressPort: number;
  podCidr: string;
  serviceCidr: string;
  /** The data-only address the apiserver advertises (never connected to). */
  advertiseAddress: string;
  nodes: number;
}

/** The shape of a local fleet. */
export interface FleetSpec {
  stateDir: string;
  portBase: number;
  /** Third octet of the ingress loopback addresses: 127.0.<net>.<index>. */
  ingressNet: number;
  ingressPort: number;
  clusters: FleetCluster[];
  /**
   * `shared` (default): one supervisor process runs every cluster; `per-cluster`: one supervisor
   * process per cluster, the layout before issue 14, kept as the benchmark's baseline.
   */
  supervisors?: SupervisorLayout;
  /** `small` (default): component flags trimmed for a small cluster; `stock`: the flags before issue 14. */
  tuning?: ComponentTuning;
}

/** How many supervisor processes run the fleet. */
export type SupervisorLayout = 'shared' | 'per-cluster';
/** Which component flags the clusters run with. */
export type ComponentTuning = 'small' | 'stock';

/** Options that choose the fleet's shape. */
export interface FleetShapeOptions {
  stateDir?: string;
  /** Member names, or a count of generated members. */
  members?: string[] | number;
  nodes?: number;
  portBase?: number;
  ingressNet?: number;
  ingressPort?: number;
  /** Chosen pod/service CIDRs per cluster name (pod CIDRs must be IPv4 /16s), e.g. deliberately overlapping ones for tests. */
  cidrs?: Record<string, { pod?: string; service?: string }>;
  supervisors?: SupervisorLayout;
  tuning?: ComponentTuning;
}

/** The default members of the local fleet. */
export const DEFAULT_MEMBERS = ['us-east', 'eu-west', 'ap-south'];
const REGIONS = ['us-east', 'eu-west', 'ap-south', 'us-west', 'eu-central', 'ap-northeast', 'sa-east', 'af-south'];

/** The default state directory of the local fleet. */
export function defaultStateDir(): string {
  return join(homedir(), '.meridian', 'fleet');
}

/** Lays out the fleet: the hub is index 0, members 1..n; everything else follows from the index. */
export function layoutFleet(options: FleetShapeOptions = {}): FleetSpec {
  const portBase = options.portBase ?? 16400;
  const ingressNet = options.ingressNet ?? 1;
  const ingressPort = options.ingressPort ?? 8080;
  const members = typeof options.members === 'number' ? generatedMembers(options.members) : options.members ?? DEFAULT_MEMBERS;
  if (members.length > 50) throw new Error(`--clusters: at most 50 members, got ${members.length}`);
  const names = ['hub', ...members];
  const clusters = names.map((name, index): FleetCluster => ({
    name,
    index,
    region: index === 0 ? 'global' : regionOf(name, index),
    role: index === 0 ? 'hub' : 'member',
    apiserverPort: portBase + index * 10,
    etcdClientPort: portBase + index * 10 + 1,
    etcdPeerPort: portBase + index * 10 + 2,
    ingressAddress: `127.0.${ingressNet}.${index}`,
    ingressPort,
    podCidr: chosenCidr(options, name, 'pod') ?? `10.${100 + index}.0.0/16`,
    serviceCidr: chosenCidr(options, name, 'service') ?? `10.${200 + index}.0.0/16`,
    advertiseAddress: `10.255.${ingressNet}.${index + 1}`,
    nodes: index === 0 ? 1 : options.nodes ?? 3,
  }));
  return {
    stateDir: resolve(options.stateDir ?? defaultStateDir()), portBase, ingressNet, ingressPort, clusters,
    supervisors: options.supervisors ?? 'shared', tuning: options.tuning ?? 'small',
  };
}

function chosenCidr(options: FleetShapeOptions, name: string, space: 'pod' | 'service'): string | undefined {
  const cidr = options.cidrs?.[name]?.[space];
  const shape = space === 'pod' ? /^\d+\.\d+\.0\.0\/16$/ : /^\d+\.\d+\.\d+\.\d+\/(1[2-9]|2[0-4])$/;
  if (cidr !== undefined && !shape.test(cidr)) throw new Error(`--${space}-cidrs: ${name}=${cidr} must be ${space === 'pod' ? 'an IPv4 a.b.0.0/16' : 'an IPv4 /12 to /24'}`);
  return cidr;
}

function generatedMembers(count: number): string[] {
  if (!Number.isInteger(count) || count < 1) throw new Error(`--clusters: expected a positive number of members, got ${count}`);
  if (count <= DEFAULT_MEMBERS.length) return DEFAULT_MEMBERS.slice(0, count);
  return Array.from({ length: count }, (_, i) => `member-${String(i + 1).padStart(2, '0')}`);
}

function regionOf(name: string, index: number): string {
  return REGIONS.includes(name) ? name : REGIONS[(index - 1) % REGIONS.length];
}

/** The first usable address of the service CIDR: the `kubernetes` Service's cluster IP. */
export function kubernetesServiceIp(serviceCidr: string): string {
  const [base] = serviceCidr.split('/');
  const parts = base.split('.').map(Number);
  parts[3] += 1;
  return parts.join('.');
}

/** The /24 pod CIDR of node n (1-based) inside the cluster's /16. */
export function nodePodCidr(podCidr: string, node: number): string {
  const [a, b] = podCidr.split('.');
  return `${a}.${b}.${node}.0/24`;
}

/** Paths of one cluster's files inside the state directory. */
export function clusterPaths(spec: FleetSpec, name: string) {
  const dir = join(spec.stateDir, 'clusters', name);
  return {
    dir,
    pki: join(dir, 'pki'),
    etcdData: join(dir, 'etcd'),
    logs: join(dir, 'logs'),
    status: join(dir, 'status.json'),
    /** The cluster's process group id (the pid of its group leader). */
    pid: join(dir, 'group.pid'),
    /** Where a supervisor of the layout before issue 14 recorded its pid (read to stop such fleets). */
    legacyPid: join(dir, 'supervisor.pid'),
    adminKubeconfig: join(dir, 'admin.kubeconfig'),
  };
}

/** The supervisor that runs a cluster: `fleet` for the shared one, the cluster's name per cluster. */
export function supervisorIdOf(spec: FleetSpec, cluster: string): string {
  return spec.supervisors === 'per-cluster' ? cluster : 'fleet';
}

/** Paths of a supervisor process: its pid, log and the start requests it polls. */
export function supervisorPaths(spec: FleetSpec, id: string) {
  const dir = join(spec.stateDir, 'supervisors');
  return { dir, pid: join(dir, `${id}.pid`), log: join(dir, `${id}.log`), requests: join(dir, `${id}.requests`) };
}

/** Path of the fleet's merged kubeconfig. */
export function fleetKubeconfigPath(spec: FleetSpec): string {
  return join(spec.stateDir, 'kubeconfig');
}
