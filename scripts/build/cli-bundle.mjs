// Bundles the `meridian` entry point into dist/cli/main.js (over tsc's output of the same file):
// main.ts, lazy.ts, the `render` command and everything it needs (commander, yaml, the kustomize
// renderer) become one file, so `meridian --help` and `meridian render` load one module instead
// of about a hundred. Every other command module stays external: its dynamic import resolves to
// tsc's dist/cli/commands/<name>.js as before, so modules that locate examples/, scripts/ or
// dist/cli/main.js relative to their own file keep working. The render tree is split into its own
// chunk (dist/cli/chunks/), loaded by the dynamic import, so `--help` neither parses nor runs it.
//   node scripts/build/cli-bundle.mjs   (after `tsc -p tsconfig.json`; part of `npm run build`)
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BUNDLED_COMMANDS = new Set(['./commands/render.js']);

rmSync(join(repo, 'dist', 'cli', 'chunks'), { recursive: true, force: true });
await build({
  absWorkingDir: repo,
  entryPoints: ['src/cli/main.ts'],
  outdir: 'dist/cli',
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  splitting: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // commander is CommonJS: give its require() calls of Node built-ins a real require.
  banner: { js: "import { createRequire as __meridianCreateRequire } from 'node:module'; const require = __meridianCreateRequire(import.meta.url);" },
  plugins: [{
    name: 'external-commands',
    setup(b) {
      b.onResolve({ filter: /^\.\/commands\/[\w-]+\.js$/ }, (args) => (BUNDLED_COMMANDS.has(args.path) ? undefined : { path: args.path, external: true }));
    },
  }],
});
