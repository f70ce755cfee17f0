import type { Application } from '../api/application.js';
import type { ApplicationSet } from '../api/applicationset.js';
import { APPSET_LABEL } from '../gitops/controller/appsets.js';
import type { AppCell, AppRow, AppsView } from './model.js';

/**
 * The applications x clusters matrix: one row per ApplicationSet (a lone Application is a row of
 * its own), one column per member, each cell the Application's sync and health at its revision,
 * its rollout step, and red when its member is down. Rows carry the rollout's halts and rollbacks.
 */
export function appsMatrix(apps: Application[], appsets: ApplicationSet[], clusters: string[], isReady: (cluster: string) => boolean): AppsView {
  const rows = new Map<string, AppRow>();
  const sets = new Map(appsets.map((s) => [`${s.metadata?.namespace}/${s.metadata?.name}`, s]));
  for (const a of apps) {
    const ns = a.metadata?.namespace ?? '';
    const setName = a.metadata?.labels?.[APPSET_LABEL];
    const rowName = setName ?? a.metadata?.name ?? '';
    const set = setName ? sets.get(`${ns}/${setName}`) : undefined;
    const row = rows.get(`${ns}/${rowName}`) ?? { name: rowName, cells: {}, ...(set?.status?.rollout ? { rollout: rolloutOf(set) } : {}) };
    const cluster = a.spec.destination.name;
    row.cells[cluster] = cellOf(a, set, !isReady(cluster));
    rows.set(`${ns}/${rowName}`, row);
  }
  const columns = [...new Set([...clusters, ...apps.map((a) => a.spec.destination.name)])].sort();
  return { clusters: columns, rows: [...rows.values()].sort((a, b) => a.name.localeCompare(b.name)) };
}

function cellOf(a: Application, set: ApplicationSet | undefined, clusterDown: boolean): AppCell {
  const step = set?.status?.applicationStatus?.find((x) => x.application === a.metadata?.name);
  return {
    application: a.metadata?.name ?? '', namespace: a.metadata?.namespace ?? '',
    sync: a.status?.sync?.status ?? 'Unknown', health: a.status?.health?.status ?? 'Unknown',
    revision: (a.status?.sync?.revision ?? '').slice(0, 8), clusterDown,
    ...(step ? { rolloutStep: step.step + 1, rolloutStatus: step.status } : {}),
    outOfSync: (a.status?.resources ?? []).filter((r) => r.status === 'OutOfSync').length,
  };
}

function rolloutOf(set: ApplicationSet): NonNullable<AppRow['rollout']> {
  const r = set.status?.rollout;
  return {
    phase: r?.phase ?? '', step: (r?.currentStep ?? 0) + 1, target: (r?.targetRevision ?? '').slice(0, 8), message: r?.message,
    events: (r?.events ?? []).slice(-10).map((e) => ({ time: e.time, type: e.type, revision: e.revision.slice(0, 8), message: e.message })),
  };
}
