import { relative } from 'node:path';
import type { Command } from 'commander';
import { insideRoot, renderText } from '../../gitops/render.js';
import { renderRoot } from '../options/render.js';

async function render(dir: string, flags: { root?: string }): Promise<void> {
  const root = renderRoot(dir, flags.root);
  const real = await insideRoot(root, relative(root, dir));
  process.stdout.write(await renderText(real, root));
}

/** `meridian render DIR`: prints what `kustomize build DIR` prints (plain YAML directories too). */
export function registerRenderCommand(program: Command): void {
  program.command('render <dir>').description('render a kustomization (or a plain YAML directory) as kustomize build prints it')
    .option('--root <dir>', 'repository root no file may be read outside of (default: the enclosing Git work tree)')
    .action(render);
}
