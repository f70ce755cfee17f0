import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCorpus, type CaseResult } from './gitops-template-corpus.js';

// Cases where Meridian is known to differ from Go + Sprig, each with the reason; anything else that
// differs fails the test, so a regression in the engine turns this red.
const known = JSON.parse(readFileSync(new URL('../fixtures/gotemplate/known-differences.json', import.meta.url), 'utf8')) as Array<{ name: string; template: string; reason: string }>;
const knownKeys = new Map(known.map((k) => [k.name, k.reason]));

describe('Go template corpus recorded from Go 1.19 + Sprig 3.2.3 + ArgoCD functions', () => {
  const results: CaseResult[] = runCorpus();

  it('renders every case as Go does (output, or error with the same message), apart from the listed known differences', () => {
    const families = new Map<string, { cases: number; identical: number; sameOutcome: number; sameMessage: number }>();
    for (const r of results) {
      const f = families.get(r.c.family) ?? { cases: 0, identical: 0, sameOutcome: 0, sameMessage: 0 };
      f.cases++;
      if (r.identical) f.identical++;
      if (r.sameOutcome) f.sameOutcome++;
      if (r.sameMessage || (r.sameOutcome && r.c.want.error === undefined && r.identical)) f.sameMessage++;
      families.set(r.c.family, f);
    }
    const total = results.length;
    const identical = results.filter((r) => r.identical).length;
    const sameOutcome = results.filter((r) => r.sameOutcome).length;
    const rows = [...families].map(([family, f]) => `${family.padEnd(18)} ${String(f.cases).padStart(5)} ${String(f.identical).padStart(9)} ${String(f.sameOutcome).padStart(12)}`);
    console.log(['family              cases identical  ok-or-error', ...rows, `${'total'.padEnd(18)} ${String(total).padStart(5)} ${String(identical).padStart(9)} ${String(sameOutcome).padStart(12)}`].join('\n'));

    const unexpected = results.filter((r) => !(r.identical || r.sameMessage) && !knownKeys.has(r.c.name))
      .map((r) => ({ family: r.c.family, template: r.c.template, options: r.c.options, want: r.c.want, got: r.got }));
    expect(unexpected).toEqual([]);
    expect(total).toBeGreaterThan(1000);
  });

  it('lists no known difference that has since been fixed', () => {
    const fixed = results.filter((r) => (r.identical || r.sameMessage) && knownKeys.has(r.c.name)).map((r) => r.c.name);
    expect(fixed).toEqual([]);
  });
});
