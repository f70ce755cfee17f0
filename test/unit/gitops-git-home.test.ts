import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// git's private HOME is one temp directory per process; it must not outlive the process.
describe('git private HOME', () => {
  it('is created once per process and removed when the process exits', async () => {
    const script = [
      "import { defaultGitHome } from './src/gitops/git/env.ts';",
      "import { existsSync } from 'node:fs';",
      'const a = defaultGitHome(); const b = defaultGitHome();',
      'console.log(JSON.stringify({ home: a, same: a === b, existed: existsSync(a) }));',
    ].join('\n');
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: process.cwd(), timeout: 60_000 });
    const out = JSON.parse(stdout.trim()) as { home: string; same: boolean; existed: boolean };
    expect(out.home).toMatch(/meridian-git-home-/);
    expect(out.same).toBe(true);
    expect(out.existed).toBe(true);
    expect(existsSync(out.home)).toBe(false);
  });
});
