import type { ServicePort } from '../api/mcs.js';
import type { ClusterExport, ExportedService } from './model.js';

/** The Valid and Conflict conditions of one cluster's ServiceExport, as the MCS API defines them. */
export interface ExportConditions {
  valid: { status: 'True' | 'False'; reason: string; message: string };
  conflict: { status: 'True' | 'False'; reason: string; message: string };
}

/** A service's exports merged into what every member imports. */
export interface ResolvedService {
  type: 'ClusterSetIP' | 'Headless';
  ports: ServicePort[];
  sessionAffinity: string;
  /** Valid exports of Ready clusters, oldest first (share endpoints when `shared`); empty: nothing to import. */
  participants: ClusterExport[];
  /** Conditions per exporting cluster (Ready or not). */
  conditions: Map<string, ExportConditions>;
}

const NO_CONFLICT = { status: 'False', reason: 'NoConflicts', message: 'no conflicting properties among the exporting clusters' } as const;

/** Oldest export first; the cluster name breaks ties so every replica decides alike. */
export function byAge(a: ClusterExport, b: ClusterExport): number {
  return a.exportedAt < b.exportedAt ? -1 : a.exportedAt > b.exportedAt ? 1 : a.cluster.localeCompare(b.cluster);
}

/**
 * Merges the exports of one service as KEP-1645 prescribes: the oldest export decides type, session
 * affinity and the protocol of each port number; later exports that disagree get Conflict=True and
 * their conflicting property is ignored. Ports are the union by number. No participants when no
 * Ready cluster has a valid export (nothing to import; conditions are still given).
 */
export function resolveService(svc: ExportedService): ResolvedService {
  const conditions = new Map<string, ExportConditions>();
  const valid: ClusterExport[] = [];
  for (const e of [...svc.exports].sort(byAge)) {
    const v = validity(e, svc);
    conditions.set(e.cluster, { valid: v, conflict: NO_CONFLICT });
    if (v.status === 'True' && e.clusterReady) valid.push(e);
  }
  if (valid.length === 0) return { type: 'ClusterSetIP', ports: [], sessionAffinity: 'None', participants: [], conditions };
  const oldest = valid[0];
  const type = oldest.service?.type === 'Headless' ? 'Headless' : 'ClusterSetIP';
  const sessionAffinity = oldest.service?.sessionAffinity ?? 'None';
  const ports = new Map<number, ServicePort>();
  for (const e of valid) {
    const problems = problemsOf(e, type, sessionAffinity, ports, oldest.cluster);
    if (problems.length > 0) {
      const reason = problems[0].startsWith('type') ? 'TypeConflict' : problems[0].startsWith('session') ? 'SessionAffinityConflict' : 'PortConflict';
      conditions.set(e.cluster, { valid: conditions.get(e.cluster)!.valid, conflict: { status: 'True', reason, message: `conflicting ${problems.join('; ')}; the oldest export wins` } });
    }
  }
  return { type, ports: [...ports.values()].sort((a, b) => a.port - b.port), sessionAffinity, participants: valid, conditions };
}

/** What in one export disagrees with the clusterset's choices; adds its new ports to `ports`. */
function problemsOf(e: ClusterExport, type: string, sessionAffinity: string, ports: Map<number, ServicePort>, oldest: string): string[] {
  const problems: string[] = [];
  const own = e.service?.type === 'Headless' ? 'Headless' : 'ClusterSetIP';
  if (own !== type) problems.push(`type ${own} (the clusterset uses ${type}, from cluster ${oldest})`);
  const affinity = e.service?.sessionAffinity ?? 'None';
  if (affinity !== sessionAffinity) problems.push(`sessionAffinity ${affinity} (the clusterset uses ${sessionAffinity})`);
  for (const p of e.service?.ports ?? []) {
    const known = ports.get(p.port);
    if (!known) ports.set(p.port, p);
    else if (known.protocol !== p.protocol) problems.push(`port ${p.port} protocol ${p.protocol} (the clusterset uses ${known.protocol})`);
  }
  return problems;
}

function validity(e: ClusterExport, svc: ExportedService): ExportConditions['valid'] {
  if (!e.service) return { status: 'False', reason: 'NoService', message: `Service ${svc.namespace}/${svc.name} does not exist in cluster ${e.cluster}` };
  if (e.service.type === 'Unsupported') return { status: 'False', reason: 'ServiceUnsupported', message: `Service ${svc.namespace}/${svc.name}: ${e.service.unsupported ?? 'unsupported type'}` };
  return { status: 'True', reason: 'ServiceExported', message: `Service ${svc.namespace}/${svc.name} is exported from cluster ${e.cluster}` };
}
