import type { KubeClient } from '../kube/client.js';
import { checkNetworks, describeOverlap } from '../network/check.js';
import { clusterNetworks } from '../network/inventory.js';
import { CLUSTER_ID_ANNOTATION } from './cluster-ids.js';
import { CILIUM_CA_SECRET } from './cilium.js';
import { checkMember, type DoctorMember } from './doctor-member.js';
import { doctorConditions, writeDoctorConditions } from './doctor-conditions.js';
import type { Finding } from './doctor-types.js';
import { readHubRootCert } from './hub-ca.js';
import { ISTIO_ROOT_SECRET } from './istio.js';

/**
 * `meridian doctor`: every member checked in parallel (a failing member is a finding, not a
 * crash), then the fleet-wide checks: duplicate ClusterMesh IDs, CIDR overlaps, version skew.
 */
export async function runDoctor(hub: KubeClient, members: DoctorMember[], now = Date.now()): Promise<Finding[]> {
  const roots = { istio: await readHubRootCert(hub, ISTIO_ROOT_SECRET), cilium: await readHubRootCert(hub, CILIUM_CA_SECRET) };
  const per = await Promise.all(members.map((m) => checkMember(m, roots, now)));
  const findings = per.flat();
  const nodes = await Promise.all(members.map((m) => m.client.list('v1', 'Node').then((l) => l.items, () => [])));
  const report = checkNetworks(members.map((m, i) => clusterNetworks(m.cluster, nodes[i])));
  for (const m of members) {
    const mine = report.overlaps.filter((o) => o.a.cluster === m.name || o.b.cluster === m.name);
    findings.push({ cluster: m.name, condition: 'NetworkUnique', check: 'cidr-overlap', severity: mine.length ? 'error' : 'ok', message: mine.length ? mine.map(describeOverlap).join('; ') : 'no CIDR overlaps' });
  }
  const ids = new Map<string, string[]>();
  for (const m of members) {
    const id = m.cluster.metadata?.annotations?.[CLUSTER_ID_ANNOTATION];
    if (id) ids.set(id, [...(ids.get(id) ?? []), m.name]);
  }
  for (const [id, names] of ids) for (const n of names) findings.push({ cluster: n, condition: 'NetworkUnique', check: 'clustermesh-id', severity: names.length > 1 ? 'error' : 'ok', message: names.length > 1 ? `ClusterMesh ID ${id} also used by ${names.filter((x) => x !== n).join(', ')}` : `ClusterMesh ID ${id} is unique` });
  findings.push(...await versionSkew(members));
  return findings;
}

async function versionSkew(members: DoctorMember[]): Promise<Finding[]> {
  const versions = await Promise.all(members.map((m) => m.client.version(5000).then((v) => v.gitVersion, () => m.cluster.status?.kubernetesVersion ?? '')));
  const minors = versions.map((v) => Number(/^v?1\.(\d+)/.exec(v)?.[1] ?? NaN));
  const known = minors.filter((n) => !Number.isNaN(n));
  const max = Math.max(...known);
  return members.map((m, i) => {
    if (Number.isNaN(minors[i])) return { cluster: m.name, condition: 'VersionSkewSupported', check: 'version-skew', severity: 'warning', message: 'version unknown' };
    const behind = max - minors[i];
    return { cluster: m.name, condition: 'VersionSkewSupported', check: 'version-skew', severity: behind > 2 ? 'error' : behind > 0 ? 'warning' : 'ok', message: `${versions[i]}${behind ? `, ${behind} minor release(s) behind the newest member (1.${max})` : ', newest in the fleet'}` };
  });
}

/** Writes each member's doctor conditions to its Cluster status. */
export async function recordFindings(hub: KubeClient, members: DoctorMember[], findings: Finding[]): Promise<void> {
  for (const m of members) await writeDoctorConditions(hub, m.name, doctorConditions(m.name, findings));
}
