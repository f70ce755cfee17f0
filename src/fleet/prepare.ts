import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ClusterPki } from './pki.js';
import { buildKubeconfig, writeKubeconfig } from './kubeconfig.js';
import { clusterPaths, kubernetesServiceIp, type FleetCluster, type FleetSpec } from './layout.js';

/**
 * Issues a cluster's identities (once) and writes the kubeconfigs its components and the admin
 * use. Everything is reused on a warm start, so the cluster keeps its CA and its etcd data.
 */
export async function prepareCluster(spec: FleetSpec, c: FleetCluster): Promise<void> {
  const paths = clusterPaths(spec, c.name);
  await mkdir(paths.logs, { recursive: true });
  await mkdir(paths.etcdData, { recursive: true, mode: 0o700 });
  const pki = new ClusterPki(paths.pki, c.name);
  await pki.ensureCa();
  await Promise.all([
    pki.ensureCert({
      name: 'apiserver', commonName: 'kube-apiserver', usage: ['server'],
      ips: ['127.0.0.1', c.advertiseAddress, kubernetesServiceIp(c.serviceCidr)],
      dnsNames: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'],
    }),
    pki.ensureCert({ name: 'admin', commonName: 'meridian-admin', organization: 'system:masters', usage: ['client'] }),
    pki.ensureCert({ name: 'controller-manager', commonName: 'system:kube-controller-manager', usage: ['client'] }),
    pki.ensureCert({ name: 'scheduler', commonName: 'system:kube-scheduler', usage: ['client'] }),
    pki.ensureServiceAccountKey(),
  ]);
  const server = `https://127.0.0.1:${c.apiserverPort}`;
  const entry = (user: string) => ({ context: c.name, server, caFile: pki.cert('ca'), certFile: pki.cert(user), keyFile: pki.key(user) });
  await writeKubeconfig(paths.adminKubeconfig, buildKubeconfig([entry('admin')]));
  await writeKubeconfig(join(paths.dir, 'controller-manager.kubeconfig'), buildKubeconfig([entry('controller-manager')]));
  await writeKubeconfig(join(paths.dir, 'scheduler.kubeconfig'), buildKubeconfig([entry('scheduler')]));
}

/** The admin kubeconfig entry of a cluster, for the fleet's merged kubeconfig. */
export function adminEntry(spec: FleetSpec, c: FleetCluster) {
  const pki = new ClusterPki(clusterPaths(spec, c.name).pki, c.name);
  return { context: c.name, server: `https://127.0.0.1:${c.apiserverPort}`, caFile: pki.cert('ca'), certFile: pki.cert('admin'), keyFile: pki.key('admin') };
}
