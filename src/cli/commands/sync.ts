import type { Command } from 'commander';
import type { Application } from '../../api/application.js';
import type { KubeClient } from '../../kube/client.js';
import { syncRequest } from '../../gitops/controller/applications.js';
import { statusFromSync, writeStatus } from '../../gitops/controller/status.js';
import { desiredState } from '../../gitops/desired.js';
import { GitCache } from '../../gitops/git/cache.js';
import { hubCredentials } from '../../gitops/git/credentials.js';
import { applicationsOf, memberClient } from '../../gitops/session.js';
import { syncApplication } from '../../gitops/sync/engine.js';
import { clientFor } from '../options/common.js';
import { parseGitopsFlags, parseShare, type GitopsFlags } from '../options/gitops.js';

interface SyncFlags extends GitopsFlags {
  cluster?: string;
  dryRun?: boolean;
  prune?: boolean;
  confirmPrune?: boolean;
  pruneShare?: string;
}

async function syncOne(hub: KubeClient, git: GitCache, app: Application, flags: SyncFlags): Promise<boolean> {
  const cluster = app.spec.destination.name;
  const say = (m: string) => console.log(`[${cluster}] ${app.metadata?.name}: ${m}`);
  const member = await memberClient(hub, cluster);
  try {
    const desired = await desiredState(app, git, member);
    say(`rendered ${app.spec.source.path ?? '.'} at ${desired.revision.slice(0, 12)}: ${desired.objects.length} objects`);
    const req = syncRequest(app, member, desired.objects);
    const share = parseShare(flags.pruneShare);
    const result = await syncApplication({
      ...req, apply: true, selfHeal: true, prune: req.prune || Boolean(flags.prune), dryRun: flags.dryRun, onProgress: say,
      pruneConfirmed: req.pruneConfirmed || Boolean(flags.confirmPrune), pruneConfirmShare: share ?? req.pruneConfirmShare,
    });
    if (flags.dryRun) {
      for (const r of result.resources.filter((x) => x.status !== 'Synced')) say(`would apply ${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`);
      for (const id of result.pendingPrune) say(`would prune ${id}`);
      say(`dry run: ${result.resources.filter((x) => x.status !== 'Synced').length} to apply, ${result.pendingPrune.length} to prune, nothing written`);
      return true;
    }
    await writeStatus(hub, app, statusFromSync(app, desired.revision, result));
    for (const e of result.errors) say(`error: ${e}`);
    if (result.pruneBlocked && result.pendingPrune.length) say(`prune held: ${result.pruneBlocked}`);
    say(`${result.synced ? 'Synced' : 'OutOfSync'}/${result.health.status}: ${result.applied.length} applied, ${result.pruned.length} pruned, ${result.writes} writes`);
    return result.errors.length === 0;
  } finally {
    member.close();
  }
}

async function sync(name: string, flags: SyncFlags): Promise<void> {
  const opts = parseGitopsFlags(flags);
  const hub = await clientFor(opts.kubeconfig, opts.hubContext);
  const git = new GitCache({ dir: opts.cacheDir, pollIntervalMs: 0, allowFileRepos: opts.allowFileRepos, credentials: hubCredentials(hub, 'meridian-system') });
  try {
    const apps = await applicationsOf(hub, opts.namespace, name, flags.cluster);
    // Every member on its own: one that fails is reported and the others still sync.
    const results = await Promise.allSettled(apps.map((a) => syncOne(hub, git, a, flags)));
    results.forEach((r, i) => { if (r.status === 'rejected') console.log(`[${apps[i].spec.destination.name}] ${apps[i].metadata?.name}: failed: ${(r.reason as Error).message}`); });
    const failed = results.filter((r) => r.status === 'rejected' || r.value === false).length;
    if (failed) throw new Error(`${failed} of ${apps.length} applications did not sync`);
  } finally {
    hub.close();
  }
}

/** `meridian sync <appset> [--cluster c] [--dry-run]`: sync now, from this process, with progress. */
export function registerSyncCommand(program: Command): void {
  program.command('sync <appset>').description('render and apply an ApplicationSet\'s applications now (or one Application by name)')
    .option('--cluster <name>', 'only this member').option('--dry-run', 'show what would be applied and pruned; write nothing')
    .option('--prune', 'prune even if the application\'s policy does not').option('--confirm-prune', 'allow a prune above the confirmation share')
    .option('--prune-share <0..1>', 'share of tracked resources one sync may delete without --confirm-prune')
    .option('-n, --namespace <ns>', 'namespace of the ApplicationSet', 'meridian-system')
    .option('--cache-dir <dir>').option('--allow-file-repos', 'allow file:// repositories (the local demo)').option('--kubeconfig <file>').option('--context <name>', 'hub context', 'hub')
    .action(sync);
}
