// The shared conformance corpus: every `ok` case must render byte for byte as kustomize v5.5.0
// printed it; every `error` case must fail with a KustomizeError naming the file and the field.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KustomizeError, renderKustomization } from '../../src/gitops/kustomize/index.js';

const CORPUS = join(import.meta.dirname, '..', 'fixtures', 'conformance', 'kustomize');

interface CaseSpec {
  build: string;
  expect: 'ok' | 'error';
  note?: string;
}

// What each error case's message must mention (kustomize's own wording need not match).
const ERROR_MENTIONS: Record<string, RegExp[]> = {
  '39-error-file-outside-root': [/outside\.yaml/, /resources/],
  '40-error-missing-resource': [/app\/base\/kustomization\.yaml/, /hpa\.yaml/, /resources\[\d\]/],
  '41-error-unknown-field': [/app\/kustomization\.yaml/, /namesapce/, /unknown field/],
  '42-error-kustomization-cycle': [/platform\/networking/, /cycle/],
  '43-error-namespace-object-conflict': [/tenants\/kustomization\.yaml/, /namespace/, /conflict/],
  '44-error-json6902-test-fails': [/kustomization\.yaml/, /patches\[\d\]/, /test failed/, /containers\/0\/image/],
  '45-error-smp-patch-no-match': [/kustomization\.yaml/, /patches\[\d\]/, /payment-worker/],
  '46-error-replacement-source-missing': [/kustomization\.yaml/, /replacements\[0\]/, /region-info/],
  '47-error-malformed-yaml-resource': [/cart-cache\.yaml/, /malformed YAML/],
  '48-error-overlay-merge-into-component-generator': [/configMapGenerator\[0\]/, /otel-sdk-config/, /does not exist/],
};

const cases = readdirSync(CORPUS).filter((d) => existsSync(join(CORPUS, d, 'case.json'))).sort();
let passed = 0;

describe('kustomize conformance corpus', () => {
  afterAll(() => {
    console.log(`kustomize conformance: ${passed}/${cases.length}`);
  });

  it('has cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(48);
  });

  for (const name of cases) {
    const dir = join(CORPUS, name);
    const spec = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as CaseSpec;
    it(`${name} (${spec.expect})`, async () => {
      const render = renderKustomization(join(dir, spec.build), { root: dir });
      if (spec.expect === 'ok') {
        expect(await render).toBe(readFileSync(join(dir, 'expected.yaml'), 'utf8'));
      } else {
        const err = await render.then(() => undefined, (e: unknown) => e);
        expect(err).toBeInstanceOf(KustomizeError);
        const message = (err as Error).message;
        const mentions = ERROR_MENTIONS[name];
        expect(mentions, `no expectations recorded for ${name}; kustomize said: ${readFileSync(join(dir, 'expected-error.txt'), 'utf8')}`).toBeDefined();
        for (const m of mentions) expect(message).toMatch(m);
      }
      passed++;
    });
  }
});
