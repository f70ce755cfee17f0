// kustomize's own krusty tests (api/krusty/*_test.go of kustomize v5.5.0), extracted by
// scripts/kustomize-krusty/extract.go and recorded with `kubectl kustomize` (kustomize v5.5.0):
// every case must render byte for byte as kustomize printed it, or fail where kustomize failed.
// The only refusals allowed are exec/Go plugins, KRM functions, Helm charts and remote resources.
// KNOWN-GAPS.txt lists cases the renderer does not match yet; each must still differ (so a fix
// shows up as a failure until the case is taken off the list).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KustomizeError, RefusedError, RenderCache, renderKustomization } from '../../src/gitops/kustomize/index.js';

const CORPUS = join(import.meta.dirname, '..', 'fixtures', 'kustomize-krusty');
const cases = readdirSync(CORPUS).filter((d) => existsSync(join(CORPUS, d, 'case.json'))).sort();
const gaps = new Set(readFileSync(join(CORPUS, 'KNOWN-GAPS.txt'), 'utf8').split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean));

const tally = { identical: 0, errors: 0, gaps: 0 };
const refused = new Map<string, number>();

type Outcome = { kind: 'identical' | 'error-matched' | 'refused' | 'different' | 'wrong-error' | 'unexpected-success'; detail: string; reason?: string };

async function outcome(dir: string): Promise<Outcome> {
  const spec = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as { build: string };
  const wantError = existsSync(join(dir, 'expected-error.txt'));
  try {
    const out = await renderKustomization(join(dir, spec.build), { root: join(dir, 'tree') });
    if (wantError) return { kind: 'unexpected-success', detail: `kustomize failed: ${readFileSync(join(dir, 'expected-error.txt'), 'utf8')}` };
    const want = readFileSync(join(dir, 'expected.yaml'), 'utf8');
    return out === want ? { kind: 'identical', detail: '' } : { kind: 'different', detail: `--- got\n${out}\n--- want\n${want}` };
  } catch (err) {
    if (err instanceof RefusedError) return { kind: 'refused', detail: err.message, reason: err.reason };
    if (wantError && err instanceof KustomizeError) return { kind: 'error-matched', detail: err.message };
    return { kind: 'wrong-error', detail: err instanceof Error ? err.stack ?? err.message : String(err) };
  }
}

function kustomizationCount(dir: string): number {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /(^|\/)(kustomization\.ya?ml|Kustomization)$/.test(f)).length;
}

describe('kustomize krusty corpus', () => {
  afterAll(() => {
    const by = [...refused].map(([r, n]) => `${r} ${n}`).join(', ') || 'none';
    console.log(`krusty: ${cases.length} cases, ${tally.identical} identical, ${tally.errors} expected errors matched, ${[...refused.values()].reduce((a, b) => a + b, 0)} refused (${by}), ${tally.gaps} known gaps`);
  });

  it('has the extracted cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(250);
  });

  // The cases with bases (more than one kustomization) are where a shared cache hands out copies.
  it('renders cases with bases the same through one RenderCache shared by all, twice', { timeout: 120_000 }, async () => {
    const cache = new RenderCache();
    const ok = cases.filter((n) => !gaps.has(n) && existsSync(join(CORPUS, n, 'expected.yaml')) && kustomizationCount(join(CORPUS, n, 'tree')) > 1);
    for (let pass = 0; pass < 2; pass++) {
      for (const name of ok) {
        const dir = join(CORPUS, name);
        const spec = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as { build: string };
        const out = await renderKustomization(join(dir, spec.build), { root: join(dir, 'tree'), cache }).catch((e: unknown) => e);
        if (out instanceof RefusedError) continue;
        expect(out, `${name}, pass ${pass + 1}`).toBe(readFileSync(join(dir, 'expected.yaml'), 'utf8'));
      }
    }
  });

  for (const name of cases) {
    it(name, async () => {
      const o = await outcome(join(CORPUS, name));
      if (gaps.has(name)) {
        expect(['different', 'wrong-error', 'unexpected-success'], `${name} now passes (${o.kind}): take it off KNOWN-GAPS.txt`).toContain(o.kind);
        tally.gaps++;
        return;
      }
      if (o.kind === 'refused') {
        expect(o.detail).toMatch(/field "/);
        refused.set(o.reason ?? '?', (refused.get(o.reason ?? '?') ?? 0) + 1);
        return;
      }
      expect(o.kind, o.detail).toMatch(/^(identical|error-matched)$/);
      if (o.kind === 'identical') tally.identical++;
      else tally.errors++;
    });
  }
});
