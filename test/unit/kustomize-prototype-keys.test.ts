// Issue 9 item 5: keys from Git such as `__proto__`, `constructor` and `prototype` are ordinary keys
// in kustomize (Go maps). Every path-walking step of the renderer (JSON 6902, strategic merge,
// replacements, field specs from `configurations`, vars, the YAML reader) must treat them as
// kustomize does, or fail naming the file and field, and never write to Object.prototype.
// Expected outputs were recorded with kubectl kustomize v1.32 (kustomize v5.5.0).
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { KustomizeError, renderKustomization } from '../../src/gitops/kustomize/index.js';

const APP = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: app
spec:
  syncPolicy:
    automated:
      prune: true
`;

const root = mkdtempSync(join(tmpdir(), 'kustomize-proto-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function tree(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'res.yaml'), APP);
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  return dir;
}

function polluted(): string[] {
  return Object.getOwnPropertyNames(Object.prototype).filter((k) => !BUILTIN.has(k));
}
const BUILTIN = new Set(Object.getOwnPropertyNames(Object.prototype));

afterEach(() => {
  const extra = polluted();
  for (const k of extra) delete (Object.prototype as Record<string, unknown>)[k];
  expect(extra, 'Object.prototype was written').toEqual([]);
});

describe('prototype keys in kustomizations', () => {
  it('JSON 6902 /__proto__/automated fails as kustomize does, naming file and patch', async () => {
    const dir = tree('j6902', {
      'kustomization.yaml': `resources: [res.yaml]
patches:
- target: {kind: Application}
  patch: |
    - op: add
      path: /__proto__/automated
      value: {prune: false}
`,
    });
    const err = await renderKustomization(dir, { root: dir }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(KustomizeError);
    expect((err as Error).message).toMatch(/kustomization\.yaml.*patches\[0\].*\/__proto__\/automated/);
    expect(({} as Record<string, unknown>).automated).toBeUndefined();
  });

  it('replacements create `__proto__` as an ordinary field', async () => {
    const dir = tree('repl', {
      'kustomization.yaml': `resources: [res.yaml]
replacements:
- source: {kind: Application, fieldPath: metadata.name}
  targets:
  - select: {kind: Application}
    fieldPaths: [spec.__proto__.automated]
    options: {create: true}
`,
    });
    expect(await renderKustomization(dir, { root: dir })).toBe(`apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: app
spec:
  __proto__:
    automated: app
  syncPolicy:
    automated:
      prune: true
`);
  });

  it('field specs from configurations walk `__proto__` as an ordinary field', async () => {
    const dir = tree('cfg', {
      'kustomization.yaml': 'resources: [res.yaml]\ncommonLabels: {team: a}\nconfigurations: [cfg.yaml]\n',
      'cfg.yaml': 'commonLabels:\n- path: spec/__proto__/automated\n  create: true\n',
    });
    expect(await renderKustomization(dir, { root: dir })).toBe(`apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  labels:
    team: a
  name: app
spec:
  __proto__:
    automated:
      team: a
  syncPolicy:
    automated:
      prune: true
`);
  });

  it('strategic merge keeps `__proto__` and `constructor` patch fields', async () => {
    const dir = tree('smp', {
      'kustomization.yaml': `resources: [res.yaml]
patches:
- patch: |
    apiVersion: argoproj.io/v1alpha1
    kind: Application
    metadata:
      name: app
    spec:
      __proto__:
        automated: {prune: false}
      constructor: x
`,
    });
    expect(await renderKustomization(dir, { root: dir })).toBe(`apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: app
spec:
  __proto__:
    automated:
      prune: false
  constructor: x
  syncPolicy:
    automated:
      prune: true
`);
  });

  it('a var naming an inherited field fails instead of reading Object.prototype', async () => {
    const dir = tree('vars', {
      'kustomization.yaml': `resources: [res.yaml, cm.yaml]
vars:
- name: X
  objref: {kind: Application, name: app, apiVersion: argoproj.io/v1alpha1}
  fieldref: {fieldpath: spec.constructor}
`,
      'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: $(X)}\n',
    });
    const err = await renderKustomization(dir, { root: dir }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(KustomizeError);
    expect((err as Error).message).toMatch(/kustomization\.yaml.*vars.*spec\.constructor/);
  });
});
