// Behaviours the walkthroughs of kustomize's examples/ and docs site (v5.5.0) showed the renderer
// getting wrong, each pinned on its own with inputs of our own. Expected outputs were printed by
// kubectl kustomize (v5.5.0).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KustomizeError, renderKustomization } from '../../src/gitops/kustomize/index.js';
import { insertPathPart } from '../../src/gitops/kustomize/value-add.js';
import { parseYamlDocuments } from '../../src/gitops/kustomize/yaml-parse.js';

const scratch = mkdtempSync(join(tmpdir(), 'kustomize-examples-fixes-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let trees = 0;

/** Writes the files into a fresh directory and renders it (or the sub-directory `build`). */
async function render(files: Record<string, string>, build = '.'): Promise<string> {
  const dir = join(scratch, String(trees++));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return renderKustomization(join(dir, build), { root: dir });
}

describe('a strategic merge patch on a resource without apiVersion (examples/breakfast.md)', () => {
  const files = {
    'r.yaml': 'kind: Pancakes\nmetadata:\n  name: comfort\nstacksize: 3\n',
    'p.yaml': 'kind: Pancakes\nmetadata:\n  name: comfort\ntopping: none\n',
  };
  const merged = 'kind: Pancakes\nmetadata:\n  name: comfort\nstacksize: 3\ntopping: none\n';
  it.each([
    // Through the resource map, each copy of the patch takes the resource's (empty) apiVersion.
    ['a targeted patch', 'patches:\n- path: p.yaml\n  target:\n    kind: Pancakes\n', `apiVersion: null\n${merged}`],
    ['patchesStrategicMerge', 'patchesStrategicMerge:\n- p.yaml\n', `apiVersion: null\n${merged}`],
    // An untargeted patch is merged as written.
    ['an untargeted patch', 'patches:\n- path: p.yaml\n', merged],
  ])('%s', async (_label, field, want) => {
    expect(await render({ ...files, 'kustomization.yaml': `resources:\n- r.yaml\n${field}` })).toBe(want);
  });

  it('keeps the apiVersion of a resource that has one, whatever the targeted patch says', async () => {
    const out = await render({
      'r.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: "1"\n',
      'p.yaml': 'kind: ConfigMap\nmetadata:\n  name: c\ndata:\n  b: "2"\n',
      'q.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  c: "3"\n',
      'kustomization.yaml': 'resources:\n- r.yaml\npatches:\n- path: q.yaml\n- path: p.yaml\n  target:\n    kind: ConfigMap\n',
    });
    expect(out).toBe('apiVersion: v1\ndata:\n  a: "1"\n  b: "2"\n  c: "3"\nkind: ConfigMap\nmetadata:\n  name: c\n');
  });

  it('finds no resource for an untargeted patch without apiVersion when the resource has one', async () => {
    const err = await render({
      'r.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n',
      'p.yaml': 'kind: ConfigMap\nmetadata:\n  name: c\ndata:\n  b: "2"\n',
      'kustomization.yaml': 'resources:\n- r.yaml\npatches:\n- path: p.yaml\n',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KustomizeError);
    expect((err as Error).message).toMatch(/no resource matches strategic merge patch "ConfigMap\.\[noVer\]\.\[noGrp\]\/c/);
  });
});


describe('a mapping entry with no key (examples/inlinePatch.md: the shell turned `$patch: delete` into `: delete`)', () => {
  it.each([
    ['nested', 'data:\n  x: y\n  : delete\n', 3],
    ['alone in its mapping', 'data:\n  : delete\n', 2],
    ['at the top', 'a: 1\n: delete\n', 2],
    ['in a list item', 'a:\n- name: n\n  : delete\n', 3],
  ])('is malformed YAML, as go-yaml says "did not find expected key": %s', (_label, text, line) => {
    expect(() => parseYamlDocuments(text, 'r.yaml')).toThrow(new RegExp(`^r\\.yaml: malformed YAML at line ${line}: did not find expected key$`));
  });

  it.each([
    ['after an explicit key indicator', '? \n: v\n', { '': 'v' }],
    ['nested after an explicit key indicator', 'data:\n  ? \n  : v\n', { data: { '': 'v' } }],
    ['quoted empty', 'data:\n  "": v\n', { data: { '': 'v' } }],
    ['an explicit key', 'data:\n  ? a\n  : v\n', { data: { a: 'v' } }],
  ])('is an empty key %s', (_label, text, want) => {
    expect(parseYamlDocuments(text, 'r.yaml')).toEqual([want]);
  });

  it('fails an inline patch, naming the patch entry', async () => {
    const err = await render({
      'd.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: deploy\n',
      'kustomization.yaml': 'resources:\n- d.yaml\npatches:\n- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: deploy\n    spec:\n      template:\n        spec:\n          containers:\n          - name: nginx\n            : delete\n',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KustomizeError);
    expect((err as Error).message).toBe('kustomization.yaml: field "patches[0]": malformed YAML at line 10: did not find expected key');
  });
});

describe('the builtin ValueAddTransformer (examples/valueAdd.md)', () => {
  // kyaml's filesys.InsertPathPart, with the table of its doc comment.
  it.each([
    ['', 3, 'PEACH'], ['/', 3, '/PEACH'], ['pie', 0, 'PEACH/pie'], ['pie', -1, 'PEACH/pie'], ['/pie', 0, '/PEACH/pie'],
    ['raw', 1, 'raw/PEACH'], ['raw', 9999, 'raw/PEACH'], ['/raw', 1, '/raw/PEACH'],
    ['a/nice/warm/pie', 3, 'a/nice/warm/PEACH/pie'], ['/a/nice/warm/pie', 3, '/a/nice/warm/PEACH/pie'],
  ])('inserts into %j at %i: %j', (path, pos, want) => {
    expect(insertPathPart(path, pos, 'PEACH')).toBe(want);
  });

  const resources = [
    'apiVersion: example.com/v1\nkind: Thing\nmetadata:\n  name: t\nspec:\n  path: /data/files\n  quoted: "q"\n  m:\n    k: v\n',
    'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: cr\n',
    'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: rb\nsubjects:\n- kind: ServiceAccount\n  name: default\n- kind: ServiceAccount\n  name: other\n',
  ].join('---\n');
  const header = 'apiVersion: builtin\nkind: ValueAddTransformer\nmetadata:\n  name: va\n';
  const tree = (config: string): Record<string, string> => ({
    'r.yaml': resources,
    'targets.yaml': 'targets:\n- selector:\n    kind: Thing\n  fieldPath: spec/path\n  filePathPosition: 2\n',
    'va.yaml': header + config,
    'kustomization.yaml': 'resources:\n- r.yaml\ntransformers:\n- va.yaml\n',
  });

  it('creates fields, inserts into paths, sets namespaces as the namespace transformer does, reads targetFilePath', async () => {
    const config = 'value: " 8080 "\ntargetFilePath: targets.yaml\ntargets:\n- selector:\n    kind: Thing\n  fieldPath: spec/new/port\n'
      + '- fieldPath: metadata/namespace\n- selector:\n    kind: Thing\n  fieldPath: metadata/annotations/a\\/b\n';
    expect(await render(tree(config))).toBe([
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: cr\n',
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: rb\n  namespace: "8080"\nsubjects:\n- kind: ServiceAccount\n  name: default\n  namespace: "8080"\n- kind: ServiceAccount\n  name: other\n',
      'apiVersion: example.com/v1\nkind: Thing\nmetadata:\n  annotations:\n    a/b: "8080"\n  name: t\n  namespace: "8080"\nspec:\n  m:\n    k: v\n  new:\n    port: 8080\n  path: /data/8080/files\n  quoted: q\n',
    ].join('---\n'));
  });

  it('takes the name of the kustomization directory when no value is given', async () => {
    const files = tree('targets:\n- fieldPath: metadata/namespace\n  selector:\n    kind: Thing\n');
    const moved = Object.fromEntries(Object.entries(files).map(([k, v]) => [`dog-222/${k}`, v]));
    expect(await render(moved, 'dog-222')).toMatch(/^ {2}namespace: dog-222$/m);
  });

  it.each([
    ['a field holding a mapping', 'targets:\n- fieldPath: spec/m\n', /field "transformers\[0\]\.targets\[0\]\.fieldPath": spec\/m: wrong node kind: expected ScalarNode but got MappingNode/],
    ['no target', 'value: x\n', /field "transformers\[0\]": must specify at least one target/],
    ['an empty fieldPath', 'targets:\n- fieldPath: ""\n', /fieldPath cannot be empty/],
    ['a negative filePathPosition', 'targets:\n- fieldPath: spec/a\n  filePathPosition: -1\n', /value of FilePathPosition \(-1\) cannot be negative/],
  ])('fails for %s, as kustomize does', async (_label, config, message) => {
    const err = await render(tree(config)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KustomizeError);
    expect((err as Error).message).toMatch(message);
  });
});
