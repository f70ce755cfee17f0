import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { translateObject } from '../../api/translate.js';
import { applyObjects } from '../../api/translate-apply.js';
import { deployDemo } from '../../gitops/demo.js';
import { parseObjects } from '../../gitops/render.js';
import { clientFor } from '../options/common.js';
import { parseGitopsFlags, type GitopsFlags } from '../options/gitops.js';

async function apply(flags: GitopsFlags & { filename: string[]; force?: boolean }): Promise<void> {
  const opts = parseGitopsFlags(flags);
  const objects = [];
  for (const f of flags.filename) {
    const text = f === '-' ? await readStdin() : await readFile(f, 'utf8');
    objects.push(...parseObjects(text, f).flatMap(translateObject));
  }
  const hub = await clientFor(opts.kubeconfig, opts.hubContext);
  try {
    // One line per object: what the file said -> where it went on the hub, and what changed.
    for (const r of await applyObjects(hub, objects, { namespace: opts.namespace, force: flags.force })) console.log(`${r.source} -> ${r.kind} ${r.target} ${r.outcome}`);
  } finally {
    hub.close();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function demo(flags: GitopsFlags & { repoDir: string; example: string }): Promise<void> {
  const opts = parseGitopsFlags(flags);
  const hub = await clientFor(opts.kubeconfig, opts.hubContext);
  try {
    const out = await deployDemo(hub, resolve(flags.example), resolve(flags.repoDir));
    console.log(`repository ${out.repoURL} at ${out.commit.slice(0, 12)}; ApplicationSet ${out.appset} applied (watch with: meridian apps)`);
  } finally {
    hub.close();
  }
}

/** `meridian apply -f` (Meridian kinds, ArgoCD ones translated) and `meridian gitops-demo`. */
export function registerApplyCommands(program: Command): void {
  program.command('apply').description('apply Meridian objects to the hub; argoproj.io ApplicationSets and Applications are translated')
    .requiredOption('-f, --filename <file...>', 'YAML or JSON file(s), - for stdin')
    .option('-n, --namespace <ns>', 'namespace for objects that name none', 'meridian-system')
    .option('--force', 'replace an existing object of a different origin (native vs translated from ArgoCD)')
    .option('--kubeconfig <file>').option('--context <name>', 'hub context', 'hub')
    .action(apply);
  program.command('gitops-demo').description('make examples/fleet-repo a local Git repository and apply its seed ApplicationSet')
    .option('--repo-dir <dir>', 'where the Git repository is created (replaced)', '/tmp/meridian-fleet-repo')
    .option('--example <dir>', 'the example repository', 'examples/fleet-repo')
    .option('--kubeconfig <file>').option('--context <name>', 'hub context', 'hub')
    .action(demo);
}
