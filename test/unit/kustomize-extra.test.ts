// Behaviours of kustomize v5.5.0 that its krusty tests do not show (issue 10), recorded with
// `kubectl kustomize` in test/fixtures/kustomize-extra: each case must render byte for byte as
// kustomize printed it, or fail where kustomize failed. KNOWN-GAPS.txt lists cases that still differ.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KustomizeError, renderKustomization } from '../../src/gitops/kustomize/index.js';

const CORPUS = join(import.meta.dirname, '..', 'fixtures', 'kustomize-extra');
const cases = readdirSync(CORPUS).filter((d) => existsSync(join(CORPUS, d, 'tree'))).sort();
const gaps = new Set(readFileSync(join(CORPUS, 'KNOWN-GAPS.txt'), 'utf8').split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean));

/** Renders a case; returns 'identical', 'error-matched' or a description of the difference. */
async function outcome(dir: string): Promise<string> {
  const tree = join(dir, 'tree');
  const wantError = existsSync(join(dir, 'expected-error.txt'));
  try {
    const out = await renderKustomization(tree, { root: tree });
    if (wantError) return `rendered, but kustomize failed: ${readFileSync(join(dir, 'expected-error.txt'), 'utf8')}`;
    const want = readFileSync(join(dir, 'expected.yaml'), 'utf8');
    return out === want ? 'identical' : `--- got\n${out}\n--- want\n${want}`;
  } catch (err) {
    if (wantError && err instanceof KustomizeError) return 'error-matched';
    return `error: ${err instanceof Error ? err.message : String(err)}`;
  }
}

describe('kustomize behaviours outside the krusty corpus', () => {
  it('has the recorded cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(8);
  });

  for (const name of cases) {
    it(name, async () => {
      const o = await outcome(join(CORPUS, name));
      if (gaps.has(name)) expect(o, `${name} now passes: take it off KNOWN-GAPS.txt`).not.toMatch(/^(identical|error-matched)$/);
      else expect(o).toMatch(/^(identical|error-matched)$/);
    });
  }
});
