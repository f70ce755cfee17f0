import { writeClusterStatusPart } from '../clusters/status-write.js';
import type { KubeClient } from '../kube/client.js';
import type { Condition } from '../kube/types.js';
import { DOCTOR_CONDITIONS, type Finding } from './doctor-types.js';

/** The doctor's conditions for one cluster: worst severity per type, messages of what is not ok. */
export function doctorConditions(cluster: string, findings: Finding[]): Array<Omit<Condition, 'lastTransitionTime'>> {
  return DOCTOR_CONDITIONS.map((type) => {
    const mine = findings.filter((f) => f.condition === type && (f.cluster === cluster || f.cluster === 'fleet'));
    const bad = mine.filter((f) => f.severity !== 'ok');
    const worst = bad.some((f) => f.severity === 'error') ? 'error' : bad.length ? 'warning' : 'ok';
    return {
      type, status: worst === 'error' ? 'False' : 'True',
      reason: mine.length === 0 ? 'NotChecked' : worst === 'ok' ? 'Checked' : worst === 'error' ? 'CheckFailed' : 'CheckWarning',
      message: bad.length ? bad.map((f) => `${f.check}: ${f.message}`).join('; ').slice(0, 1000) : mine.length ? `${mine.length} check(s) passed` : 'nothing to check',
    } as Omit<Condition, 'lastTransitionTime'>;
  });
}

/**
 * Writes the doctor's condition types into a Cluster's status and nothing else: the other
 * conditions (the cluster manager's Ready) are kept as the hub holds them (writeClusterStatusPart).
 */
export async function writeDoctorConditions(hub: KubeClient, name: string, conditions: Array<Omit<Condition, 'lastTransitionTime'>>): Promise<void> {
  await writeClusterStatusPart(hub, name, { conditions });
}
