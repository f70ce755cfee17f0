import type { Command } from 'commander';
import { PAUSED_ANNOTATION, type ApplicationSet } from '../../api/applicationset.js';
import { API_VERSION } from '../../api/schema.js';
import { formatTable } from '../../util/table.js';
import { clientFor } from '../options/common.js';
import { parseGitopsFlags, type GitopsFlags } from '../options/gitops.js';

async function setPaused(name: string, flags: GitopsFlags, paused: boolean): Promise<void> {
  const opts = parseGitopsFlags(flags);
  const hub = await clientFor(opts.kubeconfig, opts.hubContext);
  try {
    await hub.mergePatch(API_VERSION, 'ApplicationSet', name, opts.namespace, { metadata: { annotations: { [PAUSED_ANNOTATION]: paused ? 'true' : null } } });
    console.log(`rollout of ${opts.namespace}/${name} ${paused ? 'paused' : 'resumed'}`);
  } finally {
    hub.close();
  }
}

async function status(name: string, flags: GitopsFlags): Promise<void> {
  const opts = parseGitopsFlags(flags);
  const hub = await clientFor(opts.kubeconfig, opts.hubContext);
  const set = await hub.get<ApplicationSet>(API_VERSION, 'ApplicationSet', name, opts.namespace);
  hub.close();
  if (!set) throw new Error(`no ApplicationSet ${opts.namespace}/${name}`);
  const r = set.status?.rollout;
  if (!r) { console.log(`${name}: no rollout (strategy ${set.spec.strategy?.type ?? 'AllAtOnce'})`); return; }
  console.log(`${name}: ${r.phase}, step ${r.currentStep + 1}, target ${r.targetRevision.slice(0, 12)}, stable ${r.stableRevision?.slice(0, 12) ?? '-'}${set.metadata?.annotations?.[PAUSED_ANNOTATION] === 'true' ? ' (paused)' : ''}`);
  if (r.message) console.log(r.message);
  const rows = (set.status?.applicationStatus ?? []).map((a) => [a.application, String(a.step), a.revision.slice(0, 12), a.status]);
  if (rows.length) console.log(formatTable(['APPLICATION', 'STEP', 'REVISION', 'STATUS'], rows));
  for (const e of r.events ?? []) console.log(`${e.time}  ${e.type}  ${e.revision.slice(0, 12)}  ${e.message}`);
}

/** `meridian rollout pause|resume|status <appset>`. */
export function registerRolloutCommands(program: Command): void {
  const rollout = program.command('rollout').description('region-by-region rollouts of an ApplicationSet');
  const common = (c: Command) => c.option('-n, --namespace <ns>', 'namespace of the ApplicationSet', 'meridian-system').option('--kubeconfig <file>').option('--context <name>', 'hub context', 'hub');
  common(rollout.command('pause <appset>').description('update no more applications until resumed')).action((n: string, f: GitopsFlags) => setPaused(n, f, true));
  common(rollout.command('resume <appset>').description('continue a paused rollout')).action((n: string, f: GitopsFlags) => setPaused(n, f, false));
  common(rollout.command('status <appset>').description('phase, step, revisions, halts and rollbacks')).action(status);
}
