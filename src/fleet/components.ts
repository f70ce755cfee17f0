import { join } from 'node:path';
import type { KubeBinaries } from './binaries.js';
import type { FleetCluster } from './layout.js';

/** One process of a cluster: how to start it and how to tell it is ready. */
export interface ComponentSpec {
  name: 'etcd' | 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler';
  command: string;
  args: string[];
}

/** Paths a cluster's components need. */
export interface ComponentPaths {
  pki: string;
  etcdData: string;
  dir: string;
}

/** etcd on loopback, plain HTTP (only local processes can reach it). */
export function etcdSpec(c: FleetCluster, bins: KubeBinaries, paths: ComponentPaths): ComponentSpec {
  const client = `http://127.0.0.1:${c.etcdClientPort}`;
  const peer = `http://127.0.0.1:${c.etcdPeerPort}`;
  return {
    name: 'etcd',
    command: bins.etcd,
    args: [
      `--name=${c.name}`, `--data-dir=${paths.etcdData}`,
      `--listen-client-urls=${client}`, `--advertise-client-urls=${client}`,
      `--listen-peer-urls=${peer}`, `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=${c.name}=${peer}`, '--initial-cluster-state=new',
      '--log-level=warn', '--logger=zap', '--quota-backend-bytes=2147483648',
      '--snapshot-count=5000', '--heartbeat-interval=200', '--election-timeout=1000',
    ],
  };
}

/** kube-apiserver with x509 client auth, RBAC and service-account tokens. */
export function apiserverSpec(c: FleetCluster, bins: KubeBinaries, paths: ComponentPaths): ComponentSpec {
  const pki = (f: string) => join(paths.pki, f);
  return {
    name: 'kube-apiserver',
    command: bins.kubeApiserver,
    args: [
      `--etcd-servers=http://127.0.0.1:${c.etcdClientPort}`,
      `--etcd-prefix=/registry`,
      `--secure-port=${c.apiserverPort}`, '--bind-address=127.0.0.1', '--insecure-port=0',
      `--advertise-address=${c.advertiseAddress}`,
      `--tls-cert-file=${pki('apiserver.crt')}`, `--tls-private-key-file=${pki('apiserver.key')}`,
      `--client-ca-file=${pki('ca.crt')}`,
      `--service-account-issuer=https://kubernetes.default.svc.${c.name}`,
      `--service-account-key-file=${pki('sa.pub')}`, `--service-account-signing-key-file=${pki('sa.key')}`,
      `--service-cluster-ip-range=${c.serviceCidr}`,
      '--authorization-mode=RBAC', '--allow-privileged=true',
      '--enable-priority-and-fairness=false', '--profiling=false',
      `--cert-dir=${join(paths.dir, 'apiserver-certs')}`,
      '--event-ttl=30m', '--v=0',
    ],
  };
}

/** kube-controller-manager with every controller on (the token controller is needed for pods). */
export function controllerManagerSpec(c: FleetCluster, bins: KubeBinaries, paths: ComponentPaths): ComponentSpec {
  const pki = (f: string) => join(paths.pki, f);
  return {
    name: 'kube-controller-manager',
    command: bins.kubeControllerManager,
    args: [
      `--kubeconfig=${join(paths.dir, 'controller-manager.kubeconfig')}`,
      `--service-account-private-key-file=${pki('sa.key')}`, `--root-ca-file=${pki('ca.crt')}`,
      '--use-service-account-credentials=true',
      '--leader-elect=false', '--port=0', '--secure-port=0',
      `--cluster-name=${c.name}`, `--service-cluster-ip-range=${c.serviceCidr}`,
      '--kube-api-qps=100', '--kube-api-burst=200', '--concurrent-deployment-syncs=10',
      '--concurrent-replicaset-syncs=10', '--concurrent-endpoint-syncs=10', '--concurrent-service-endpoint-syncs=10',
      '--v=0',
    ],
  };
}

/** kube-scheduler. */
export function schedulerSpec(_c: FleetCluster, bins: KubeBinaries, paths: ComponentPaths): ComponentSpec {
  return {
    name: 'kube-scheduler',
    command: bins.kubeScheduler,
    args: [`--kubeconfig=${join(paths.dir, 'scheduler.kubeconfig')}`, '--leader-elect=false', '--port=0', '--secure-port=0', '--kube-api-qps=100', '--kube-api-burst=200', '--v=0'],
  };
}
