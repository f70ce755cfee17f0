import type { Command } from 'commander';
import { createTwoFilesPatch } from 'diff';
import { stringify } from 'yaml';
import type { Application } from '../../api/application.js';
import type { KubeClient } from '../../kube/client.js';
import type { KubeObject } from '../../kube/types.js';
import { desiredState } from '../../gitops/desired.js';
import { GitCache } from '../../gitops/git/cache.js';
import { hubCredentials } from '../../gitops/git/credentials.js';
import { maskSecretPair } from '../../gitops/mask.js';
import { applicationsOf, memberClient } from '../../gitops/session.js';
import { objectId } from '../../gitops/sync/order.js';
import { project } from '../../gitops/sync/project.js';
import { clientFor } from '../options/common.js';
import { parseGitopsFlags, type GitopsFlags } from '../options/gitops.js';

/**
 * A unified diff of one resource: live (on the fields Meridian manages) against desired; '' when
 * equal. Secret values are masked (maskSecretPair): a changed key shows as changed, no value shows.
 */
export function resourceDiff(id: string, live: KubeObject | undefined, desired: KubeObject): string {
  const [l, d] = maskSecretPair(live ? (project(live, desired) as KubeObject) : undefined, project(desired, desired) as KubeObject, live);
  const a = l ? stringify(l) : '';
  const b = stringify(d);
  return a === b ? '' : createTwoFilesPatch(`live/${id}`, `desired/${id}`, a, b, '', '', { context: 3 });
}

async function diffApplication(hub: KubeClient, git: GitCache, app: Application): Promise<number> {
  const member = await memberClient(hub, app.spec.destination.name);
  let changed = 0;
  try {
    const desired = await desiredState(app, git, member);
    for (const o of desired.objects) {
      const live = await member.get(o.apiVersion ?? '', o.kind ?? '', o.metadata?.name ?? '', o.metadata?.namespace).catch(() => undefined);
      const text = resourceDiff(`${app.spec.destination.name}${objectId(o)}`, live, o);
      if (text) { changed++; process.stdout.write(text); }
    }
  } finally {
    member.close();
  }
  return changed;
}

async function diff(name: string, flags: GitopsFlags & { cluster?: string }): Promise<void> {
  const opts = parseGitopsFlags(flags);
  const hub = await clientFor(opts.kubeconfig, opts.hubContext);
  const git = new GitCache({ dir: opts.cacheDir, pollIntervalMs: 0, allowFileRepos: opts.allowFileRepos, credentials: hubCredentials(hub, 'meridian-system') });
  let changed = 0;
  try {
    for (const app of await applicationsOf(hub, opts.namespace, name, flags.cluster)) {
      changed += await diffApplication(hub, git, app);
    }
  } finally {
    hub.close();
  }
  // Like kubectl diff: exit 1 when there are differences.
  if (changed) process.exitCode = 1;
}

/** `meridian diff <app>`: unified diff of live against desired, per resource. */
export function registerDiffCommand(program: Command): void {
  program.command('diff <app>').description('unified diff of live state (managed fields) against what Git renders; exit 1 on differences')
    .option('--cluster <name>').option('-n, --namespace <ns>', 'namespace of the Application', 'meridian-system')
    .option('--cache-dir <dir>').option('--allow-file-repos', 'allow file:// repositories (the local demo)').option('--kubeconfig <file>').option('--context <name>', 'hub context', 'hub')
    .action(diff);
}
