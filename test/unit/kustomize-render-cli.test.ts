// The built `meridian` entry (dist/cli/main.js, bundled with the render command split into its own
// chunk by scripts/build/cli-bundle.mjs): `--help` lists every command, `render` prints exactly
// what kubectl kustomize printed for the conformance web-app overlay, and a command that stays a
// separate module (fleet) still loads from the bundled entry. Needs `npm run build` (scripts/test.sh
// builds before the unit tests).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { meridian } from '../support/cli.js';

const CASE = join(import.meta.dirname, '..', 'fixtures', 'conformance', 'kustomize', '01-web-app-us-east');

describe('meridian CLI entry', () => {
  it('--help lists the commands from the static table without loading them', { timeout: 150_000 }, () => {
    const r = meridian(['--help']);
    expect(r.code, r.stderr).toBe(0);
    for (const name of ['render', 'fleet', 'serve', 'sync', 'nodes']) expect(r.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
  });

  it('render prints what kubectl kustomize printed for the web-app overlay', { timeout: 150_000 }, () => {
    const r = meridian(['render', join(CASE, 'web-app', 'overlays', 'us-east'), '--root', CASE]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(CASE, 'expected.yaml'), 'utf8'));
  });

  it('a command kept as its own module loads from the bundled entry', { timeout: 150_000 }, () => {
    const r = meridian(['fleet', '--help']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Usage: meridian fleet');
  });
});
