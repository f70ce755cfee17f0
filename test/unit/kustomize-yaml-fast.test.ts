// The fast YAML reader must return exactly what the full reader (the `yaml` package) returns, or
// give up: checked on every YAML file of the kustomize corpora and examples (both the go-yaml v3
// and the YAML 1.1 typing), and on the constructs it must hand over.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fastParseDocuments } from '../../src/gitops/kustomize/yaml-fast.js';
import { parseWithYamlPackage } from '../../src/gitops/kustomize/yaml-parse.js';

const REPO = join(import.meta.dirname, '..', '..');

function* yamlFiles(dir: string): Generator<string> {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) yield* yamlFiles(p);
    else if (/\.ya?ml$|(^|\/)Kustomization$/.test(p)) yield p;
  }
}

function full(text: string, yaml11: boolean): unknown {
  try {
    return parseWithYamlPackage(text, 'f.yaml', yaml11);
  } catch (err) {
    return err;
  }
}

describe('fast YAML reader', () => {
  it('agrees with the full reader on every corpus file it accepts, and accepts most of them', { timeout: 180_000 }, () => {
    let accepted = 0;
    let total = 0;
    for (const root of ['test/fixtures/kustomize-krusty', 'test/fixtures/conformance', 'test/fixtures/kustomize-extra', 'examples']) {
      for (const f of yamlFiles(join(REPO, root))) {
        const text = readFileSync(f, 'utf8');
        // Kustomization files are read with YAML 1.1 typing, everything else with go-yaml v3's.
        for (const yaml11 of /kustomization\.ya?ml$|Kustomization$/.test(f) ? [false, true] : [false]) {
          const fast = fastParseDocuments(text, yaml11);
          total++;
          if (fast === undefined) continue;
          accepted++;
          expect(fast, `${f} (yaml11 ${yaml11})`).toEqual(full(text, yaml11));
        }
      }
    }
    expect(accepted).toBeGreaterThan(total * 0.9);
  });

  it.each([
    ['anchor and alias', 'a: &x 1\nb: *x\n'],
    ['tag', 'a: !!str 1\n'],
    ['merge key', 'a: {x: 1}\nb:\n  <<: {y: 2}\n'],
    ['multi-line plain scalar', 'a: one\n  two\n'],
    ['multi-line quoted scalar', 'a: "one\n  two"\n'],
    ['folded scalar', 'a: >\n  one\n  two\n'],
    ['kept final line breaks', 'a: |+\n  one\n\n'],
    ['duplicate key', 'a: 1\na: 2\n'],
    ['tab', 'a:\t1\n'],
    ['multi-line flow', 'a: [1,\n  2]\n'],
    ['top-level scalar', 'just text\n'],
    ['bad indentation', 'a:\n    b: 1\n  c: 2\n'],
    ['nested mapping on one line', 'a: b: c\n'],
    ['literal block at the end of a file without a newline', 'a: |\n  x'],
  ])('gives up on %s', (_name, text) => {
    expect(fastParseDocuments(text, false)).toBeUndefined();
  });

  it.each([
    ['scalars typed as go-yaml v3 types them, keys as strings', 'a: 1\nb: "1"\nc: yes\nd: 0644\n1: x\n"e f": [x, "y", 2, {g: h}]\nn:\nm: ~\n'],
    ['compact sequences of mappings, sequences at the key\'s indentation', 'spec:\n  containers:\n  - name: a # c\n    args:\n    - -x\n    - \'it\'\'s\'\n  -\n    name: b\nlist:\n- 1\n-\n- [a, b]\n'],
    ['literal blocks', 'p: |-\n  apiVersion: v1\n\n  kind: X\nq: |\n  # not a comment\n    kept indent\n\nr: x\n'],
    ['several documents, empty ones left out', '---\na: 1\n---\n# only a comment\n---\n- b\n'],
  ])('reads %s as the full reader does', (_name, text) => {
    const fast = fastParseDocuments(text, false);
    expect(fast).toBeDefined();
    expect(fast).toEqual(full(text, false));
  });
});
