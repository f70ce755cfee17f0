import type { Command } from 'commander';
import type { Application } from '../../api/application.js';
import { API_VERSION } from '../../api/schema.js';
import { APPSET_LABEL } from '../../gitops/controller/appsets.js';
import { formatTable } from '../../util/table.js';
import { clientFor } from '../options/common.js';
import { parseGitopsFlags, type GitopsFlags } from '../options/gitops.js';

/** The applications x clusters matrix: one row per ApplicationSet (or lone Application), one column per cluster. */
export function appsMatrix(apps: Application[]): { header: string[]; rows: string[][] } {
  const clusters = [...new Set(apps.map((a) => a.spec.destination.name))].sort();
  const rows = new Map<string, Map<string, string>>();
  for (const a of apps) {
    const row = a.metadata?.labels?.[APPSET_LABEL] ?? a.metadata?.name ?? '';
    const cells = rows.get(row) ?? new Map<string, string>();
    const rev = a.status?.sync?.revision ? `@${a.status.sync.revision.slice(0, 7)}` : '';
    cells.set(a.spec.destination.name, `${a.status?.sync?.status ?? 'Unknown'}/${a.status?.health?.status ?? 'Unknown'}${rev}`);
    rows.set(row, cells);
  }
  return {
    header: ['APPLICATION', ...clusters.map((c) => c.toUpperCase())],
    rows: [...rows.keys()].sort().map((r) => [r, ...clusters.map((c) => rows.get(r)?.get(c) ?? '-')]),
  };
}

async function apps(flags: GitopsFlags & { json?: boolean; allNamespaces?: boolean }): Promise<void> {
  const opts = parseGitopsFlags(flags);
  const hub = await clientFor(opts.kubeconfig, opts.hubContext);
  const list = (await hub.list<Application>(API_VERSION, 'Application', flags.allNamespaces ? {} : { namespace: opts.namespace })).items;
  hub.close();
  if (flags.json) {
    console.log(JSON.stringify(list.map((a) => ({ name: a.metadata?.name, cluster: a.spec.destination.name, sync: a.status?.sync, health: a.status?.health })), null, 2));
    return;
  }
  const m = appsMatrix(list);
  console.log(list.length ? formatTable(m.header, m.rows) : 'no applications');
}

/** `meridian apps`: sync and health of every application in every cluster. */
export function registerAppsCommand(program: Command): void {
  program.command('apps').description('applications x clusters: sync/health@revision per cell')
    .option('-n, --namespace <ns>', 'namespace of the Applications', 'meridian-system').option('-A, --all-namespaces')
    .option('--json').option('--kubeconfig <file>').option('--context <name>', 'hub context', 'hub')
    .action(apps);
}
