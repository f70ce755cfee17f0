import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { homedir } from 'node:os';

/** The Kubernetes version of the local fleet. */
export const KUBERNETES_VERSION = '1.20.2';

/** Paths of the server binaries the local fleet runs. */
export interface KubeBinaries {
  etcd: string;
  kubeApiserver: string;
  kubeControllerManager: string;
  kubeScheduler: string;
}

/** Where scripts/ensure-kubernetes.sh caches the binaries. */
export function kubernetesCacheDir(cacheRoot = join(homedir(), '.cache', 'meridian')): string {
  return join(cacheRoot, `kubernetes-v${KUBERNETES_VERSION}`);
}

/**
 * Finds the cached binaries and checks them against the cache's SHA256SUMS; throws with the
 * command that builds them when they are missing or corrupt.
 */
export function locateBinaries(cacheDir = kubernetesCacheDir(), verify = false): KubeBinaries {
  const bins = {
    etcd: ['/usr/bin/etcd', '/usr/local/bin/etcd'].find((p) => existsSync(p)) ?? '/usr/bin/etcd',
    kubeApiserver: join(cacheDir, 'kube-apiserver'),
    kubeControllerManager: join(cacheDir, 'kube-controller-manager'),
    kubeScheduler: join(cacheDir, 'kube-scheduler'),
  };
  const hint = 'run `bash scripts/ensure-kubernetes.sh` (or the README\'s first command) to build and cache them';
  for (const [name, path] of Object.entries(bins)) {
    if (!existsSync(path)) throw new Error(`${name} not found at ${path}: ${hint}`);
  }
  if (verify) verifyChecksums(cacheDir, hint);
  return bins;
}

function verifyChecksums(cacheDir: string, hint: string): void {
  const sums = join(cacheDir, 'SHA256SUMS');
  if (!existsSync(sums)) throw new Error(`${sums} is missing: ${hint}`);
  for (const line of readFileSync(sums, 'utf8').trim().split('\n')) {
    const [sum, file] = line.split(/\s+/);
    const actual = createHash('sha256').update(readFileSync(join(cacheDir, file))).digest('hex');
    if (actual !== sum) throw new Error(`${join(cacheDir, file)} does not match its checksum: ${hint}`);
  }
}
