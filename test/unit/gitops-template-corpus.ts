/** Runs the recorded Go-template corpus (test/fixtures/gotemplate/corpus.json) through the engine and compares with Go. */
import { readFileSync } from 'node:fs';
import { renderGoTemplate } from '../../src/gitops/template/index.js';

/** One recorded case. */
export interface CorpusCase { family: string; name: string; template: string; dataRef?: string; options?: string[]; nondeterministic?: boolean; want: { output?: string; error?: string } }

/** The outcome of one case. */
export interface CaseResult { c: CorpusCase; got: { output?: string; error?: string }; sameOutcome: boolean; identical: boolean; sameMessage: boolean }

/** Loads the corpus. */
export function loadCorpus(path = new URL('../fixtures/gotemplate/corpus.json', import.meta.url)): { dataSets: Record<string, unknown>; cases: CorpusCase[] } {
  return JSON.parse(readFileSync(path, 'utf8')) as { dataSets: Record<string, unknown>; cases: CorpusCase[] };
}

/** Go's error text without what differs only in wording we do not try to match (ArgoCD wraps it anyway). */
export function normaliseError(msg: string): string {
  return msg.replace(/^template: base:(\d+)(:\d+)?: /, 'template: base:$1: ').replace(/executing "base" at <[^>]*>: /, '').trim();
}

/** Runs every case. */
export function runCorpus(): CaseResult[] {
  const { dataSets, cases } = loadCorpus();
  return cases.map((c) => {
    const data = c.dataRef ? JSON.parse(JSON.stringify(dataSets[c.dataRef])) : {};
    let got: { output?: string; error?: string };
    try {
      const out = renderGoTemplate(c.template, data, c.options);
      got = { output: c.nondeterministic ? '' : out };
    } catch (e) {
      got = { error: (e as Error).message };
    }
    const sameOutcome = (got.error === undefined) === (c.want.error === undefined);
    const identical = sameOutcome && (got.error === undefined ? got.output === c.want.output : got.error === c.want.error);
    const sameMessage = identical || (sameOutcome && got.error !== undefined && normaliseError(got.error) === normaliseError(c.want.error ?? ''));
    return { c, got, sameOutcome, identical, sameMessage };
  });
}
