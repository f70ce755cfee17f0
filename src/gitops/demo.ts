import { cp, mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { ApplicationSet } from '../api/applicationset.js';
import type { KubeClient } from '../kube/client.js';
import { runGit } from './git/run.js';

/** The identity demo commits are made with (no global git config needed). */
const COMMITTER = { GIT_AUTHOR_NAME: 'Meridian demo', GIT_AUTHOR_EMAIL: 'demo@meridian.example.test', GIT_COMMITTER_NAME: 'Meridian demo', GIT_COMMITTER_EMAIL: 'demo@meridian.example.test' };

/** Commits everything in a work tree (a demo or test step); returns the new commit. */
export async function commitAll(repoDir: string, message: string): Promise<string> {
  await runGit(['add', '-A'], { cwd: repoDir });
  await runGit(['commit', '-q', '--allow-empty', '-m', message], { cwd: repoDir, env: COMMITTER });
  return (await runGit(['rev-parse', 'HEAD'], { cwd: repoDir })).trim();
}

/** Copies examples/fleet-repo into repoDir (replacing it) and makes it a Git repository on branch main; returns its file:// URL. */
export async function createDemoRepo(exampleDir: string, repoDir: string): Promise<{ repoURL: string; commit: string }> {
  await rm(repoDir, { recursive: true, force: true });
  await mkdir(repoDir, { recursive: true });
  await cp(exampleDir, repoDir, { recursive: true });
  await runGit(['init', '-q', '-b', 'main'], { cwd: repoDir });
  const commit = await commitAll(repoDir, 'web-app: base and three regional overlays');
  return { repoURL: `file://${repoDir}`, commit };
}

/** Reads the seed ApplicationSet from the example and points it at repoURL. */
export async function seedApplicationSet(exampleDir: string, repoURL: string): Promise<ApplicationSet> {
  const set = parse(await readFile(join(exampleDir, 'appsets', 'web-app.yaml'), 'utf8')) as ApplicationSet;
  const template = set.spec.template as { spec: { source: { repoURL: string } } };
  template.spec.source.repoURL = repoURL;
  return set;
}

/**
 * The GitOps demo: the example becomes a local Git repository and its seed ApplicationSet is applied
 * to the hub; a running `meridian serve` (gitops controller) then deploys web-app to every
 * production region.
 */
export async function deployDemo(hub: KubeClient, exampleDir: string, repoDir: string): Promise<{ repoURL: string; commit: string; appset: string }> {
  const repo = await createDemoRepo(exampleDir, repoDir);
  const set = await seedApplicationSet(exampleDir, repo.repoURL);
  await hub.apply(set);
  return { ...repo, appset: `${set.metadata?.namespace}/${set.metadata?.name}` };
}
