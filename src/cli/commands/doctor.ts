import type { Command } from 'commander';
import { API_VERSION } from '../../api/schema.js';
import type { Cluster } from '../../api/cluster.js';
import { memberClientFromSecret } from '../../clusters/join.js';
import { recordFindings, runDoctor } from '../../mesh/doctor.js';
import type { DoctorMember } from '../../mesh/doctor-member.js';
import { formatTable } from '../../util/table.js';
import { clientFor } from '../options/common.js';

/** Flags of `meridian doctor` / `meridian mesh status`. */
export interface DoctorFlags { kubeconfig?: string; context: string; json?: boolean; writeStatus?: boolean }

/** Runs the doctor, prints a table or JSON, records conditions; exit code 2 when anything is an error. */
export async function runDoctorCommand(flags: DoctorFlags): Promise<void> {
  const hub = await clientFor(flags.kubeconfig, flags.context);
  const members: DoctorMember[] = [];
  try {
    const clusters = (await hub.list<Cluster>(API_VERSION, 'Cluster')).items;
    const connected = await Promise.allSettled(clusters.map((c) => memberClientFromSecret(hub, c, 5000)));
    connected.forEach((r, i) => r.status === 'fulfilled' && members.push({ name: clusters[i].metadata?.name ?? '', cluster: clusters[i], client: r.value }));
    const findings = await runDoctor(hub, members);
    connected.forEach((r, i) => r.status === 'rejected' && findings.push({ cluster: clusters[i].metadata?.name ?? '', condition: 'CertificatesValid', check: 'connect', severity: 'error', message: (r.reason as Error).message }));
    if (flags.writeStatus !== false) await recordFindings(hub, members, findings);
    if (flags.json) console.log(JSON.stringify(findings, null, 2));
    else console.log(formatTable(['CLUSTER', 'CHECK', 'RESULT', 'DETAIL'], findings.map((f) => [f.cluster, f.check, f.severity.toUpperCase(), f.message])));
    if (findings.some((f) => f.severity === 'error')) process.exitCode = 2;
  } finally {
    for (const m of members) m.client.close();
    hub.close();
  }
}

/** `meridian doctor`: certificates, mesh trust, remote secrets, IDs, CIDRs and version skew across the fleet. */
export function registerDoctorCommand(program: Command): void {
  program.command('doctor').description('check certificates, mesh trust, remote secrets, ClusterMesh IDs, CIDR overlaps and version skew; record conditions on each Cluster')
    .option('--kubeconfig <file>').option('--context <name>', 'hub context', 'hub').option('--json').option('--no-write-status', 'do not record conditions on the Clusters')
    .action(runDoctorCommand);
}
